//! The dual numbers of forward mode: exact real parts, tangents by the chain rule (checked
//! against finite differences and closed forms), the conventions at singular points,
//! second derivatives by nesting, and the library's rules run on dual numbers.
// Tangents, gradients and arguments are indexed together by direction.
#![allow(clippy::needless_range_loop)]

use backprop_core::{Dual, Float, Op, Signature, OPS};

type D1 = Dual<f64, 1>;
type D1f = Dual<f32, 1>;
type DD = Dual<Dual<f64, 1>, 1>;

/// Both the same bits, or both NaN.
fn same_f64(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}
fn same_f32(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[track_caller]
fn assert_close(got: f64, want: f64, rtol: f64, what: &str) {
    let tol = rtol * want.abs().max(1e-3);
    assert!(
        (got - want).abs() <= tol || got == want,
        "{what}: got {got:e}, want {want:e} (rtol {rtol:e})"
    );
}

/// The derivative of `f` at `x` by the five-point stencil, error O(h⁴).
fn stencil(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let h = 1e-3 * (1.0 + x.abs());
    (f(x - 2.0 * h) - 8.0 * f(x - h) + 8.0 * f(x + h) - f(x + 2.0 * h)) / (12.0 * h)
}

// ---------------------------------------------------------------------------------------
// The methods of `Float`, one name each, generic over the element type.

const UNARY: &[&str] = &[
    "abs", "sqrt", "cbrt", "exp", "exp2", "exp_m1", "ln", "ln_1p", "log2", "log10", "recip", "sin",
    "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "signum", "floor", "ceil",
    "round", "trunc", "neg",
];

fn unary<F: Float>(name: &str, x: F) -> F {
    match name {
        "abs" => x.abs(),
        "sqrt" => x.sqrt(),
        "cbrt" => x.cbrt(),
        "exp" => x.exp(),
        "exp2" => x.exp2(),
        "exp_m1" => x.exp_m1(),
        "ln" => x.ln(),
        "ln_1p" => x.ln_1p(),
        "log2" => x.log2(),
        "log10" => x.log10(),
        "recip" => x.recip(),
        "sin" => x.sin(),
        "cos" => x.cos(),
        "tan" => x.tan(),
        "asin" => x.asin(),
        "acos" => x.acos(),
        "atan" => x.atan(),
        "sinh" => x.sinh(),
        "cosh" => x.cosh(),
        "tanh" => x.tanh(),
        "signum" => x.signum(),
        "floor" => x.floor(),
        "ceil" => x.ceil(),
        "round" => x.round(),
        "trunc" => x.trunc(),
        "neg" => -x,
        _ => unreachable!("{name}"),
    }
}

/// The points where `name` is smooth, for the finite differences.
fn smooth_points(name: &str) -> &'static [f64] {
    match name {
        "sqrt" | "ln" | "log2" | "log10" => &[0.3, 0.7, 1.0, 2.5, 17.0],
        "ln_1p" => &[-0.6, -0.1, 0.3, 2.5, 17.0],
        "asin" | "acos" => &[-0.8, -0.3, 0.1, 0.45, 0.7],
        "tan" => &[-1.1, -0.3, 0.2, 0.9],
        "recip" | "cbrt" => &[-2.5, -0.7, 0.4, 1.3, 6.0],
        _ => &[-2.3, -1.1, -0.4, 0.3, 0.7, 1.6, 2.9],
    }
}

/// Every point of the grid for the exactness of the real part: smooth points, singular
/// points, points outside domains and the special values.
fn grid() -> Vec<f64> {
    let mut g: Vec<f64> = (-40..=40).map(|i| f64::from(i) * 0.137).collect();
    g.extend([
        0.0,
        -0.0,
        0.5,
        -0.5,
        1.0,
        -1.0,
        2.5,
        1e-300,
        -1e-310,
        1e10,
        -1e10,
        700.0,
        -745.5,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        f64::MAX,
        f64::MIN_POSITIVE,
    ]);
    g
}

const BINARY: &[&str] = &[
    "add",
    "sub",
    "mul",
    "div",
    "powf",
    "log",
    "atan2",
    "hypot",
    "max",
    "min",
    "add_assign",
    "sub_assign",
    "mul_assign",
];

fn binary<F: Float>(name: &str, a: F, b: F) -> F {
    match name {
        "add" => a + b,
        "sub" => a - b,
        "mul" => a * b,
        "div" => a / b,
        "powf" => a.powf(b),
        "log" => a.log(b),
        "atan2" => a.atan2(b),
        "hypot" => a.hypot(b),
        "max" => a.max(b),
        "min" => a.min(b),
        "add_assign" => {
            let mut c = a;
            c += b;
            c
        }
        "sub_assign" => {
            let mut c = a;
            c -= b;
            c
        }
        "mul_assign" => {
            let mut c = a;
            c *= b;
            c
        }
        _ => unreachable!("{name}"),
    }
}

fn smooth_pairs(name: &str) -> &'static [(f64, f64)] {
    match name {
        "powf" => &[(0.7, 1.3), (2.1, -0.4), (1.9, 2.5), (0.4, -1.7)],
        "log" => &[(0.7, 2.0), (5.0, 0.5), (3.0, 10.0), (0.2, 3.5)],
        _ => &[(0.7, -1.3), (2.1, 0.4), (-0.6, 1.9), (-1.5, -0.8)],
    }
}

