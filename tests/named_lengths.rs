//! Array parameters whose length is a named constant (`x: [f64; N]`): the macro does not
//! see the length, so the array is read only by loops that stay loops, and everything
//! whose size is the count of scalars (the flat inputs, `inputs()`, the gradient) is
//! written in terms of `N` for the compiler to evaluate. Each case is checked against
//! gradients worked out by hand, against a plain Rust loop bit for bit on the value, and
//! through `gradcheck` (the runtime graph and central differences).

#![allow(clippy::needless_range_loop)] // indices of hand-written gradients read as formulas

use backprop::{grad, gradcheck, Differentiable};

const N: usize = 1200;
const SMALL: usize = 4;

fn point<const K: usize>() -> [f64; K] {
    core::array::from_fn(|k| 0.5 + 0.37 * ((k * 7919) % 23) as f64 / 23.0 - 0.1 * (k % 3) as f64)
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1.0)
}

#[test]
fn rosenbrock_over_a_named_length() {
    let f = grad!(|x: [f64; N]| {
        let mut s = 0.0;
        for i in 0..N - 1 {
            s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
        }
        s
    });
    let x: [f64; N] = point();
    // The same loop in plain Rust, and its gradient by hand.
    let mut plain = 0.0;
    let mut expected = [0.0; N];
    for i in 0..N - 1 {
        let t = x[i + 1] - x[i] * x[i];
        plain += 100.0 * t.powi(2) + (1.0 - x[i]).powi(2);
        expected[i] += -400.0 * t * x[i] - 2.0 * (1.0 - x[i]);
        expected[i + 1] += 200.0 * t;
    }
    let (value, gradient) = f.value_and_grad(x);
    assert_eq!(value.to_bits(), plain.to_bits());
    assert_eq!(f.value(x).to_bits(), plain.to_bits());
    for k in 0..N {
        assert!(close(gradient[k], expected[k], 1e-12), "x[{k}]");
    }
    let names = f.inputs();
    assert_eq!((names[0], names[N - 1]), ("x[0]", "x[1199]"));
    assert!(f
        .derivation()
        .contains("for i in 0..N - 1 { s += e }, kept a loop"));
    assert!(f.derivation().contains("d_x = dout * ∂out/∂x"));
    let (out, pullback) = f.forward(x);
    assert_eq!(out.to_bits(), plain.to_bits());
    assert_eq!(pullback.backward(2.0)[7], 2.0 * gradient[7]);
    let trace = f.trace(x);
    assert_eq!(trace.value().to_bits(), plain.to_bits());
}

#[test]
fn scalars_and_literal_arrays_around_a_named_length() {
    // The flat inputs are `a`, then 2 * SMALL elements of `x`, then `c`: positions past
    // the named length are expressions of it.
    let f = grad!(|a: f64, x: [f64; 2 * SMALL], c: [f64; 2]| {
        let mut s = c[0];
        for i in 0..x.len() {
            s += a * x[i] * x[i] + c[1] * x[i];
        }
        s * c[0]
    });
    let (a, x, c) = (0.7, point::<8>(), [1.5, -0.25]);
    let (value, (da, dx, dc)) = f.value_and_grad(a, x, c);
    let sum_sq: f64 = x.iter().map(|v| v * v).sum();
    let sum: f64 = x.iter().sum();
    let inner = c[0] + a * sum_sq + c[1] * sum;
    assert!(close(value, inner * c[0], 1e-14));
    assert!(close(da, sum_sq * c[0], 1e-14));
    for k in 0..8 {
        assert!(
            close(dx[k], (2.0 * a * x[k] + c[1]) * c[0], 1e-14),
            "x[{k}]"
        );
    }
    assert!(close(dc[0], inner + c[0], 1e-14));
    assert!(close(dc[1], sum * c[0], 1e-14));

    // The flat view: 1 + 8 + 2 inputs, in argument order.
    let names = Differentiable::inputs(&f);
    assert_eq!(names.len(), 11);
    assert_eq!(
        (names[0], names[1], names[9], names[10]),
        ("a", "x[0]", "c[0]", "c[1]")
    );
    let mut flat = [0.0; 11];
    flat[0] = a;
    flat[1..9].copy_from_slice(&x);
    flat[9..].copy_from_slice(&c);
    let (flat_value, flat_grad) = Differentiable::value_and_grad(&f, flat);
    assert_eq!(flat_value.to_bits(), value.to_bits());
    assert_eq!(flat_grad[0], da);
    assert_eq!(&flat_grad[1..9], &dx);
    assert_eq!(&flat_grad[9..], &dc);
    gradcheck(&f, flat).assert_passed();
    let trace = f.trace(a, x, c);
    assert_eq!(trace.value().to_bits(), value.to_bits());
}

