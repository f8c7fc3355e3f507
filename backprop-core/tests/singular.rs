//! The conventions at singular and non-differentiable points, numerical stability in the
//! tails, and NaN (never a panic) outside a domain. Every number is checked through the
//! rules, the graph and the node, which must agree bit for bit.
//!
//! The expected numbers are worked out by hand; the tail values of sigmoid and softplus
//! were computed in 40-digit arithmetic and rounded to `f64`.

use backprop_core::{rules, Float, Graph};
use backprop_core::{AbsNode, CbrtNode, ReluNode, SqrtNode};
use backprop_core::{AcosNode, AsinNode, Ln1pNode, LnNode, Log10Node, Log2Node, LogNode};
use backprop_core::{Atan2Node, HypotNode, MaxNode, MinNode, PowfNode, PowiNode};
use backprop_core::{SigmoidNode, SoftplusNode};

/// Both the same number, or both NaN (a NaN's payload and sign are not compared).
fn same<T: Float>(a: T, b: T) -> bool {
    a.to_f64().to_bits() == b.to_f64().to_bits() || (a.is_nan() && b.is_nan())
}

#[track_caller]
fn assert_rel<T: Float>(got: T, want: f64, rtol: f64) {
    let got = got.to_f64();
    assert!(
        (got - want).abs() <= rtol * want.abs(),
        "got {got:e}, want {want:e}"
    );
}

/// `(value, d/dx)` of a unary operation at `x` with dout = 1, through the rules, the graph
/// and the node, after checking that the three agree. `aux` marks the operations whose
/// forward rule returns an auxiliary value.
macro_rules! unary {
    ($x:expr; $f:ident, $method:ident, $Node:ident) => {
        unary!(@ $x; |x| {
            let out = rules::$f(x);
            // The derivative rule through the table, which passes it what it reads.
            let op = $Node::<f64>::new().op();
            (out, op.grad(&[x], out, 0.0, 1.0)[0])
        }, $method, $Node)
    };
    ($x:expr; aux $f:ident, $method:ident, $Node:ident) => {
        unary!(@ $x; |x| {
            let (out, aux) = rules::$f(x);
            let op = $Node::<f64>::new().op();
            (out, op.grad(&[x], out, aux, 1.0)[0])
        }, $method, $Node)
    };
    (@ $x:expr; $by_rules:expr, $method:ident, $Node:ident) => {{
        let x = $x;
        let by_rules = ($by_rules)(x);
        let g = Graph::new();
        let v = g.input("x", x);
        let y = v.$method();
        let by_graph = (y.value(), g.backward(y).unwrap()[v]);
        let mut node = $Node::new();
        let by_node = (node.forward(x), node.backward(1.0));
        for (way, (value, grad)) in [("graph", by_graph), ("node", by_node)] {
            assert!(
                same(value, by_rules.0) && same(grad, by_rules.1),
                "{} at {x:?}: rules give {by_rules:?}, the {way} {:?}",
                stringify!($method),
                (value, grad)
            );
        }
        by_rules
    }};
}

/// `(value, (d/da, d/db))` of a binary operation at `(a, b)` with dout = 1, through the
/// rules, the graph and the node, after checking that the three agree.
macro_rules! binary {
    ($a:expr, $b:expr; $f:ident, $method:ident, $Node:ident) => {{
        let (a, b) = ($a, $b);
        let out = rules::$f(a, b);
        let op = $Node::<f64>::new().op();
        let [da, db, _] = op.grad(&[a, b], out, 0.0, 1.0);
        let by_rules = (out, (da, db));
        let g = Graph::new();
        let (u, v) = (g.input("a", a), g.input("b", b));
        let y = u.$method(v);
        let grads = g.backward(y).unwrap();
        let by_graph = (y.value(), (grads[u], grads[v]));
        let mut node = $Node::new();
        let by_node = (node.forward(a, b), node.backward(1.0));
        for (way, (value, (da, db))) in [("graph", by_graph), ("node", by_node)] {
            let (value0, (da0, db0)) = by_rules;
            assert!(
                same(value, value0) && same(da, da0) && same(db, db0),
                "{} at {:?}: rules give {by_rules:?}, the {way} {:?}",
                stringify!($method),
                (a, b),
                (value, (da, db))
            );
        }
        by_rules
    }};
}

#[test]
fn relu_at_zero_has_gradient_zero() {
    assert_eq!(unary!(0.0; relu, relu, ReluNode), (0.0, 0.0));
    assert_eq!(unary!(-0.0; relu, relu, ReluNode), (0.0, 0.0));
    assert_eq!(unary!(1e-300; relu, relu, ReluNode), (1e-300, 1.0));
}