// ---------------------------------------------------------------------------------------
// The real part is T's own method, bit for bit.

#[test]
fn real_part_is_exact_f64() {
    let g = grid();
    for &name in UNARY {
        for &x in &g {
            let want = unary(name, x);
            for d in [D1::variable(x, 0), D1::constant(x)] {
                let got = unary(name, d).re;
                assert!(same_f64(got, want), "{name}({x:e}): {got:e} vs {want:e}");
            }
            let nested = unary(name, DD::new(Dual::variable(x, 0), [Dual::constant(1.0)]));
            assert!(same_f64(nested.re.re, want), "nested {name}({x:e})");
        }
        for n in [-3, -1, 0, 1, 2, 5, i32::MIN, i32::MAX] {
            for &x in &g {
                assert!(
                    same_f64(D1::variable(x, 0).powi(n).re, x.powi(n)),
                    "powi {x} {n}"
                );
            }
        }
    }
    for &name in BINARY {
        for &a in g.iter().step_by(3) {
            for &b in g.iter().step_by(5) {
                let want = binary(name, a, b);
                let got = binary(name, D1::variable(a, 0), D1::variable(b, 0)).re;
                assert!(
                    same_f64(got, want),
                    "{name}({a:e}, {b:e}): {got:e} vs {want:e}"
                );
            }
        }
    }
    for &a in g.iter().step_by(7) {
        for &b in g.iter().step_by(5) {
            for &c in g.iter().step_by(11) {
                let got = D1::variable(a, 0).mul_add(D1::constant(b), D1::variable(c, 0));
                assert!(same_f64(got.re, a.mul_add(b, c)), "mul_add {a} {b} {c}");
            }
        }
    }
}

#[test]
fn real_part_is_exact_f32() {
    let g: Vec<f32> = grid().into_iter().map(f32::from_f64).collect();
    for &name in UNARY {
        for &x in &g {
            let want = unary(name, x);
            let got = unary(name, D1f::variable(x, 0)).re;
            assert!(same_f32(got, want), "{name}({x:e}): {got:e} vs {want:e}");
        }
        for n in [-3, 0, 2, 5] {
            for &x in &g {
                assert!(same_f32(D1f::variable(x, 0).powi(n).re, x.powi(n)));
            }
        }
    }
    for &name in BINARY {
        for &a in g.iter().step_by(3) {
            for &b in g.iter().step_by(5) {
                let want = binary(name, a, b);
                let got = binary(name, D1f::variable(a, 0), D1f::constant(b)).re;
                assert!(
                    same_f32(got, want),
                    "{name}({a:e}, {b:e}): {got:e} vs {want:e}"
                );
            }
        }
    }
    for &a in g.iter().step_by(7) {
        for &c in g.iter().step_by(11) {
            let got = D1f::variable(a, 0).mul_add(D1f::constant(1.5), D1f::variable(c, 0));
            assert!(same_f32(got.re, a.mul_add(1.5, c)));
        }
    }
}

/// A constant (zero tangents) stays a constant through every method at every point,
/// singular points and infinite derivatives included.
#[test]
fn constants_stay_constant_everywhere() {
    let g = grid();
    for &name in UNARY {
        for &x in &g {
            assert_eq!(unary(name, D1::constant(x)).eps, [0.0], "{name}({x:e})");
            let nested = unary(name, DD::constant(Dual::constant(x)));
            assert_eq!(nested.eps[0].re, 0.0, "nested {name}({x:e})");
            assert_eq!(nested.eps[0].eps, [0.0], "nested {name}({x:e})");
            assert_eq!(nested.re.eps, [0.0], "nested {name}({x:e})");
        }
    }
    for &name in BINARY {
        for &a in g.iter().step_by(3) {
            for &b in g.iter().step_by(5) {
                let got = binary(name, D1::constant(a), D1::constant(b));
                assert_eq!(got.eps, [0.0], "{name}({a:e}, {b:e})");
            }
        }
    }
    // x^1.5 at 0: the first derivative is finite (0), the second infinite; a nested
    // constant must not pick up 0·inf = NaN in its second-order part.
    let c = DD::constant(Dual::constant(0.0)).powf(DD::from_f64(1.5));
    assert_eq!((c.re.eps[0], c.eps[0].re, c.eps[0].eps[0]), (0.0, 0.0, 0.0));
}

// ---------------------------------------------------------------------------------------
// Tangents against finite differences and closed forms.

