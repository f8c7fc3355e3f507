//! erf, erfc, the activations and their derivatives against values computed by mpmath at
//! 60 digits (`tests/data/erf_reference.txt`, written by `tools/erf-reference/generate.py`).
//!
//! The error is relative where the reference is a normal number. Below that the format
//! itself has only absolute precision, so the error is taken relative to the smallest
//! normal number instead (erfc is subnormal for 26.55 < x < 27.2 and 0 past it).

use backprop_core::{rules, Float};

const TABLE: &str = include_str!("data/erf_reference.txt");

/// One line of the table: the function's name, its arguments and the reference value.
struct Row {
    name: &'static str,
    args: Vec<f64>,
    want: f64,
}

fn rows() -> Vec<Row> {
    TABLE
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let mut fields = line.split_whitespace();
            let name = fields.next().unwrap();
            let mut numbers: Vec<f64> = fields
                .map(|f| {
                    f.parse()
                        .unwrap_or_else(|_| panic!("bad number in {line:?}"))
                })
                .collect();
            let want = numbers.pop().unwrap();
            Row {
                name,
                args: numbers,
                want,
            }
        })
        .collect()
}

/// The function `name` of the table, through the rules, at `args` in `T` (dout = 1).
fn eval<T: Float>(name: &str, a: &[T]) -> T {
    let one = T::ONE;
    match name {
        "erf" => rules::erf(a[0]),
        "erfc" => rules::erfc(a[0]),
        "erf_grad" => rules::erf_grad(a[0], one),
        "erfc_grad" => rules::erfc_grad(a[0], one),
        "gelu" => rules::gelu(a[0]),
        "gelu_grad" => rules::gelu_grad(a[0], one),
        "silu" => rules::silu(a[0]),
        "silu_grad" => rules::silu_grad(a[0], one),
        "log_sigmoid" => rules::log_sigmoid(a[0]),
        "log_sigmoid_grad" => rules::log_sigmoid_grad(a[0], one),
        "gelu_tanh" => rules::gelu_tanh(a[0]),
        "gelu_tanh_grad" => rules::gelu_tanh_grad(a[0], one),
        "elu" => rules::elu(a[0]),
        "elu_grad" => rules::elu_grad(a[0], one),
        "logaddexp" => rules::logaddexp(a[0], a[1]),
        "logaddexp_grad_a" => rules::logaddexp_grad(a[0], a[1], one).0,
        "logaddexp_grad_b" => rules::logaddexp_grad(a[0], a[1], one).1,
        _ => panic!("unknown function {name:?} in the table"),
    }
}

/// The magnitude the error is measured against, before the floor at the smallest normal.
///
/// Mostly |reference|. Two exceptions, where the value is a difference of larger terms
/// that are themselves computed to full relative accuracy:
/// - the derivatives of silu, gelu and gelu_tanh near their zeros (x ≈ −1.28, −0.75,
///   −0.75), Φ(x) + x·φ(x) and the like: for |x| ≤ 2 the terms are at most 1 and the
///   error is measured against 1;
/// - logaddexp = max(a, b) + ln(1 + e^−|a−b|), which is near 0 where eᵃ + eᵇ ≈ 1: the
///   error is measured against |max(a, b)| + ln 2, the size of its terms.
fn scale(row: &Row) -> f64 {
    let x = row.args[0];
    match row.name {
        "silu_grad" | "gelu_grad" | "gelu_tanh_grad" if x.abs() <= 2.0 => row.want.abs().max(1.0),
        "logaddexp" => row
            .want
            .abs()
            .max(x.max(row.args[1]).abs() + core::f64::consts::LN_2),
        _ => row.want.abs(),
    }
}

/// A factor on the bound for ill-conditioned evaluation.
///
/// gelu_tanh is x·σ(t) with t = 2√(2/π)·(x + 0.044715·x³) computed in the working
/// precision from rounded constants, so t carries a relative error of a few ulps; in the
/// left tail σ(t) ≈ eᵗ turns that into a relative error of about |t| times as much (the
/// relative condition number of σ at t < 0 is |t|·σ(−t)). The bound grows with 1 + |t|
/// (t ≈ −603 at x = −20).
fn conditioning(row: &Row) -> f64 {
    let x = row.args[0];
    match row.name {
        "gelu_tanh" | "gelu_tanh_grad" => {
            let t = 2.0 * (2.0 / core::f64::consts::PI).sqrt() * (x + 0.044715 * x * x * x);
            1.0 + t.abs()
        }
        _ => 1.0,
    }
}