#[test]
fn abs_at_zero_has_gradient_zero() {
    assert_eq!(unary!(0.0; abs, abs, AbsNode), (0.0, 0.0));
    assert_eq!(unary!(-0.0; abs, abs, AbsNode), (0.0, 0.0));
    assert_eq!(unary!(-1e-300; abs, abs, AbsNode), (1e-300, -1.0));
}

#[test]
fn max_and_min_split_a_tie() {
    assert_eq!(binary!(2.0, 2.0; max, max, MaxNode), (2.0, (0.5, 0.5)));
    assert_eq!(binary!(2.0, 2.0; min, min, MinNode), (2.0, (0.5, 0.5)));
    assert_eq!(binary!(0.0, -0.0; max, max, MaxNode).1, (0.5, 0.5));
    // Off the tie the whole gradient goes to the argument whose value was returned.
    assert_eq!(binary!(1.0, 2.0; max, max, MaxNode), (2.0, (0.0, 1.0)));
    assert_eq!(binary!(1.0, 2.0; min, min, MinNode), (1.0, (1.0, 0.0)));
    assert_eq!(binary!(-1.0, -2.0; min, min, MinNode), (-2.0, (0.0, 1.0)));
    // A NaN argument is ignored by the value, and so by the gradient.
    assert_eq!(binary!(f64::NAN, 2.0; max, max, MaxNode), (2.0, (0.0, 1.0)));
    assert_eq!(binary!(2.0, f64::NAN; min, min, MinNode), (2.0, (1.0, 0.0)));
    // Both halves of a tie with itself land on the same input: max(x, x) = x.
    let g = Graph::new();
    let x = g.input("x", 3.0);
    assert_eq!(g.backward(x.max(x)).unwrap()[x], 1.0);
    assert_eq!(g.backward(x.min(x)).unwrap()[x], 1.0);
}

#[test]
fn sqrt_and_cbrt_at_zero_have_gradient_plus_infinity() {
    assert_eq!(unary!(0.0; sqrt, sqrt, SqrtNode), (0.0, f64::INFINITY));
    assert_eq!(unary!(0.0; cbrt, cbrt, CbrtNode), (0.0, f64::INFINITY));
    // −0 is the same point.
    assert_eq!(unary!(-0.0; sqrt, sqrt, SqrtNode).1, f64::INFINITY);
    assert_eq!(unary!(-0.0; cbrt, cbrt, CbrtNode).1, f64::INFINITY);
    assert_eq!(unary!(0.0_f32; sqrt, sqrt, SqrtNode).1, f32::INFINITY);
}

#[test]
fn powf_gradient_by_the_exponent_is_zero_at_base_zero() {
    assert_eq!(binary!(0.0, 2.5; powf, powf, PowfNode), (0.0, (0.0, 0.0)));
    // d/dx x¹ = 1.
    assert_eq!(binary!(0.0, 1.0; powf, powf, PowfNode), (0.0, (1.0, 0.0)));
    // 0⁰ = 1, and neither argument moves it at that point.
    assert_eq!(binary!(0.0, 0.0; powf, powf, PowfNode), (1.0, (0.0, 0.0)));
}

#[test]
fn powi_with_exponent_zero_has_gradient_zero() {
    for x in [0.0, -0.0, 3.0, -2.0, f64::INFINITY] {
        let out = rules::powi(x, 0);
        assert_eq!((out, rules::powi_grad(x, 0, 1.0)), (1.0, 0.0), "at {x}");
        let g = Graph::new();
        let v = g.input("x", x);
        let y = v.powi(0);
        assert_eq!((y.value(), g.backward(y).unwrap()[v]), (1.0, 0.0), "at {x}");
        let mut node = PowiNode::new(0);
        assert_eq!((node.forward(x), node.backward(1.0)), (1.0, 0.0), "at {x}");
    }
}

#[test]
fn powi_with_the_most_negative_exponent_does_not_panic() {
    // d/dx x^n = n·x^(n−1), and n − 1 does not exist in i32 for n = i32::MIN.
    let n = i32::MIN;
    for (x, want) in [(1.0, f64::from(n)), (-1.0, -f64::from(n))] {
        assert_eq!(rules::powi(x, n), x.powi(n));
        assert_eq!(rules::powi_grad(x, n, 1.0), want, "at {x}");
        let mut node = PowiNode::new(n);
        node.forward(x);
        assert_eq!(node.backward(1.0), want, "at {x}");
    }
}