#[test]
fn tangents_match_finite_differences() {
    for &name in UNARY {
        if matches!(name, "signum" | "floor" | "ceil" | "round" | "trunc") {
            continue; // tangent 0 everywhere: checked by `step_functions_have_tangent_zero`
        }
        for &x in smooth_points(name) {
            let got = unary(name, D1::variable(x, 0)).eps[0];
            let want = stencil(|t| unary(name, t), x);
            assert_close(got, want, 1e-8, &format!("{name}'({x})"));
            // f32 follows the same formulas.
            let x32 = x as f32;
            let got32 = unary(name, D1f::variable(x32, 0)).eps[0];
            let want32 = unary(name, D1::variable(f64::from(x32), 0)).eps[0];
            assert_close(f64::from(got32), want32, 1e-5, &format!("f32 {name}'({x})"));
        }
    }
    for n in [-3, -1, 1, 2, 3, 7] {
        for &x in &[-1.7, -0.4, 0.6, 2.2] {
            let got = D1::variable(x, 0).powi(n).eps[0];
            assert_close(
                got,
                stencil(|t| t.powi(n), x),
                1e-8,
                &format!("powi {x} {n}"),
            );
        }
    }
    for &name in BINARY {
        for &(a, b) in smooth_pairs(name) {
            let got = binary(name, Dual::<f64, 2>::variable(a, 0), Dual::variable(b, 1)).eps;
            let da = stencil(|t| binary(name, t, b), a);
            let db = stencil(|t| binary(name, a, t), b);
            assert_close(got[0], da, 1e-8, &format!("{name} by a at ({a}, {b})"));
            assert_close(got[1], db, 1e-8, &format!("{name} by b at ({a}, {b})"));
            let got32 = binary(
                name,
                Dual::<f32, 2>::variable(a as f32, 0),
                Dual::variable(b as f32, 1),
            )
            .eps;
            let got64 = binary(
                name,
                Dual::<f64, 2>::variable(f64::from(a as f32), 0),
                Dual::variable(f64::from(b as f32), 1),
            )
            .eps;
            for k in 0..2 {
                assert_close(f64::from(got32[k]), got64[k], 1e-5, &format!("f32 {name}"));
            }
        }
    }
    for &(a, b, c) in &[(0.7, -1.3, 0.4), (2.0, 3.0, -1.0)] {
        let got = Dual::<f64, 3>::variable(a, 0)
            .mul_add(Dual::variable(b, 1), Dual::variable(c, 2))
            .eps;
        assert_close(got[0], stencil(|t| t.mul_add(b, c), a), 1e-8, "mul_add a");
        assert_close(got[1], stencil(|t| a.mul_add(t, c), b), 1e-8, "mul_add b");
        assert_close(got[2], stencil(|t| a.mul_add(b, t), c), 1e-8, "mul_add c");
    }
}

#[test]
fn tangents_match_closed_forms() {
    use std::f64::consts::{LN_10, LN_2};
    let d = |name: &str, x: f64| unary(name, D1::variable(x, 0)).eps[0];
    let cases: &[(&str, f64, f64)] = &[
        ("abs", -3.0, -1.0),
        ("abs", 2.0, 1.0),
        ("sqrt", 4.0, 0.25),
        ("cbrt", 8.0, 1.0 / 12.0),
        ("cbrt", -8.0, 1.0 / 12.0),
        ("exp", 0.0, 1.0),
        ("exp", 1.0, std::f64::consts::E),
        ("exp2", 3.0, 8.0 * LN_2),
        ("exp_m1", 0.0, 1.0),
        ("ln", 2.0, 0.5),
        ("ln_1p", 1.0, 0.5),
        ("log2", 1.0, 1.0 / LN_2),
        ("log10", 10.0, 1.0 / (10.0 * LN_10)),
        ("recip", 2.0, -0.25),
        ("recip", -4.0, -0.0625),
        ("sin", 0.0, 1.0),
        ("cos", 0.0, 0.0),
        ("cos", std::f64::consts::FRAC_PI_2, -1.0),
        ("tan", 0.0, 1.0),
        ("asin", 0.0, 1.0),
        ("asin", 0.6, 1.25),
        ("acos", 0.0, -1.0),
        ("acos", -0.8, -1.0 / 0.6),
        ("atan", 1.0, 0.5),
        ("sinh", 0.0, 1.0),
        ("cosh", 0.0, 0.0),
        ("tanh", 0.0, 1.0),
        ("neg", 5.0, -1.0),
    ];
    for &(name, x, want) in cases {
        assert_close(d(name, x), want, 1e-15, &format!("{name}'({x})"));
    }
    let v = |x: f64, k: usize| Dual::<f64, 2>::variable(x, k);
    assert_eq!(v(2.0, 0).powi(3).eps, [12.0, 0.0]);
    assert_eq!(v(2.0, 0).powi(-1).eps, [-0.25, 0.0]);
    let p = v(4.0, 0).powf(v(0.5, 1));
    assert_eq!(p.eps[0], 0.25);
    assert_close(p.eps[1], 2.0 * 4.0_f64.ln(), 1e-15, "powf by e");
    let l = v(8.0, 0).log(v(2.0, 1));
    assert_close(l.eps[0], 1.0 / (8.0 * LN_2), 1e-15, "log by x");
    assert_close(l.eps[1], -3.0 / (2.0 * LN_2), 1e-14, "log by base");
    let a = v(1.0, 0).atan2(v(1.0, 1)).eps;
    assert_close(a[0], 0.5, 1e-15, "atan2 by y");
    assert_close(a[1], -0.5, 1e-15, "atan2 by x");
    assert_eq!(v(3.0, 0).hypot(v(4.0, 1)).eps, [0.6, 0.8]);
    assert_eq!((v(3.0, 0) * v(4.0, 1)).eps, [4.0, 3.0]);
    assert_eq!((v(1.0, 0) / v(4.0, 1)).eps, [0.25, -0.0625]);
    assert_eq!((v(1.0, 0) + v(4.0, 1)).eps, [1.0, 1.0]);
    assert_eq!((v(1.0, 0) - v(4.0, 1)).eps, [1.0, -1.0]);
    assert_eq!(v(1.0, 0).max(v(2.0, 1)).eps, [0.0, 1.0]);
    assert_eq!(v(1.0, 0).min(v(2.0, 1)).eps, [1.0, 0.0]);
    let m =
        Dual::<f64, 3>::variable(2.0, 0).mul_add(Dual::variable(3.0, 1), Dual::variable(1.0, 2));
    assert_eq!((m.re, m.eps), (7.0, [3.0, 2.0, 1.0]));
}

