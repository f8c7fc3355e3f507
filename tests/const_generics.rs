//! `#[differentiable]` functions over arrays of a const generic length,
//! `fn rosen<const N: usize>(x: [f64; N]) -> f64`: the loops over `0..N` stay loops, and
//! a caller's argument gives `N`. Each case is checked against the plain function (bit
//! for bit on the value), against gradients worked out by hand, and through
//! `gradcheck` (the runtime graph and central differences).
#![allow(clippy::needless_range_loop)] // indices of hand-written gradients read as formulas

use backprop::{grad, gradcheck};

#[backprop::differentiable]
fn rosen<const N: usize>(x: [f64; N]) -> f64 {
    let mut s = 0.0;
    for i in 0..N - 1 {
        s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
    }
    s
}

/// A scalar, an array of const length and one of literal length, and the loop variable
/// as a number.
#[backprop::differentiable]
fn weighted<const N: usize>(w: f64, x: [f64; N], c: [f64; 2]) -> f64 {
    let mut s = c[0];
    for i in 0..N {
        s += w * x[i] * x[i] + c[1] * (i as f64);
    }
    s
}

/// A recurrence over `0..T`, and data as a second array of the same length.
#[backprop::differentiable]
fn rnn<const T: usize>(w: f64, xs: [f64; T]) -> f64 {
    let mut h = 0.0;
    for t in 0..T {
        h = (w * h + xs[t]).tanh();
    }
    h
}

#[backprop::differentiable]
fn squared_error<const N: usize>(x: [f64; N], ys: [f64; N]) -> f64 {
    let mut s = 0.0;
    for i in 0..N {
        s += (x[i] - ys[i]).powi(2);
    }
    s
}

const M: usize = 1200;

fn point<const K: usize>() -> [f64; K] {
    core::array::from_fn(|k| 0.5 + 0.37 * ((k * 7919) % 23) as f64 / 23.0 - 0.1 * (k % 3) as f64)
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1.0)
}

fn rosen_by_hand<const K: usize>(x: &[f64; K]) -> [f64; K] {
    let mut g = [0.0; K];
    for i in 0..K - 1 {
        let t = x[i + 1] - x[i] * x[i];
        g[i] += -400.0 * t * x[i] - 2.0 * (1.0 - x[i]);
        g[i + 1] += 200.0 * t;
    }
    g
}

#[test]
fn one_function_at_several_lengths() {
    // N = 5 from a literal array, N = 1200 from an array of named length.
    let small = grad!(|x: [f64; 5]| 2.0 * rosen(x));
    let large = grad!(|x: [f64; M]| rosen(x));
    let x5 = [0.5, -1.0, 2.0, 0.3, 1.5];
    let (value, gradient) = small.value_and_grad(x5);
    assert_eq!(value.to_bits(), (2.0 * rosen(x5)).to_bits());
    let expected = rosen_by_hand(&x5);
    for k in 0..5 {
        assert!(close(gradient[k], 2.0 * expected[k], 1e-14), "x[{k}]");
    }
    gradcheck(&small, x5).assert_passed();

    let x: [f64; M] = point();
    let (value, gradient) = large.value_and_grad(x);
    assert_eq!(value.to_bits(), rosen(x).to_bits());
    let expected = rosen_by_hand(&x);
    for k in 0..M {
        assert!(close(gradient[k], expected[k], 1e-12), "x[{k}]");
    }
    assert!(large.derivation().contains("rosen:"));
    // Two lengths in one body: two companions of the same function, one section.
    let both = grad!(|a: [f64; 3], b: [f64; 4]| rosen(a) + rosen(b));
    let (a, b) = ([0.5, -1.0, 2.0], [0.3, 1.5, -0.5, 1.0]);
    let (value, (da, db)) = both.value_and_grad(a, b);
    assert_eq!(value.to_bits(), (rosen(a) + rosen(b)).to_bits());
    assert_eq!(da, rosen_by_hand(&a));
    assert_eq!(db, rosen_by_hand(&b));
    assert_eq!(both.derivation().matches("rosen:").count(), 1);
    assert!(large
        .derivation()
        .contains("for i in 0..N - 1 { s += e }, kept a loop"));
}

#[test]
fn scalars_literal_arrays_and_the_index_around_a_const_length() {
    let f = grad!(|w: f64, x: [f64; 4]| weighted(w, x, [1.0, 2.0]));
    let (w, x) = (0.5, [1.0, 2.0, -3.0, 4.0]);
    let (value, (dw, dx)) = f.value_and_grad(w, x);
    assert_eq!(value.to_bits(), weighted(w, x, [1.0, 2.0]).to_bits());
    let sum_sq: f64 = x.iter().map(|v| v * v).sum();
    assert_eq!(dw, sum_sq);
    for k in 0..4 {
        assert_eq!(dx[k], 2.0 * w * x[k]);
    }
    let flat = [w, x[0], x[1], x[2], x[3]];
    gradcheck(&f, flat).assert_passed();
    #[cfg(feature = "second-order")]
    {
        // H·e_w: ∂²/∂w² = 0, ∂²/∂w∂x_k = 2 x_k.
        let column = backprop::hvp(&f, flat, [1.0, 0.0, 0.0, 0.0, 0.0]);
        assert_eq!(column, [0.0, 2.0, 4.0, -6.0, 8.0]);
        backprop::gradgradcheck(&f, flat).assert_passed();
    }
}

#[test]
fn a_recurrence_and_data_of_a_const_length() {
    let xs: [f64; 1500] = core::array::from_fn(|k| (k as f64 * 0.37).sin());
    // The data as a parameter: a constant captured from outside gives no length (the
    // compile error says so, tests/ui/const-length-from-data.rs).
    let f = grad!(|w: f64, xs: [f64; 1500]| rnn(w, xs));
    let w = 0.8;
    let mut states = vec![0.0_f64];
    for x in &xs {
        let h = *states.last().unwrap();
        states.push((w * h + x).tanh());
    }
    let (mut d_h, mut d_w) = (1.0, 0.0);
    for t in (0..1500).rev() {
        let d_pre = d_h * (1.0 - states[t + 1] * states[t + 1]);
        d_w += d_pre * states[t];
        d_h = d_pre * w;
    }
    let (value, (dw, _)) = f.value_and_grad(w, xs);
    assert_eq!(value.to_bits(), rnn(w, xs).to_bits());
    assert_eq!(value.to_bits(), states[1500].to_bits());
    assert!(close(dw, d_w, 1e-13));
    let g = grad!(|w: f64, xs: [f64; 8]| rnn(w, xs));
    let mut flat = [0.0; 9];
    flat[0] = w;
    flat[1..].copy_from_slice(&xs[..8]);
    gradcheck(&g, flat).assert_passed();

    // Data passed as a constant where the length is already given by `x`.
    let ys: [f64; 6] = point();
    let g = grad!(|x: [f64; 6]| squared_error(x, ys));
    let x = [1.0; 6];
    let (value, gradient) = g.value_and_grad(x);
    assert_eq!(value.to_bits(), squared_error(x, ys).to_bits());
    for k in 0..6 {
        assert_eq!(gradient[k], 2.0 * (x[k] - ys[k]));
    }
}
