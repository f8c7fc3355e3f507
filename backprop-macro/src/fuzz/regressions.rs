//! Inputs the fuzzing found, each a case of its own.

use super::{check, expand};

/// Found by `random_expressions_never_panic`: a loop that stays a loop, called on each of
/// 1,000 unrolled iterations with an array of 1,001 scalars, wrote 160 MB of code (and
/// the check's parse of it overflowed the test thread's stack). The calls count toward
/// the unrolling limit now, and the loop is generated once.
#[test]
fn a_loop_called_from_every_unrolled_iteration_is_bounded() {
    let input = "|a: [f64; 1001], n| { let mut s = n; for i in 0..a.len() - 1 { let t = \
        a[i + 1] - if n <= a[2] { { let mut s = n; for i in 0..a.len() - 2 { let mut t = \
        a[i]; for k in 0..3 { t += a[i + k]; } if t < a[i] { t = -t; } s += t * t; } s } } \
        else { 1.0 }; s -= t * a[i]; } s }";
    let output = expand(input.parse().expect("lexes")).to_string();
    assert!(output.len() < 100_000, "{} bytes", output.len());
    assert!(output.contains("unrolls more than"), "{output}");
}

/// Found by `mutated_inputs_never_panic`: `crate` (or `self`, `super`) where a named
/// constant may stand, as a loop bound or an array length, was taken for one and written
/// back where no module path is a value. Each is an error now.
#[test]
fn module_paths_are_no_named_constants() {
    for input in [
        "|x: [f64; N]| { let mut s = 0.0; for i in 0..crate { s += x[i]; } s }",
        "|x: [f64; crate]| { let mut s = 0.0; for i in 0..N { s += x[i]; } s }",
        "|x: [f64; self::N]| { let mut s = 0.0; for i in 0..super { s += x[i]; } s }",
        "|x| x * crate",
        "|x| x * self",
        "|x| { let mut s = 0.0; for i in 0..N { for j in 0..self { s += x * (j - i) as f64; } } s }",
    ] {
        let tokens: proc_macro2::TokenStream = input.parse().expect("lexes");
        if let Err(e) = check(tokens) {
            panic!("{e}");
        }
    }
}