// ---------------------------------------------------------------------------------------
// The conventions at singular points.

#[test]
fn abs_at_zero_has_tangent_zero() {
    assert_eq!(D1::variable(0.0, 0).abs().eps, [0.0]);
    assert_eq!(D1::variable(-0.0, 0).abs().eps, [0.0]);
    assert_eq!(D1f::variable(0.0, 0).abs().eps, [0.0]);
    assert!(D1::variable(f64::NAN, 0).abs().eps[0].is_nan());
}

#[test]
fn max_min_tie_splits_the_tangent() {
    let a = Dual::new(1.5, [1.0, 0.0]);
    let b = Dual::new(1.5, [3.0, 2.0]);
    assert_eq!(a.max(b).eps, [2.0, 1.0]);
    assert_eq!(a.min(b).eps, [2.0, 1.0]);
    // ±0 tie too.
    let z = Dual::new(-0.0, [4.0, 0.0]);
    assert_eq!(z.max(Dual::new(0.0, [0.0, 8.0])).eps, [2.0, 4.0]);
    // A NaN argument: the other's value and tangent.
    let n = Dual::new(f64::NAN, [5.0, 5.0]);
    assert_eq!((n.max(b).re, n.max(b).eps), (1.5, [3.0, 2.0]));
    assert_eq!((b.min(n).re, b.min(n).eps), (1.5, [3.0, 2.0]));
}

#[test]
fn step_functions_have_tangent_zero() {
    for name in ["signum", "floor", "ceil", "round", "trunc"] {
        for x in [-2.5, -1.0, -0.5, -0.0, 0.0, 0.3, 0.5, 1.0, 2.7] {
            assert_eq!(unary(name, D1::variable(x, 0)).eps, [0.0], "{name}({x})");
        }
    }
}

#[test]
fn powi_zero_has_tangent_zero() {
    for x in [0.0, -0.0, 2.0, -3.0, f64::INFINITY] {
        let p = D1::variable(x, 0).powi(0);
        assert_eq!((p.re, p.eps), (1.0, [0.0]), "{x}");
    }
}

#[test]
fn powf_conventions_at_zero() {
    let v = |x: f64, k: usize| Dual::<f64, 2>::variable(x, k);
    // The partial by the exponent is 0 at x = 0 for e ≥ 0, not 0·(−inf).
    for e in [0.0, 0.5, 2.0] {
        let p = v(0.0, 0).powf(v(e, 1));
        assert_eq!(p.eps[1], 0.0, "e = {e}");
    }
    // e = 2: partial by x is 2·0 = 0; e = 0: partial by x is 0 (as powf_grad), not 0·inf.
    assert_eq!(v(0.0, 0).powf(v(2.0, 1)).eps, [0.0, 0.0]);
    assert_eq!(v(0.0, 0).powf(v(0.0, 1)).eps, [0.0, 0.0]);
    // For a negative exponent the partial by e is out·ln 0 = inf·(−inf) = −inf.
    assert_eq!(v(0.0, 0).powf(v(-1.0, 1)).eps[1], f64::NEG_INFINITY);
    // e = 0 away from 0: the partial by x is 0 (the value 1 does not move with x).
    assert_eq!(v(3.0, 0).powf(v(0.0, 1)).eps[0], 0.0);
    // As the first-order rule at the same points.
    for (x, e) in [(0.0, 2.0), (0.0, 0.0), (0.0, 0.5), (3.0, 0.0), (2.0, 1.5)] {
        let (dx, de) = backprop_core::rules::powf_grad(x, e, x.powf(e), 1.0);
        let p = v(x, 0).powf(v(e, 1));
        assert!(same_f64(p.eps[0], dx) || p.eps[0] == dx, "{x} {e}");
        assert!(same_f64(p.eps[1], de), "{x} {e}");
    }
}

#[test]
fn hypot_and_atan2_at_origin_have_tangent_zero() {
    let v = |x: f64, k: usize| Dual::<f64, 2>::variable(x, k);
    assert_eq!(v(0.0, 0).hypot(v(0.0, 1)).eps, [0.0, 0.0]);
    assert_eq!(v(0.0, 0).atan2(v(0.0, 1)).eps, [0.0, 0.0]);
    assert_eq!(v(-0.0, 0).atan2(v(-0.0, 1)).eps, [0.0, 0.0]);
    assert_eq!(v(0.0, 0).atan2(v(-0.0, 1)).re, 0.0_f64.atan2(-0.0));
}

