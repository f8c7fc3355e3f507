//! Branches decided at run time: the value and gradient of the arm taken (PyTorch's rule
//! for piecewise functions), nothing from the arm not taken (no NaN leaks), `backward`
//! following the forward pass's arm, `record` recording only that arm, and `derivation()`
//! showing both arms under their condition.
// The plain closures are the grad! bodies written again, index loops and all.
#![allow(clippy::needless_range_loop, clippy::neg_cmp_op_on_partial_ord)]

use backprop::{grad, gradcheck, Differentiable, Graph};

#[test]
fn the_arm_not_taken_leaks_no_nan() {
    let f = grad!(|x| if x > 0.0 { x.ln() } else { 0.0 });
    // At x = -1, ln(x) would be NaN: the other arm is never computed.
    assert_eq!(f.value_and_grad(-1.0), (0.0, [0.0]));
    let (value, [d]) = f.value_and_grad(2.0);
    assert_eq!(value, 2.0_f64.ln());
    assert_eq!(d, 0.5);
    gradcheck(&f, [2.0]).assert_passed();
    gradcheck(&f, [-3.0]).assert_passed();
}

#[test]
fn huber_loss_as_written_in_plain_rust() {
    let delta = 1.0;
    let f = grad!(|r| {
        if r.abs() <= delta {
            0.5 * r * r
        } else {
            delta * (r.abs() - 0.5 * delta)
        }
    });
    let plain = |r: f64| {
        if r.abs() <= delta {
            0.5 * r * r
        } else {
            delta * (r.abs() - 0.5 * delta)
        }
    };
    for r in [-3.0, -1.0, -0.25, 0.0, 0.5, 1.0, 2.5] {
        assert_eq!(f.value(r).to_bits(), plain(r).to_bits(), "at {r}");
        let [d] = f.grad(r);
        // The arm the condition selects, boundaries included: at |r| = 1 the quadratic.
        let expected = if r.abs() <= 1.0 { r } else { r.signum() };
        assert_eq!(d, expected, "at {r}");
    }
    gradcheck(&f, [2.5]).assert_passed();
    gradcheck(&f, [0.3]).assert_passed();
}

#[test]
fn statement_ifs_assign_mutable_locals_and_else_if_chains() {
    let f = grad!(|x: [f64; 4]| {
        let mut s = 0.0;
        for i in 0..4 {
            if x[i] > 1.0 {
                s += x[i] * x[i];
            } else if x[i] < -1.0 {
                s -= x[i];
            } else {
                s += 0.5 * x[i];
            }
        }
        let mut m = x[0];
        for i in 1..4 {
            if x[i] > m {
                m = x[i];
            }
        }
        s + m
    });
    let plain = |x: [f64; 4]| {
        let mut s = 0.0;
        for i in 0..4 {
            if x[i] > 1.0 {
                s += x[i] * x[i];
            } else if x[i] < -1.0 {
                s -= x[i];
            } else {
                s += 0.5 * x[i];
            }
        }
        let mut m = x[0];
        for i in 1..4 {
            if x[i] > m {
                m = x[i];
            }
        }
        s + m
    };
    for x in [
        [2.0, -3.0, 0.5, 1.5],
        [-0.5, 0.25, -2.0, 3.0],
        [0.1, 0.2, 0.3, 0.4],
    ] {
        assert_eq!(f.value(x).to_bits(), plain(x).to_bits(), "at {x:?}");
        gradcheck(&f, x).assert_passed();
    }
}

#[test]
fn backward_follows_the_arm_of_its_forward_pass() {
    let f = grad!(|x, y| if x * y > 0.0 { x * y } else { y - x });
    let (_, positive) = f.forward(2.0, 3.0);
    let (_, negative) = f.forward(-2.0, 3.0);
    assert_eq!(positive.backward(1.0), [3.0, 2.0]);
    assert_eq!(negative.backward(1.0), [-1.0, 1.0]);
    assert_eq!(positive.backward(2.0), [6.0, 4.0]);
}

#[test]
fn record_records_only_the_arm_taken() {
    let f = grad!(|x| if x > 0.0 { x.sin() * x } else { x.exp() });
    let g = Graph::new();
    let x = g.input("x", 0.5);
    let out = f.record(&g, [x]);
    assert_eq!(out.value(), f.value(0.5));
    // The input, the sin and the product: no exp.
    assert_eq!(g.len(), 3);
    let grads = g.backward(out).unwrap();
    assert_eq!(grads[x], f.grad(0.5)[0]);
}

#[test]
fn conditions_combine_with_and_or_not_and_loop_variables() {
    let f = grad!(|x: [f64; 3]| {
        let mut s = 0.0;
        for i in 0..3 {
            if (x[i] > 0.0 && i != 1) || !(x[i] < 2.0) {
                s += x[i].powi(2);
            } else {
                s += x[i];
            }
        }
        s
    });
    let plain = |x: [f64; 3]| {
        let mut s = 0.0;
        for (i, &xi) in x.iter().enumerate() {
            if (xi > 0.0 && i != 1) || !(xi < 2.0) {
                s += xi.powi(2);
            } else {
                s += xi;
            }
        }
        s
    };
    for x in [[1.0, 1.0, -1.0], [3.0, 2.5, 0.5], [-1.0, -2.0, 4.0]] {
        assert_eq!(f.value(x).to_bits(), plain(x).to_bits(), "at {x:?}");
        gradcheck(&f, x).assert_passed();
    }
}

#[test]
fn derivation_shows_both_arms_under_the_condition() {
    let f = grad!(|x| if x > 0.0 { x.ln() } else { 0.0 });
    assert_eq!(
        f.derivation(),
        "forward
  cond0 = x > 0
  if cond0 {
    t0 = ln(x)
  } else {
  }
  out = if cond0 { t0 } else { 0 }
backward
  if cond0 {
    d_t0 = dout
    d_x += d_t0 * (1 / x)
  } else {
  }
"
    );
    let trace = f.trace(2.0).to_string();
    assert!(
        trace.contains("  cond0 = x > 0 = 2 > 0 = true\n"),
        "{trace}"
    );
    assert!(trace.contains("    t0 = ln(x) = ln(2) = "), "{trace}");
    let trace = f.trace(-1.0).to_string();
    assert!(!trace.contains("ln(x)"), "{trace}");
}

#[test]
fn a_flat_view_through_the_trait() {
    let f = grad!(|x: [f64; 2]| if x[0] > x[1] { x[0] } else { x[1] * 2.0 });
    assert_eq!(
        Differentiable::value_and_grad(&f, [3.0, 1.0]),
        (3.0, [1.0, 0.0])
    );
    assert_eq!(
        Differentiable::value_and_grad(&f, [1.0, 3.0]),
        (6.0, [0.0, 2.0])
    );
}