/// The worst error, over the rows of the functions in `names`, of `T`'s evaluation,
/// divided by each row's conditioning factor; with the row where it happens.
fn worst<T: Float>(names: &[&str]) -> (f64, String) {
    let f32_rows = T::NAME == "f32";
    let mut worst = (0.0, String::from("none"));
    let mut checked = 0;
    for row in rows().iter().filter(|r| names.contains(&r.name)) {
        let args: Vec<T> = row.args.iter().map(|&a| T::from_f64(a)).collect();
        if args.iter().zip(&row.args).any(|(t, &a)| t.to_f64() != a) {
            continue; // not representable in T: the table is not about this point
        }
        let want = row.want.abs();
        if f32_rows
            && want != 0.0
            && !(f64::from(f32::MIN_POSITIVE)..=f64::from(f32::MAX)).contains(&want)
        {
            // Outside f32's normal range; in f32 the subnormal range is reached by
            // intermediate values (such as e⁻ˣ in silu) long before the result.
            continue;
        }
        let got = eval(row.name, &args).to_f64();
        let err = if got == row.want {
            0.0
        } else {
            (got - row.want).abs() / scale(row).max(f64::MIN_POSITIVE) / conditioning(row)
        };
        checked += 1;
        if err > worst.0 || err.is_nan() && !worst.0.is_nan() {
            let args = row
                .args
                .iter()
                .map(|a| format!("{a:e}"))
                .collect::<Vec<_>>();
            worst = (
                err,
                format!(
                    "{}({}) = {got:e}, want {:e}",
                    row.name,
                    args.join(", "),
                    row.want
                ),
            );
        }
    }
    assert!(checked > 0, "no rows for {names:?} in {}", T::NAME);
    worst
}

#[track_caller]
fn check<T: Float>(names: &[&str], bound: f64) {
    let (err, at) = worst::<T>(names);
    eprintln!(
        "{} {names:?}: worst error {err:.3e} (bound {bound:e}) at {at}",
        T::NAME
    );
    assert!(
        err < bound,
        "{} {names:?}: worst error {err:e} over the bound {bound:e}, at {at}",
        T::NAME
    );
}

// Measured worst errors in f64 (x86-64, glibc's exp): erf 2.0e-16, erfc 3.6e-16 (at
// x = 26.5), erf' 2.2e-16; gelu 2.9e-16 and gelu' 3.7e-16 where the reference is normal
// (2.2e-15 in the subnormal range, against the smallest normal); silu, silu', log_sigmoid,
// its derivative, elu, elu', logaddexp and its derivatives below 5e-16; gelu_tanh and its
// derivative 2.2e-16 after dividing by 1 + |t| (up to 1.2e-13 without, at x = −20).
#[test]
fn erf_and_erfc_f64_within_1e_14_everywhere() {
    check::<f64>(&["erf"], 1e-14);
    check::<f64>(&["erfc"], 1e-14);
    check::<f64>(&["erf_grad", "erfc_grad"], 1e-14);
}

#[test]
fn activations_f64() {
    for name in ["gelu", "gelu_grad", "silu", "silu_grad", "log_sigmoid"] {
        check::<f64>(&[name], 1e-14);
    }
    for name in [
        "log_sigmoid_grad",
        "elu",
        "elu_grad",
        "gelu_tanh",
        "gelu_tanh_grad",
    ] {
        check::<f64>(&[name], 1e-14);
    }
    for name in ["logaddexp", "logaddexp_grad_a", "logaddexp_grad_b"] {
        check::<f64>(&[name], 1e-14);
    }
}

// f32 is checked at the table's points that f32 represents exactly, and where the
// reference is a normal f32, at 4e-7 (about 3.4 f32 ulps; measured worst 1.6e-7, silu'
// at −15), with the same scale and conditioning as f64.
const F32_BOUND: f64 = 4e-7;

#[test]
fn erf_and_erfc_f32() {
    check::<f32>(&["erf", "erfc", "erf_grad", "erfc_grad"], F32_BOUND);
}

#[test]
fn activations_f32() {
    for name in ["gelu", "gelu_grad", "silu", "silu_grad", "log_sigmoid"] {
        check::<f32>(&[name], F32_BOUND);
    }
    for name in [
        "log_sigmoid_grad",
        "elu",
        "elu_grad",
        "gelu_tanh",
        "gelu_tanh_grad",
    ] {
        check::<f32>(&[name], F32_BOUND);
    }
    for name in ["logaddexp", "logaddexp_grad_a", "logaddexp_grad_b"] {
        check::<f32>(&[name], F32_BOUND);
    }
}