#[test]
fn sqrt_at_zero_has_infinite_tangent() {
    assert_eq!(D1::variable(0.0, 0).sqrt().eps, [f64::INFINITY]);
    assert_eq!(D1::variable(-0.0, 0).sqrt().eps, [f64::INFINITY]);
    assert_eq!(D1f::variable(0.0, 0).sqrt().eps, [f32::INFINITY]);
    // A negative direction: −inf.
    assert_eq!(D1::new(0.0, [-2.0]).sqrt().eps, [f64::NEG_INFINITY]);
}

#[test]
fn zero_tangent_through_infinite_derivative_stays_zero() {
    // Direction 0 moves x, direction 1 does not: only direction 0 sees the infinity.
    let x = Dual::<f64, 2>::variable(0.0, 0);
    assert_eq!(x.sqrt().eps, [f64::INFINITY, 0.0]);
    assert_eq!(x.ln().eps, [f64::INFINITY, 0.0]);
    assert_eq!(x.cbrt().eps, [f64::INFINITY, 0.0]);
    assert_eq!(
        Dual::<f64, 2>::variable(1.0, 0).asin().eps,
        [f64::INFINITY, 0.0]
    );
    // NaN derivative (outside the domain) likewise.
    let y = Dual::<f64, 2>::variable(-1.0, 0).sqrt();
    assert!(y.eps[0].is_nan());
    assert_eq!(y.eps[1], 0.0);
    // Through the operators: inf · constant.
    let inf = Dual::<f64, 2>::constant(f64::INFINITY);
    assert_eq!((inf * x).eps, [f64::INFINITY, 0.0]);
    assert_eq!((x / Dual::constant(0.0)).eps, [f64::INFINITY, 0.0]);
    assert_eq!((inf * Dual::constant(2.0)).eps, [0.0, 0.0]);
}

#[test]
fn is_nan_and_is_finite_look_at_the_real_part() {
    let x = Dual::new(1.0, [f64::NAN, f64::INFINITY]);
    assert!(!x.is_nan());
    assert!(x.is_finite());
    assert!(Dual::new(f64::NAN, [0.0]).is_nan());
    assert!(!Dual::new(f64::INFINITY, [0.0]).is_finite());
}

#[test]
fn comparisons_look_at_the_real_part() {
    let a = Dual::new(1.0, [5.0]);
    let b = Dual::new(1.0, [-5.0]);
    assert_eq!(a, b);
    assert!(a <= b);
    assert!(a >= b);
    assert_eq!(a.partial_cmp(&b), Some(std::cmp::Ordering::Equal));
    assert!(Dual::new(2.0, [0.0]) > Dual::new(1.0, [9.0]));
    let nan = Dual::new(f64::NAN, [0.0]);
    assert!(nan != nan);
    assert_eq!(nan.partial_cmp(&a), None);
}

#[test]
fn conversions_and_constants() {
    type D = Dual<f64, 2>;
    let c = D::from_f64(2.5);
    assert_eq!((c.re, c.eps), (2.5, [0.0, 0.0]));
    let n = D::from_i32(-7);
    assert_eq!((n.re, n.eps), (-7.0, [0.0, 0.0]));
    assert_eq!(Dual::new(1.25, [3.0, 4.0]).to_f64(), 1.25);
    assert_eq!(Dual::<f32, 1>::from_f64(0.1).re, 0.1_f32);
    let nested = DD::new(Dual::new(0.75, [1.0]), [Dual::new(2.0, [3.0])]);
    assert_eq!(nested.to_f64(), 0.75);
    for (k, want) in [
        (D::ZERO, 0.0),
        (D::ONE, 1.0),
        (D::HALF, 0.5),
        (D::TWO, 2.0),
        (D::THREE, 3.0),
        (D::INFINITY, f64::INFINITY),
        (D::EPSILON, f64::EPSILON),
        (D::LN_2, std::f64::consts::LN_2),
        (D::LN_10, std::f64::consts::LN_10),
    ] {
        assert_eq!((k.re, k.eps), (want, [0.0, 0.0]));
    }
    assert!(D::NAN.re.is_nan() && D::NAN.eps == [0.0, 0.0]);
    assert_eq!(D::NAME, "dual");
    assert_eq!(DD::NAME, "dual");
    let z = D::default();
    assert_eq!((z.re, z.eps), (0.0, [0.0, 0.0]));
    let v = D::variable(3.0, 1);
    assert_eq!((v.re, v.eps), (3.0, [0.0, 1.0]));
}

#[test]
#[should_panic(expected = "direction 2 is out of range for a dual number with 2 tangents")]
fn variable_out_of_range_panics() {
    let _ = Dual::<f64, 2>::variable(1.0, 2);
}

#[test]
fn display() {
    assert_eq!(Dual::new(1.5, [0.25, 0.0]).to_string(), "1.5 + [0.25, 0]ε");
    assert_eq!(Dual::<f64, 0>::constant(2.0).to_string(), "2 + []ε");
    assert_eq!(
        format!("{:.2}", Dual::new(1.0_f32, [1.0 / 3.0])),
        "1.00 + [0.33]ε"
    );
    let nested = DD::new(Dual::new(1.0, [2.0]), [Dual::new(3.0, [4.0])]);
    assert_eq!(nested.to_string(), "(1 + [2]ε) + [(3 + [4]ε)]ε");
}

