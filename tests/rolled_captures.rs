//! Constants from the user's scope read as scalars inside a loop that stays a loop (`dt`,
//! a `const LR`): each is captured once where `grad!` is written and passed to the loop
//! as an invariant with no gradient. Checked against the same loop in plain Rust (bit for
//! bit on the value), against gradients worked out by hand, and through `gradcheck`.
#![allow(clippy::needless_range_loop)] // the plain Rust twins read as the bodies do

use backprop::{grad, gradcheck};

const N: usize = 500;
const LR: f64 = 0.05;

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1.0)
}

#[test]
fn a_sum_reads_a_captured_scale_and_a_const() {
    let scale = 0.75;
    let f = grad!(|x: [f64; N]| {
        let mut s = 0.0;
        for i in 0..N {
            s += scale * x[i] * x[i] + LR * x[i];
        }
        s
    });
    let x: [f64; N] = core::array::from_fn(|k| (k as f64 * 0.1).sin());
    let mut s = 0.0;
    for i in 0..N {
        s += scale * x[i] * x[i] + LR * x[i];
    }
    let (value, gradient) = f.value_and_grad(x);
    assert_eq!(value.to_bits(), s.to_bits());
    for i in 0..N {
        let expected = 2.0 * scale * x[i] + LR;
        assert!(close(gradient[i], expected, 1e-14), "x[{i}]");
    }
    // The loop reads them as it reads the enclosing body's scalars.
    let derivation = f.derivation();
    assert!(derivation.contains("kept a loop"), "{derivation}");
    assert!(derivation.contains("scale"), "{derivation}");
    assert!(derivation.contains("LR"), "{derivation}");
}

#[test]
fn a_recurrence_of_gradient_descent_with_a_captured_rate() {
    let lr = 0.1;
    let xs: [f64; N] = core::array::from_fn(|k| (k as f64 * 0.37).cos());
    let f = grad!(|target: f64| {
        let mut w = 0.0;
        for i in 0..N {
            w -= lr * (w * xs[i] - target) * xs[i];
        }
        w
    });
    let target = 0.6;
    let mut ws = vec![0.0_f64];
    for i in 0..N {
        let w = *ws.last().unwrap();
        ws.push(w - lr * (w * xs[i] - target) * xs[i]);
    }
    let (value, [d_target]) = f.value_and_grad(target);
    assert_eq!(value.to_bits(), ws[N].to_bits());
    // w' = w (1 - lr x²) + lr target x.
    let (mut d_w, mut expected) = (1.0, 0.0);
    for i in (0..N).rev() {
        expected += d_w * lr * xs[i];
        d_w *= 1.0 - lr * xs[i] * xs[i];
    }
    assert!(close(d_target, expected, 1e-12), "{d_target} {expected}");
    gradcheck(&f, [target]).assert_passed();
}

#[test]
fn an_inner_sum_reads_a_captured_weight() {
    const R: usize = 50;
    const M: usize = 20;
    let weight = 1.5;
    let f = grad!(|a: [f64; R * M], x: [f64; M]| {
        let mut s = 0.0;
        for i in 0..R {
            let mut t = 0.0;
            for j in 0..M {
                t += weight * a[i * M + j] * x[j];
            }
            s += t * t;
        }
        s
    });
    let a: [f64; R * M] = core::array::from_fn(|k| 0.001 * (k % 13) as f64);
    let x: [f64; M] = core::array::from_fn(|k| 0.5 - 0.01 * k as f64);
    let mut s = 0.0;
    let mut dx = [0.0; M];
    for i in 0..R {
        let mut t = 0.0;
        for j in 0..M {
            t += weight * a[i * M + j] * x[j];
        }
        s += t * t;
        for j in 0..M {
            dx[j] += 2.0 * t * weight * a[i * M + j];
        }
    }
    let (value, (_, gx)) = f.value_and_grad(a, x);
    assert_eq!(value.to_bits(), s.to_bits());
    for j in 0..M {
        assert!(close(gx[j], dx[j], 1e-12), "x[{j}]");
    }
}

#[backprop::differentiable]
fn dot3(a: [f64; 3], b: f64) -> f64 {
    a[0] * b + a[1] * b * b + a[2]
}

#[test]
fn an_array_passed_whole_to_a_call_is_unrolled_as_before() {
    // `c` is captured from the user's scope and passed whole: the loop cannot tell it
    // is an array, so with bounds known at expansion it is unrolled, as before.
    let c = [0.5, -0.25, 1.0];
    let f = grad!(|x: [f64; 400]| {
        let mut s = 0.0;
        for i in 0..400 {
            s += dot3(c, x[i]);
        }
        s
    });
    let x: [f64; 400] = core::array::from_fn(|k| 0.01 * k as f64);
    let mut s = 0.0;
    for i in 0..400 {
        s += dot3(c, x[i]);
    }
    let (value, gradient) = f.value_and_grad(x);
    assert_eq!(value.to_bits(), s.to_bits());
    assert!(close(gradient[7], 0.5 - 0.5 * x[7], 1e-14));
}