#[test]
fn hypot_and_atan2_at_the_origin_have_gradient_zero() {
    assert_eq!(
        binary!(0.0, 0.0; hypot, hypot, HypotNode),
        (0.0, (0.0, 0.0))
    );
    assert_eq!(
        binary!(0.0, 0.0; atan2, atan2, Atan2Node),
        (0.0, (0.0, 0.0))
    );
    assert_eq!(binary!(-0.0, 0.0; atan2, atan2, Atan2Node).1, (0.0, 0.0));
}

#[test]
fn hypot_and_atan2_near_the_origin_and_far_from_it() {
    // (3, 4)·s, so hypot = 5s, d hypot = (3/5, 4/5), d atan2(y = 4s, x = 3s) = (3, −4)/(25s).
    let tiny = f64::MIN_POSITIVE / 256.0; // 2^−1030: hypot is subnormal
    let (value, (da, db)) = binary!(3.0 * tiny, 4.0 * tiny; hypot, hypot, HypotNode);
    assert_eq!(value, 5.0 * tiny);
    assert_eq!((da, db), (0.6, 0.8));
    // At these scales x² + y² underflows to 0 or overflows to inf.
    for s in [2f64.powi(-600), 2f64.powi(600)] {
        let (_, (dy, dx)) = binary!(4.0 * s, 3.0 * s; atan2, atan2, Atan2Node);
        assert_rel(dy, 3.0 / 25.0 / s, 4.0 * f64::EPSILON);
        assert_rel(dx, -4.0 / 25.0 / s, 4.0 * f64::EPSILON);
    }
}

#[test]
fn outside_the_domain_the_value_is_nan() {
    let nan = |(value, _): (f64, f64)| value.is_nan();
    assert!(nan(unary!(-1.0; ln, ln, LnNode)));
    assert!(nan(unary!(-1.0; log2, log2, Log2Node)));
    assert!(nan(unary!(-3.0; log10, log10, Log10Node)));
    assert!(nan(unary!(-2.0; ln_1p, ln_1p, Ln1pNode)));
    assert!(binary!(-1.0, 2.0; log, log, LogNode).0.is_nan());
    assert!(binary!(-8.0, 1.0 / 3.0; powf, powf, PowfNode).0.is_nan());
    // Where the derivative's formula is undefined too, the gradient is NaN as well. (For
    // the logarithms 1/x is still a number; the NaN value already marks the point.)
    let (value, grad) = unary!(-1.0; sqrt, sqrt, SqrtNode);
    assert!(value.is_nan() && grad.is_nan());
    let (value, grad) = unary!(2.0; asin, asin, AsinNode);
    assert!(value.is_nan() && grad.is_nan());
    let (value, grad) = unary!(-2.0; acos, acos, AcosNode);
    assert!(value.is_nan() && grad.is_nan());
}

#[test]
fn sigmoid_and_softplus_do_not_overflow() {
    for x in [
        1e300,
        -1e300,
        1e10,
        -1e10,
        800.0,
        -800.0,
        f64::INFINITY,
        -f64::INFINITY,
    ] {
        let (s, ds) = unary!(x; aux sigmoid_fwd, sigmoid, SigmoidNode);
        let (p, dp) = unary!(x; aux softplus_fwd, softplus, SoftplusNode);
        // Past |x| ≈ 745 exp(−|x|) is 0, and every one of these is exact.
        let positive = x > 0.0;
        assert_eq!(s, if positive { 1.0 } else { 0.0 }, "sigmoid({x})");
        assert_eq!(ds, 0.0, "sigmoid'({x})");
        assert_eq!(p, if positive { x } else { 0.0 }, "softplus({x})");
        assert_eq!(dp, if positive { 1.0 } else { 0.0 }, "softplus'({x})");
    }
    for x in [1e30_f32, -1e30, 200.0, -200.0] {
        let (s, ds) = unary!(x; aux sigmoid_fwd, sigmoid, SigmoidNode);
        let (p, dp) = unary!(x; aux softplus_fwd, softplus, SoftplusNode);
        assert!([s, ds, p, dp].iter().all(|v| v.is_finite()), "at {x}");
    }
}