#[test]
fn send_sync_copy() {
    fn check<T: Send + Sync + Copy + 'static>() {}
    check::<Dual<f64, 3>>();
    check::<DD>();
}

// ---------------------------------------------------------------------------------------
// Several tangents, and second derivatives by nesting.

#[test]
fn three_tangents_propagate_independently() {
    type D3 = Dual<f64, 3>;
    fn f<T: Float>(x: T, y: T, z: T) -> T {
        (x * y).sin() + z.exp() * x - y / z + x.powi(2).hypot(z)
    }
    let (x, y, z) = (0.7, -1.2, 0.4);
    let out = f(D3::variable(x, 0), D3::variable(y, 1), D3::variable(z, 2));
    assert!(same_f64(out.re, f(x, y, z)));
    let h = x.powi(2).hypot(z);
    let want = [
        y * (x * y).cos() + z.exp() + 2.0 * x * x.powi(2) / h,
        x * (x * y).cos() - 1.0 / z,
        z.exp() * x + y / (z * z) + z / h,
    ];
    for k in 0..3 {
        assert_close(out.eps[k], want[k], 1e-14, &format!("direction {k}"));
    }
    // Each direction alone gives the same number as with the others present.
    for k in 0..3 {
        let mut args = [D3::constant(x), D3::constant(y), D3::constant(z)];
        args[k] = [D3::variable(x, k), D3::variable(y, k), D3::variable(z, k)][k];
        let alone = f(args[0], args[1], args[2]);
        assert_eq!(alone.eps[k], out.eps[k]);
        for j in (0..3).filter(|&j| j != k) {
            assert_eq!(alone.eps[j], 0.0);
        }
    }
    // A combined direction is the sum of the separate ones (linearity).
    let v = [0.3, -2.0, 1.5];
    let comb = f(
        Dual::<f64, 1>::new(x, [v[0]]),
        Dual::new(y, [v[1]]),
        Dual::new(z, [v[2]]),
    );
    let dot: f64 = (0..3).map(|k| out.eps[k] * v[k]).sum();
    assert_close(comb.eps[0], dot, 1e-14, "directional derivative");
}

/// The variable x of a nested dual: first and second derivatives in `.re.eps[0]` (and
/// `.eps[0].re`) and `.eps[0].eps[0]`.
fn second(x: f64) -> DD {
    DD::new(Dual::variable(x, 0), [Dual::constant(1.0)])
}

#[test]
fn second_derivatives_by_nesting() {
    type Case = (
        &'static str,
        fn(DD) -> DD,
        fn(f64) -> [f64; 3],
        &'static [f64],
    );
    let cases: &[Case] = &[
        (
            "sin",
            |x| x.sin(),
            |x| [x.sin(), x.cos(), -x.sin()],
            &[0.0, 0.5, 2.0],
        ),
        (
            "cos",
            |x| x.cos(),
            |x| [x.cos(), -x.sin(), -x.cos()],
            &[0.0, 1.0],
        ),
        (
            "exp",
            |x| x.exp(),
            |x| [x.exp(), x.exp(), x.exp()],
            &[-1.0, 0.0, 2.0],
        ),
        (
            "x³",
            |x| x.powi(3),
            |x| [x * x * x, 3.0 * x * x, 6.0 * x],
            &[-2.0, 0.0, 1.5],
        ),
        (
            "sqrt",
            |x| x.sqrt(),
            |x| [x.sqrt(), 0.5 / x.sqrt(), -0.25 / (x * x.sqrt())],
            &[0.25, 1.0, 4.0],
        ),
        (
            "ln",
            |x| x.ln(),
            |x| [x.ln(), 1.0 / x, -1.0 / (x * x)],
            &[0.5, 2.0],
        ),
        (
            "tan",
            |x| x.tan(),
            |x| {
                let t = x.tan();
                [t, 1.0 + t * t, 2.0 * t * (1.0 + t * t)]
            },
            &[0.0, 0.7],
        ),
        (
            "atan",
            |x| x.atan(),
            |x| {
                [
                    x.atan(),
                    1.0 / (1.0 + x * x),
                    -2.0 * x / (1.0 + x * x).powi(2),
                ]
            },
            &[0.0, 1.0, -3.0],
        ),
        (
            "x^2.5",
            |x| x.powf(DD::from_f64(2.5)),
            |x| [x.powf(2.5), 2.5 * x.powf(1.5), 3.75 * x.sqrt()],
            &[0.5, 4.0],
        ),
        (
            "1/x",
            |x| DD::ONE / x,
            |x| [1.0 / x, -1.0 / (x * x), 2.0 / (x * x * x)],
            &[0.5, -2.0],
        ),
        (
            "tanh",
            |x| x.tanh(),
            |x| {
                let t = x.tanh();
                [t, 1.0 - t * t, -2.0 * t * (1.0 - t * t)]
            },
            &[0.0, 0.8],
        ),
    ];
    for &(name, f, want, points) in cases {
        for &x in points {
            let out = f(second(x));
            let [v, d1, d2] = want(x);
            assert_close(out.re.re, v, 1e-15, &format!("{name}({x})"));
            assert_close(out.re.eps[0], d1, 1e-14, &format!("{name}'({x})"));
            assert_close(out.eps[0].re, d1, 1e-14, &format!("{name}'({x})"));
            assert_close(out.eps[0].eps[0], d2, 1e-13, &format!("{name}''({x})"));
        }
    }
    // Second derivatives at singular points follow from the first-order conventions.
    assert_eq!(second(0.0).abs().eps[0].eps[0], 0.0);
    assert_eq!(second(-2.0).abs().eps[0].eps[0], 0.0);
    assert_eq!(second(1.0).max(DD::from_f64(-1.0)).eps[0].eps[0], 0.0);
    assert_eq!(second(2.0).powi(0).eps[0].eps[0], 0.0);
    // Mixed second derivative of x^e at e = 0: ∂²/∂x∂e = 1/x.
    let x = Dual::<Dual<f64, 2>, 2>::new(Dual::variable(3.0, 0), [Dual::constant(1.0), Dual::ZERO]);
    let e = Dual::<Dual<f64, 2>, 2>::new(Dual::variable(0.0, 1), [Dual::ZERO, Dual::constant(1.0)]);
    let p = x.powf(e);
    assert_close(p.eps[0].eps[1], 1.0 / 3.0, 1e-15, "∂²/∂x∂e x^e at e = 0");
    assert_close(p.eps[1].eps[0], 1.0 / 3.0, 1e-15, "∂²/∂e∂x x^e at e = 0");
}

