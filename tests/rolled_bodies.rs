//! Loops that stay loops whose bodies hold more than `let`s: `let mut` locals assigned
//! in short inner loops and statement `if`s. An inner loop over bounds known at expansion
//! is unrolled inside the body, and the arrays it reads at the outer loop's variable plus
//! its own (`x[i + k]`) are read as a window; arrays it reads at its own variable only
//! (`c[k]`) come in whole. Each case is checked against the same loop in plain Rust (bit
//! for bit on the value), against an unrolled twin, and through `gradcheck`.
#![allow(clippy::needless_range_loop)] // the plain loops index as the bodies do

use backprop::{grad, gradcheck};

const N: usize = 1000;

fn signal<const K: usize>() -> [f64; K] {
    core::array::from_fn(|k| (k as f64 * 0.3).sin())
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1.0)
}

#[test]
fn a_convolution_with_an_inner_loop_and_a_statement_if() {
    let f = grad!(|x: [f64; N], c: [f64; 3]| {
        let mut s = 0.0;
        for i in 0..N - 2 {
            let mut t = 0.0;
            for k in 0..3 {
                t += c[k] * x[i + k];
            }
            if t < 0.0 {
                t = -t;
            }
            s += t * t;
        }
        s
    });
    // The same, over loops of 200 and 198 terms that the macro unrolls.
    let twin = grad!(|x: [f64; 1000], c: [f64; 3]| {
        let mut s = 0.0;
        for part in 0..4 {
            // A statement besides the loop: no nest, which would stay a loop as a whole.
            let spacer = 0.0;
            for i in 200 * part..200 * (part + 1) {
                let mut t = 0.0;
                for k in 0..3 {
                    t += c[k] * x[i + k];
                }
                if t < 0.0 {
                    t = -t;
                }
                s += t * t;
            }
        }
        for i in 800..998 {
            let mut t = 0.0;
            for k in 0..3 {
                t += c[k] * x[i + k];
            }
            if t < 0.0 {
                t = -t;
            }
            s += t * t;
        }
        s
    });
    assert!(f.derivation().contains("kept a loop"));
    assert!(!twin.derivation().contains("kept a loop"));
    let (x, c) = (signal::<N>(), [0.5, -1.0, 0.25]);
    let mut plain = 0.0;
    for i in 0..N - 2 {
        let mut t = 0.0;
        for k in 0..3 {
            t += c[k] * x[i + k];
        }
        if t < 0.0 {
            t = -t;
        }
        plain += t * t;
    }
    let (value, (dx, dc)) = f.value_and_grad(x, c);
    let (twin_value, (twin_dx, twin_dc)) = twin.value_and_grad(x, c);
    assert_eq!(value.to_bits(), plain.to_bits());
    assert_eq!(twin_value.to_bits(), plain.to_bits());
    for k in 0..N {
        assert!(close(dx[k], twin_dx[k], 1e-13), "x[{k}]");
    }
    for k in 0..3 {
        assert!(close(dc[k], twin_dc[k], 1e-13), "c[{k}]");
    }
    let mut flat = [0.0; N + 3];
    flat[..N].copy_from_slice(&x);
    flat[N..].copy_from_slice(&c);
    gradcheck(&f, flat).assert_passed();
}

#[test]
fn a_stencil_over_data_and_a_matrix_read_at_the_inner_variable() {
    // A five-point stencil over data, weighted by a row of `w` picked by the parity of
    // nothing the macro knows: both rows are read whole.
    let xs: [f64; 1200] = signal();
    let f = grad!(|w: [[f64; 5]; 2], a: f64| {
        let mut s = 0.0;
        for i in 2..1198 {
            let mut t = a;
            for k in 0..5 {
                t += w[0][k] * xs[i + k - 2] - w[1][k] * xs[i + 2 - k];
            }
            s += t.tanh();
        }
        s
    });
    assert!(f.derivation().contains("kept a loop"));
    let w = [[0.1, -0.2, 0.3, 0.2, -0.1], [0.05, 0.0, -0.05, 0.1, 0.0]];
    let mut plain = 0.0;
    for i in 2..1198 {
        let mut t = 0.4;
        for k in 0..5 {
            t += w[0][k] * xs[i + k - 2] - w[1][k] * xs[i + 2 - k];
        }
        plain += t.tanh();
    }
    let (value, (_, da)) = f.value_and_grad(w, 0.4);
    assert_eq!(value.to_bits(), plain.to_bits());
    let da_by_hand: f64 = (2..1198)
        .map(|i| {
            let mut t = 0.4;
            for k in 0..5 {
                t += w[0][k] * xs[i + k - 2] - w[1][k] * xs[i + 2 - k];
            }
            1.0 - t.tanh().powi(2)
        })
        .sum();
    assert!(close(da, da_by_hand, 1e-12));
    let mut flat = [0.0; 11];
    flat[..5].copy_from_slice(&w[0]);
    flat[5..10].copy_from_slice(&w[1]);
    flat[10] = 0.4;
    gradcheck(&f, flat).assert_passed();
}
