//! Recurrences that stay loops: a long loop whose last statement computes the new value
//! of a scalar from its old one (`h = (w * h + u * xs[i]).tanh()`, `s *= e`, `s /= e`,
//! `s += e` with `e` reading `s`). The forward pass keeps one pullback of the body per
//! iteration; the backward pass runs the iterations in reverse, carrying the adjoint of
//! the scalar from each one back to the one before. Each case is checked against the same
//! loop in plain Rust (bit for bit on the value), against an unrolled twin, against the
//! gradient worked out by hand, and through `gradcheck`.
#![allow(clippy::needless_range_loop)] // indices of hand-written gradients read as formulas

use backprop::{grad, gradcheck};

const STEPS: usize = 1500;

fn data<const K: usize>() -> [f64; K] {
    core::array::from_fn(|k| (k as f64 * 0.37).sin())
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1.0)
}

#[test]
fn a_tanh_recurrence_over_named_steps() {
    let xs: [f64; STEPS] = data();
    let f = grad!(|w: f64, u: f64| {
        let mut h = 0.0;
        for i in 0..STEPS {
            h = (w * h + u * xs[i]).tanh();
        }
        h
    });
    let (w, u) = (0.8, 0.5);
    // The same loop in plain Rust, keeping each step's state, then backpropagation
    // through time by hand: h' = tanh(w h + u x), ∂h'/∂h = w (1 - h'²).
    let mut states = vec![0.0_f64];
    for i in 0..STEPS {
        let h = *states.last().unwrap();
        states.push((w * h + u * xs[i]).tanh());
    }
    let (mut d_h, mut d_w, mut d_u) = (1.0, 0.0, 0.0);
    for i in (0..STEPS).rev() {
        let d_pre = d_h * (1.0 - states[i + 1] * states[i + 1]);
        d_w += d_pre * states[i];
        d_u += d_pre * xs[i];
        d_h = d_pre * w;
    }
    let (value, gradient) = f.value_and_grad(w, u);
    assert_eq!(value.to_bits(), states[STEPS].to_bits());
    assert!(close(gradient[0], d_w, 1e-13), "{} {d_w}", gradient[0]);
    assert!(close(gradient[1], d_u, 1e-13), "{} {d_u}", gradient[1]);
    assert!(f
        .derivation()
        .contains("for i in 0..STEPS { h = e(h) }, kept a loop"));
    assert!(f.derivation().contains("carrying the adjoint of `h`"));
    gradcheck(&f, [w, u]).assert_passed();
}

#[test]
fn products_quotients_and_sums_that_read_the_accumulator() {
    // s = Π (1 + a x_i): ∂s/∂x_k = s a / (1 + a x_k).
    let f = grad!(|x: [f64; 1200], a: f64| {
        let mut s = 1.0;
        for i in 0..1200 {
            s *= 1.0 + a * x[i];
        }
        s
    });
    // The unrolled twin: the same product over loops of 200 iterations, below the
    // threshold, which the macro unrolls (a statement besides the inner loop: no nest, which
    // would stay a loop as a whole).
    let twin = grad!(|x: [f64; 1200], a: f64| {
        let mut s = 1.0;
        for c in 0..6 {
            let spacer = 0.0;
            for i in 200 * c..200 * (c + 1) {
                s *= 1.0 + a * x[i];
            }
        }
        s
    });
    assert!(f.derivation().contains("kept a loop"));
    assert!(!twin.derivation().contains("kept a loop"));
    let x: [f64; 1200] = data();
    let a = 0.002;
    let (value, (dx, da)) = f.value_and_grad(x, a);
    let (twin_value, (twin_dx, twin_da)) = twin.value_and_grad(x, a);
    assert_eq!(value.to_bits(), twin_value.to_bits());
    let plain = x.iter().fold(1.0, |s, &v| s * (1.0 + a * v));
    assert_eq!(value.to_bits(), plain.to_bits());
    for k in 0..1200 {
        assert!(close(dx[k], value * a / (1.0 + a * x[k]), 1e-12), "x[{k}]");
        assert!(close(dx[k], twin_dx[k], 1e-13), "x[{k}]");
    }
    let da_by_hand: f64 = (0..1200).map(|k| value * x[k] / (1.0 + a * x[k])).sum();
    assert!(close(da, da_by_hand, 1e-12) && close(da, twin_da, 1e-13));

    // s /= e, and s += e with e reading s (compound interest): both recurrences.
    let g = grad!(|r: [f64; 1100], p: f64| {
        let mut s = p;
        for i in 0..1100 {
            s += s * r[i];
        }
        let mut q = s;
        for i in 0..1100 {
            q /= 1.0 + r[i];
        }
        q
    });
    let r = [0.001; 1100];
    let (value, (dr, dp)) = g.value_and_grad(r, 2.0);
    // s = p Π (1 + r_i) and q = s / Π (1 + r_i) = p up to rounding: ∂q/∂p = 1, ∂q/∂r = 0.
    assert!(close(value, 2.0, 1e-12));
    assert!(close(dp, 1.0, 1e-12));
    assert!(dr.iter().all(|d| d.abs() < 1e-9));
    let mut flat = [0.001; 1101];
    flat[1100] = 2.0;
    gradcheck(&g, flat).assert_passed();
}

#[cfg(feature = "second-order")]
#[test]
fn second_order_through_a_recurrence() {
    // h_T = Σ w^(T-1-i) x_i for h = w h + x_i: the column of the Hessian for w is
    // ∂²h/∂w² = Σ (T-1-i)(T-2-i) w^(T-3-i) x_i and ∂²h/∂w∂x_i = (T-1-i) w^(T-2-i).
    const T: usize = 1000;
    let f = grad!(|x: [f64; T], w: f64| {
        let mut h = 0.0;
        for i in 0..T {
            h = w * h + x[i];
        }
        h
    });
    let x: [f64; T] = data();
    let w = 0.99;
    let mut at = [0.0; T + 1];
    at[..T].copy_from_slice(&x);
    at[T] = w;
    let mut v = [0.0; T + 1];
    v[T] = 1.0;
    let column = backprop::hvp(&f, at, v);
    let power = |k: usize| w.powi(i32::try_from(k).unwrap());
    for i in 0..T - 1 {
        let expected = (T - 1 - i) as f64 * power(T - 2 - i);
        assert!(
            close(column[i], expected, 1e-11),
            "x[{i}]: {} {expected}",
            column[i]
        );
    }
    assert_eq!(column[T - 1], 0.0);
    let d2w: f64 = (0..T.saturating_sub(2))
        .map(|i| ((T - 1 - i) * (T - 2 - i)) as f64 * power(T - 3 - i) * x[i])
        .sum();
    assert!(close(column[T], d2w, 1e-10), "{} {d2w}", column[T]);
    let (value, tangent) = backprop::jvp(&f, at, v);
    assert_eq!(value.to_bits(), f.value(x, w).to_bits());
    assert!(close(tangent, f.grad(x, w).1, 1e-13));
}