// ---------------------------------------------------------------------------------------
// THE KEY TEST: the library's rules run on dual numbers.
//
// (a) The value rule on duals gives the f64 value bit for bit, and tangents equal to the
//     first-order derivative rule with dout = 1: forward mode (jvp) agrees with reverse
//     mode.
// (b) The derivative rule run on duals (the arguments, output and auxiliary value from
//     the forward pass on duals, dout a constant 1) gives tangents that match a finite
//     difference of the f64 derivative rule: the second derivatives that hvp uses.

/// The rules whose implementation is not differentiable through dual numbers: the
/// operation, the parts that fail, the points where they fail (empty: at every point
/// tested), and why. The test below checks that exactly these fail, so the list stays
/// true. It is empty: `erf`, `erfc` and `gelu` compute in `f64` through `Smooth`, which
/// carries the tangents, and the rules built on exp(−|x|) take its branch with their own
/// test of x's sign, so the tangent at 0 is the smooth function's.
const NOT_DIFFERENTIABLE: &[(&str, &str, &[&[f64]], &str)] = &[];

/// Whether `name`'s part `part` is known to fail at `x`.
fn known_failure(name: &str, part: char, x: &[f64]) -> bool {
    NOT_DIFFERENTIABLE.iter().any(|(n, parts, points, _)| {
        *n == name && parts.contains(part) && (points.is_empty() || points.contains(&x))
    })
}

/// Points where the operation is smooth, one argument list each.
fn op_points(name: &str, arity: usize) -> Vec<Vec<f64>> {
    let un = |xs: &[f64]| xs.iter().map(|&x| vec![x]).collect::<Vec<_>>();
    match name {
        "sqrt" | "ln" | "log2" | "log10" => un(&[0.3, 1.7, 6.0]),
        "ln_1p" => un(&[-0.6, 0.3, 4.0]),
        "asin" | "acos" => un(&[-0.7, 0.0, 0.2, 0.6]),
        "tan" => un(&[-1.0, 0.0, 0.3, 0.9]),
        "cbrt" | "recip" | "powi" => un(&[-2.5, 0.4, 1.3]),
        // Not smooth at 0 (elu: its second derivative jumps there).
        "abs" | "relu" | "elu" => un(&[-2.3, -0.4, 0.3, 0.9, 2.6]),
        "powf" => vec![
            vec![0.7, 1.3],
            vec![2.1, -0.4],
            vec![1.9, 2.5],
            vec![2.0, 0.0],
        ],
        "log" => vec![vec![0.7, 2.0], vec![5.0, 0.5], vec![3.0, 10.0]],
        "leaky_relu" => vec![vec![0.7, 0.1], vec![-1.3, 0.2]],
        // Not smooth at a tie.
        "max" | "min" => vec![vec![0.7, -1.3], vec![2.1, 0.4], vec![-0.6, 1.9]],
        "mul_add" => vec![vec![0.7, -1.3, 0.4], vec![2.0, 3.0, -1.0]],
        "clamp" => vec![
            vec![0.5, 0.0, 1.0],
            vec![-0.5, 0.0, 1.0],
            vec![2.0, -1.0, 1.5],
        ],
        _ => match arity {
            // 0 included: smooth for all of these, though several rules branch there.
            1 => un(&[-2.3, -0.4, 0.0, 0.3, 0.9, 2.6]),
            // A tie included: smooth for all of these.
            2 => vec![
                vec![0.7, -1.3],
                vec![2.1, 0.4],
                vec![-0.6, 1.9],
                vec![0.8, 0.8],
            ],
            _ => unreachable!("{name}"),
        },
    }
}