#[test]
fn sigmoid_gradient_keeps_its_accuracy_in_the_tails() {
    // σ'(x) = e/(1 + e)², e = exp(−|x|), from 40-digit arithmetic.
    let cases = [
        (30.0, 9.357_622_968_838_423e-14),
        (40.0, 4.248_354_255_291_589e-18),
        (-40.0, 4.248_354_255_291_589e-18),
        (-700.0, 9.859_676_543_759_77e-305),
    ];
    for (x, want) in cases {
        let (_, grad) = unary!(x; aux sigmoid_fwd, sigmoid, SigmoidNode);
        assert_rel(grad, want, 2.0 * f64::EPSILON);
    }
    // The same by hand at 40, and why σ·(1 − σ) would not do: σ(40) rounds to 1.
    let e = (-40.0_f64).exp();
    let (s, grad) = unary!(40.0; aux sigmoid_fwd, sigmoid, SigmoidNode);
    assert_rel(grad, e / ((1.0 + e) * (1.0 + e)), 2.0 * f64::EPSILON);
    assert_eq!(s * (1.0 - s), 0.0);
    // The value in the far tail: σ(−700) = e/(1 + e) = e to every digit.
    let (s, _) = unary!(-700.0; aux sigmoid_fwd, sigmoid, SigmoidNode);
    assert_rel(s, 9.859_676_543_759_77e-305, 2.0 * f64::EPSILON);
    // f32: exp(−80) ≈ 1.8e-35 is still a normal f32.
    for x in [40.0_f32, -40.0, 80.0, -80.0] {
        let want = if x.abs() == 40.0 {
            4.248_354_255_291_589e-18
        } else {
            1.804_851_387_845_415e-35
        };
        let (_, grad) = unary!(x; aux sigmoid_fwd, sigmoid, SigmoidNode);
        assert_rel(grad, want, 4.0 * f64::from(f32::EPSILON));
    }
}

#[test]
fn softplus_keeps_its_accuracy_in_the_tails() {
    // softplus(x) = ln(1 + eˣ) and softplus'(x) = σ(x), from 40-digit arithmetic.
    let (p, dp) = unary!(-40.0; aux softplus_fwd, softplus, SoftplusNode);
    assert_rel(p, 4.248_354_255_291_589e-18, 2.0 * f64::EPSILON);
    assert_rel(dp, 4.248_354_255_291_589e-18, 2.0 * f64::EPSILON);
    // ln(1 + exp(−40)) computed naively: 1 + e rounds to 1.
    assert_eq!((1.0 + (-40.0_f64).exp()).ln(), 0.0);
    let (p, dp) = unary!(-700.0; aux softplus_fwd, softplus, SoftplusNode);
    assert_rel(p, 9.859_676_543_759_77e-305, 2.0 * f64::EPSILON);
    assert_rel(dp, 9.859_676_543_759_77e-305, 2.0 * f64::EPSILON);
    // Subnormal: the true 4.1887e-322 is 84.8 steps of the grid 2^−1074 (the bits of a
    // positive subnormal count the steps); allow one step either side of 85.
    let (p, _) = unary!(-740.0_f64; aux softplus_fwd, softplus, SoftplusNode);
    assert!(p.to_bits().abs_diff(85) <= 1, "{p:e}");
    // The true softplus(−800) ≈ 3.7e-348 is below the smallest subnormal, so the correctly
    // rounded answer is +0: not negative, not NaN.
    let (p, dp) = unary!(-800.0_f64; aux softplus_fwd, softplus, SoftplusNode);
    assert_eq!(
        (p.to_bits(), dp.to_bits()),
        (0.0_f64.to_bits(), 0.0_f64.to_bits())
    );
    // 40 + 4.2e-18 rounds to 40, and σ(40) to 1.
    let (p, dp) = unary!(40.0; aux softplus_fwd, softplus, SoftplusNode);
    assert_eq!((p, dp), (40.0, 1.0));
    let (p, _) = unary!(-80.0_f32; aux softplus_fwd, softplus, SoftplusNode);
    assert_rel(p, 1.804_851_387_845_415e-35, 4.0 * f64::from(f32::EPSILON));
}

#[test]
fn asin_and_acos_gradients_keep_their_accuracy_next_to_one() {
    // x = 1 − 2⁻³⁰: 1 − x = 2⁻³⁰ and 1 + x = 2 − 2⁻³⁰ exactly, so the gradient is
    // 1/√(2⁻³⁰ (2 − 2⁻³⁰)), computed here in the exact factors; 1 − x² rounds away digits.
    let h = 2f64.powi(-30);
    let x = 1.0 - h;
    let exact = 1.0 / (h * (2.0 - h)).sqrt();
    let asin = backprop_core::rules::asin_grad(x, 1.0);
    let acos = backprop_core::rules::acos_grad(x, 1.0);
    assert!(
        (asin - exact).abs() <= 2.0 * f64::EPSILON * exact,
        "{asin} vs {exact}"
    );
    assert!(
        (acos + exact).abs() <= 2.0 * f64::EPSILON * exact,
        "{acos} vs {exact}"
    );
}