#[cfg(feature = "second-order")]
#[test]
fn second_order_through_a_named_length() {
    let f = grad!(|x: [f64; SMALL], w: f64| {
        let mut s = 0.0;
        for i in 0..SMALL - 1 {
            s += w * x[i] * x[i + 1];
        }
        s * s
    });
    let (x, w) = ([0.5, -1.0, 2.0, 0.25], 1.5);
    // s = w·q with q = Σ x_i x_{i+1}; f = s², ∂f/∂x_k = 2 s w ∂q/∂x_k.
    let q: f64 = (0..3).map(|i| x[i] * x[i + 1]).sum();
    let dq = |k: usize| -> f64 {
        (if k > 0 { x[k - 1] } else { 0.0 }) + (if k < 3 { x[k + 1] } else { 0.0 })
    };
    let s = w * q;
    let flat = [x[0], x[1], x[2], x[3], w];
    let h = backprop::hessian(&f, flat);
    for i in 0..4_usize {
        for j in 0..4 {
            let adjacent = if i.abs_diff(j) == 1 { 1.0 } else { 0.0 };
            let expected = 2.0 * w * w * dq(i) * dq(j) + 2.0 * s * w * adjacent;
            assert!(close(h[i][j], expected, 1e-14), "h[{i}][{j}]");
            assert_eq!(h[i][j], h[j][i]);
        }
        // ∂²f/∂x_i∂w = 2 q w ∂q/∂x_i + 2 s ∂q/∂x_i.
        assert!(close(h[i][4], 4.0 * s * dq(i), 1e-14), "h[{i}][4]");
    }
    assert!(close(h[4][4], 2.0 * q * q, 1e-14));
    let v = [1.0, -2.0, 0.5, 3.0, -1.0];
    let hv = backprop::hvp(&f, flat, v);
    for i in 0..5 {
        let expected: f64 = (0..5).map(|j| h[i][j] * v[j]).sum();
        assert!(close(hv[i], expected, 1e-13), "hv[{i}]");
    }
    let (value, tangent) = backprop::jvp(&f, flat, v);
    assert_eq!(value.to_bits(), f.value(x, w).to_bits());
    let g = Differentiable::value_and_grad(&f, flat).1;
    let expected: f64 = (0..5).map(|j| g[j] * v[j]).sum();
    assert!(close(tangent, expected, 1e-14));
    backprop::gradgradcheck(&f, flat).assert_passed();
}

#[test]
fn data_an_unread_array_and_f32() {
    // Data of the same named length, read at the loop variable.
    let ys: [f64; N] = point();
    let f = grad!(|x: [f64; N], unused: [f64; SMALL]| {
        let mut s = 0.0;
        for i in 0..N {
            s += (x[i] - ys[i]).powi(2);
        }
        s
    });
    let x = [1.0; N];
    let (value, (dx, dunused)) = f.value_and_grad(x, [3.0; SMALL]);
    let plain = (0..N).fold(0.0, |s, i| s + (x[i] - ys[i]).powi(2));
    assert_eq!(value.to_bits(), plain.to_bits());
    for k in 0..N {
        assert_eq!(dx[k], 2.0 * (x[k] - ys[k]), "x[{k}]");
    }
    assert_eq!(dunused, [0.0; SMALL]);

    let g = grad!(|x: [f32; SMALL]| {
        let mut s = 0.0;
        for i in 0..SMALL {
            s += x[i].sin();
        }
        s
    });
    let x = [0.5_f32, 1.0, -2.0, 3.0];
    let gradient = g.grad(x);
    for k in 0..SMALL {
        assert_eq!(gradient[k], x[k].cos());
    }
}