/// Every operation of the table, `powi` with a few exponents.
fn all_ops() -> Vec<(String, Op, usize)> {
    let mut ops = Vec::new();
    for info in OPS {
        let arity = info.signature.arity();
        if info.signature == Signature::IntPower {
            for n in [1, 2, 3, -2] {
                let op = Op::from_name(info.name, n).unwrap();
                ops.push((info.name.to_string(), op, arity));
            }
        } else {
            ops.push((
                info.name.to_string(),
                Op::from_name(info.name, 0).unwrap(),
                arity,
            ));
        }
    }
    ops
}

fn rel_ok(got: f64, want: f64, rtol: f64, floor: f64) -> bool {
    got == want || (got - want).abs() <= rtol * want.abs().max(floor)
}

/// Runs (a) and (b) on every operation and returns the failures: (name, part, message).
fn rules_on_duals() -> Vec<(String, char, Vec<f64>, String)> {
    type D3 = Dual<f64, 3>;
    let mut failures = Vec::new();
    for (name, op, arity) in all_ops() {
        for x in op_points(&name, arity) {
            let xd: Vec<D3> = (0..arity).map(|i| D3::variable(x[i], i)).collect();
            let (out, aux) = op.eval(&x);
            let g = op.grad(&x, out, aux, 1.0);
            let (out_d, aux_d) = op.eval(&xd);
            // (a)
            if !same_f64(out_d.re, out) || !same_f64(aux_d.re, aux) {
                failures.push((
                    name.clone(),
                    'a',
                    x.clone(),
                    format!("{op:?} at {x:?}: value"),
                ));
            }
            for i in 0..arity {
                if !rel_ok(out_d.eps[i], g[i], 1e-12, 0.0) {
                    let msg = format!(
                        "{op:?} at {x:?}: tangent {i} {:e}, grad rule {:e}",
                        out_d.eps[i], g[i]
                    );
                    failures.push((name.clone(), 'a', x.clone(), msg));
                }
            }
            // (b)
            let gd = op.grad(&xd, out_d, aux_d, D3::constant(1.0));
            for j in 0..arity {
                if !same_f64(gd[j].re, g[j]) {
                    let msg = format!("{op:?} at {x:?}: grad {j} on duals {:e}", gd[j].re);
                    failures.push((name.clone(), 'b', x.clone(), msg));
                }
                for i in 0..arity {
                    let grad_j = |t: f64| {
                        let mut y = x.clone();
                        y[i] = t;
                        let (o, a) = op.eval(&y);
                        op.grad(&y, o, a, 1.0)[j]
                    };
                    let want = stencil(grad_j, x[i]);
                    if !rel_ok(gd[j].eps[i], want, 1e-6, 1e-3) {
                        let msg = format!(
                            "{op:?} at {x:?}: ∂grad{j}/∂x{i} on duals {:e}, finite difference {want:e}",
                            gd[j].eps[i]
                        );
                        failures.push((name.clone(), 'b', x.clone(), msg));
                    }
                }
            }
        }
    }
    failures
}

#[test]
fn rules_run_on_duals_agree_with_first_and_second_order() {
    let failures = rules_on_duals();
    for (name, part, _, msg) in &failures {
        println!("({part}) {name}: {msg}");
    }
    let unexpected: Vec<String> = failures
        .iter()
        .filter(|(name, part, x, _)| !known_failure(name, *part, x))
        .map(|(name, part, _, msg)| format!("({part}) {name}: {msg}"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "unexpected failures:\n{}",
        unexpected.join("\n")
    );
    // The known failures still fail, at every point listed: the list is kept true.
    for (name, parts, points, why) in NOT_DIFFERENTIABLE {
        for part in parts.chars() {
            let fails_at = |x: &[f64]| {
                failures
                    .iter()
                    .any(|(n, p, at, _)| n == name && *p == part && at == x)
            };
            let still = if points.is_empty() {
                failures.iter().any(|(n, p, _, _)| n == name && *p == part)
            } else {
                points.iter().all(|x| fails_at(x))
            };
            assert!(
                still,
                "{name} ({part}) now passes; update NOT_DIFFERENTIABLE ({why})"
            );
        }
    }
}

/// (a) in f32 too: the value rule on `Dual<f32, _>` gives the f32 value bit for bit and
/// the f32 derivative rule's numbers.
#[test]
fn rules_on_f32_duals_agree_with_first_order() {
    type D3 = Dual<f32, 3>;
    for (name, op, arity) in all_ops() {
        for x in op_points(&name, arity) {
            if known_failure(&name, 'a', &x) {
                continue;
            }
            let x: Vec<f32> = x.iter().map(|&v| v as f32).collect();
            let xd: Vec<D3> = (0..arity).map(|i| D3::variable(x[i], i)).collect();
            let (out, aux) = op.eval(&x);
            let g = op.grad(&x, out, aux, 1.0);
            let (out_d, aux_d) = op.eval(&xd);
            assert!(
                same_f32(out_d.re, out) && same_f32(aux_d.re, aux),
                "{op:?} {x:?}"
            );
            for i in 0..arity {
                assert!(
                    rel_ok(f64::from(out_d.eps[i]), f64::from(g[i]), 1e-5, 0.0),
                    "{op:?} at {x:?}: tangent {i} {:e}, grad rule {:e}",
                    out_d.eps[i],
                    g[i]
                );
            }
        }
    }
}
