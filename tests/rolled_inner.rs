//! Inner sums in loops that stay loops: `let mut t = 0.0; for j in 0..M { t += e }`
//! followed by more work in the enclosing loop's body (least squares, a linear layer's
//! loss), over named constants. Each case is checked against the same loops in plain Rust
//! (the value, bit for bit), against gradients worked out by hand, and through
//! `gradcheck` (the runtime graph and central differences).

#![allow(clippy::needless_range_loop)] // indices of hand-written gradients read as formulas

use backprop::{grad, gradcheck};

const N: usize = 12;
const M: usize = 5;

fn point<const K: usize>(seed: usize) -> [f64; K] {
    core::array::from_fn(|k| {
        0.5 + 0.37 * (((k + seed) * 7919) % 23) as f64 / 23.0 - 0.1 * ((k + seed) % 3) as f64
    })
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1.0)
}

#[test]
fn least_squares() {
    let f = grad!(|w: [f64; N * M], x: [f64; M], y: [f64; N]| {
        let mut s = 0.0;
        for i in 0..N {
            let mut t = 0.0;
            for j in 0..M {
                t += w[i * M + j] * x[j];
            }
            s += (t - y[i]).powi(2);
        }
        s
    });
    let (w, x, y) = (point::<{ N * M }>(1), point::<M>(2), point::<N>(3));
    let mut plain = 0.0;
    let mut r = [0.0; N];
    for i in 0..N {
        let mut t = 0.0;
        for j in 0..M {
            t += w[i * M + j] * x[j];
        }
        r[i] = t - y[i];
        plain += (t - y[i]).powi(2);
    }
    let (value, (dw, dx, dy)) = f.value_and_grad(w, x, y);
    assert_eq!(value.to_bits(), plain.to_bits());
    for i in 0..N {
        assert!(close(dy[i], -2.0 * r[i], 1e-12));
        for j in 0..M {
            assert!(close(dw[i * M + j], 2.0 * r[i] * x[j], 1e-12));
        }
    }
    for j in 0..M {
        let expected: f64 = (0..N).map(|i| 2.0 * r[i] * w[i * M + j]).sum();
        assert!(
            close(dx[j], expected, 1e-12),
            "x[{j}]: {} {expected}",
            dx[j]
        );
    }
    let derivation = f.derivation();
    assert!(derivation.contains("for i in 0..N { s += e }, kept a loop"));
    assert!(derivation.contains("t = 0, then for j in 0..M { t += e }, kept a loop"));
    assert!(derivation.contains("e = term(w[i * M + j], x[j])"));
    let mut flat = [0.0; N * M + M + N];
    flat[..N * M].copy_from_slice(&w);
    flat[N * M..N * M + M].copy_from_slice(&x);
    flat[N * M + M..].copy_from_slice(&y);
    gradcheck(&f, flat).assert_passed();
}

#[test]
fn a_layer_with_a_bias_an_activation_and_two_sums() {
    // Two sums in one body, one of them subtracting, an invariant both the sums and the
    // body read, a counter in a term, and a loop that subtracts its terms.
    let f = grad!(|w: [f64; N * M], x: [f64; M], b: [f64; N], c: f64| {
        let mut s = 1.0;
        for i in 0..N {
            let mut t = 0.5;
            for j in 0..M {
                t += c * w[i * M + j] * x[j];
            }
            let mut u = -1.0;
            for k in 0..M {
                u -= x[k] * (k as f64);
            }
            let a = (t + b[i]).tanh();
            s -= c * a * a + u * t;
        }
        s
    });
    let (w, x, b, c) = (point::<{ N * M }>(4), point::<M>(5), point::<N>(6), 0.7);
    let mut plain = 1.0;
    let (mut dw, mut dx, mut db, mut dc) = ([0.0; N * M], [0.0; M], [0.0; N], 0.0);
    for i in 0..N {
        let mut t = 0.5;
        for j in 0..M {
            t += c * w[i * M + j] * x[j];
        }
        let mut u = -1.0;
        for k in 0..M {
            u -= x[k] * (k as f64);
        }
        let a = (t + b[i]).tanh();
        plain -= c * a * a + u * t;
        // s -= c a² + u t, with a = tanh(t + b_i): the partials of the term.
        let da = 2.0 * c * a;
        let dt = da * (1.0 - a * a) + u;
        db[i] -= da * (1.0 - a * a);
        dc -= a * a;
        for j in 0..M {
            dw[i * M + j] -= dt * c * x[j];
            dx[j] -= dt * c * w[i * M + j];
            dc -= dt * w[i * M + j] * x[j];
            // u = -1 - Σ x_k k.
            dx[j] -= t * -(j as f64);
        }
    }
    let (value, (gw, gx, gb, gc)) = f.value_and_grad(w, x, b, c);
    assert_eq!(value.to_bits(), plain.to_bits());
    assert!(close(gc, dc, 1e-12), "c: {gc} {dc}");
    for i in 0..N {
        assert!(close(gb[i], db[i], 1e-12), "b[{i}]");
        for j in 0..M {
            assert!(close(gw[i * M + j], dw[i * M + j], 1e-12), "w[{i}][{j}]");
        }
    }
    for j in 0..M {
        assert!(close(gx[j], dx[j], 1e-12), "x[{j}]: {} {}", gx[j], dx[j]);
    }
    let mut flat = [0.0; N * M + M + N + 1];
    flat[..N * M].copy_from_slice(&w);
    flat[N * M..N * M + M].copy_from_slice(&x);
    flat[N * M + M..N * M + M + N].copy_from_slice(&b);
    flat[N * M + M + N] = c;
    gradcheck(&f, flat).assert_passed();
}

#[test]
fn a_triangular_sum_and_data() {
    // The inner range reads the loop variable; the targets are data from the user's scope.
    let ys = point::<N>(7);
    let f = grad!(|x: [f64; N]| {
        let mut s = 0.0;
        for i in 0..N {
            let mut t = 0.0;
            for j in 0..i + 1 {
                t += x[j];
            }
            s += (t - ys[i]).powi(2);
        }
        s
    });
    let x = point::<N>(8);
    let mut plain = 0.0;
    let mut dx = [0.0; N];
    for i in 0..N {
        let mut t = 0.0;
        for j in 0..=i {
            t += x[j];
        }
        plain += (t - ys[i]).powi(2);
        for j in 0..=i {
            dx[j] += 2.0 * (t - ys[i]);
        }
    }
    let (value, gx) = f.value_and_grad(x);
    assert_eq!(value.to_bits(), plain.to_bits());
    for j in 0..N {
        assert!(close(gx[j], dx[j], 1e-12), "x[{j}]");
    }
    gradcheck(&f, x).assert_passed();
}

#[test]
fn single_precision() {
    let f = grad!(|w: [f32; N * M], x: [f32; M]| {
        let mut s = 0.0;
        for i in 0..N {
            let mut t = 0.0;
            for j in 0..M {
                t += w[i * M + j] * x[j];
            }
            s += t * t;
        }
        s
    });
    let w: [f32; N * M] = core::array::from_fn(|k| 0.01 * (k % 7) as f32);
    let x: [f32; M] = core::array::from_fn(|k| 0.5 - 0.1 * k as f32);
    let mut plain = 0.0_f32;
    for i in 0..N {
        let mut t = 0.0_f32;
        for j in 0..M {
            t += w[i * M + j] * x[j];
        }
        plain += t * t;
    }
    assert_eq!(f.value(w, x).to_bits(), plain.to_bits());
}

#[backprop::differentiable]
fn soft_rows<const C: usize>(x: [f64; C], k: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..C {
        let mut t = 0.0;
        for j in 0..C {
            t += k * x[i] * x[j] / (1.0 + (i + j) as f64);
        }
        s += t.tanh();
    }
    s
}

#[test]
fn an_inner_sum_in_a_function_generic_over_its_length() {
    let f = grad!(|x: [f64; M], k: f64| soft_rows(x, k) + k);
    let (x, k) = (point::<M>(9), 0.3);
    let (value, (dx, dk)) = f.value_and_grad(x, k);
    assert_eq!(value.to_bits(), (soft_rows(x, k) + k).to_bits());
    // s = Σ_i tanh(t_i), t_i = k x_i Σ_j x_j / (1 + i + j).
    let (mut ex, mut ek) = ([0.0; M], 1.0);
    for i in 0..M {
        let t: f64 = (0..M)
            .map(|j| k * x[i] * x[j] / (1.0 + (i + j) as f64))
            .sum();
        let dt = 1.0 - t.tanh().powi(2);
        ek += dt * t / k;
        for j in 0..M {
            let c = k / (1.0 + (i + j) as f64);
            ex[i] += dt * c * x[j];
            ex[j] += dt * c * x[i];
        }
    }
    assert!(close(dk, ek, 1e-12));
    for m in 0..M {
        assert!(close(dx[m], ex[m], 1e-12), "x[{m}]");
    }
    let mut flat = [0.0; M + 1];
    flat[..M].copy_from_slice(&x);
    flat[M] = k;
    gradcheck(&f, flat).assert_passed();
}

#[cfg(feature = "second-order")]
#[test]
fn second_order_through_an_inner_sum() {
    const K: usize = 3;
    let f = grad!(|a: [f64; K * K], x: [f64; K]| {
        let mut s = 0.0;
        for i in 0..K {
            let mut t = 0.0;
            for j in 0..K {
                t += a[i * K + j] * x[j];
            }
            s += t * t;
        }
        s
    });
    let (a, x) = (point::<{ K * K }>(10), point::<K>(11));
    let mut flat = [0.0; K * K + K];
    flat[..K * K].copy_from_slice(&a);
    flat[K * K..].copy_from_slice(&x);
    // f = |A x|²: ∂²f/∂x_p∂x_q = 2 (AᵀA)_pq.
    let h = backprop::hessian(&f, flat);
    for p in 0..K {
        for q in 0..K {
            let expected: f64 = (0..K).map(|i| 2.0 * a[i * K + p] * a[i * K + q]).sum();
            let got = h[K * K + p][K * K + q];
            assert!(
                close(got, expected, 1e-12),
                "h[x{p}][x{q}]: {got} {expected}"
            );
        }
    }
    backprop::gradgradcheck(&f, flat).assert_passed();
    // And through a recurrence's inner sum.
    let rnn = grad!(|w: [f64; K], x: [f64; K * K]| {
        let mut h = 0.2;
        for i in 0..K {
            let mut t = 0.0;
            for j in 0..K {
                t += w[j] * x[i * K + j];
            }
            h = (0.5 * h + t).tanh();
        }
        h
    });
    let mut flat = [0.0; K + K * K];
    flat[..K].copy_from_slice(&x);
    flat[K..].copy_from_slice(&a);
    backprop::gradgradcheck(&rnn, flat).assert_passed();
}

#[test]
fn a_known_inner_sum_as_long_as_the_threshold() {
    // Bounds known at expansion: the loops stay loops from 300 iterations on.
    let f = grad!(|x: [f64; 300], c: [f64; 4]| {
        let mut s = 0.0;
        for i in 0..4 {
            let mut t = 0.0;
            for j in 0..300 {
                t += (x[j] - c[i]).powi(2);
            }
            s += t.sqrt();
        }
        s
    });
    let (x, c) = (point::<300>(12), [0.1, 0.4, 0.6, 0.9]);
    let mut plain = 0.0;
    for i in 0..4 {
        let mut t = 0.0;
        for j in 0..300 {
            t += (x[j] - c[i]).powi(2);
        }
        plain += t.sqrt();
    }
    let (value, (_, dc)) = f.value_and_grad(x, c);
    assert_eq!(value.to_bits(), plain.to_bits());
    for i in 0..4 {
        let t: f64 = x.iter().map(|v| (v - c[i]).powi(2)).sum();
        let expected: f64 = x.iter().map(|v| -(v - c[i]) / t.sqrt()).sum();
        assert!(close(dc[i], expected, 1e-12));
    }
    assert!(f.derivation().contains("kept a loop on every iteration"));
}

#[test]
fn a_recurrence_with_an_inner_sum() {
    // A tanh RNN whose input at each step is a vector: h = tanh(u h + Σ_j w_j x[i M + j]).
    let f = grad!(|w: [f64; M], x: [f64; N * M], u: f64| {
        let mut h = 0.1;
        for i in 0..N {
            let mut t = 0.0;
            for j in 0..M {
                t += w[j] * x[i * M + j];
            }
            h = (u * h + t).tanh();
        }
        h
    });
    let (w, x, u) = (point::<M>(13), point::<{ N * M }>(14), 0.6);
    let mut hs = [0.0; N + 1];
    hs[0] = 0.1;
    for i in 0..N {
        let mut t = 0.0;
        for j in 0..M {
            t += w[j] * x[i * M + j];
        }
        hs[i + 1] = (u * hs[i] + t).tanh();
    }
    // Backpropagation through time, by hand.
    let (mut dw, mut dx, mut du, mut dh) = ([0.0; M], [0.0; N * M], 0.0, 1.0);
    for i in (0..N).rev() {
        let dz = dh * (1.0 - hs[i + 1] * hs[i + 1]);
        du += dz * hs[i];
        for j in 0..M {
            dw[j] += dz * x[i * M + j];
            dx[i * M + j] += dz * w[j];
        }
        dh = dz * u;
    }
    let (value, (gw, gx, gu)) = f.value_and_grad(w, x, u);
    assert_eq!(value.to_bits(), hs[N].to_bits());
    assert!(close(gu, du, 1e-12));
    for j in 0..M {
        assert!(close(gw[j], dw[j], 1e-12), "w[{j}]");
    }
    for k in 0..N * M {
        assert!(close(gx[k], dx[k], 1e-12), "x[{k}]");
    }
    // The tape: a pullback of the body per step, and a copy of the arrays the sums read.
    let mut flat = [0.0; M + N * M + 1];
    flat[..M].copy_from_slice(&w);
    flat[M..M + N * M].copy_from_slice(&x);
    flat[M + N * M] = u;
    gradcheck(&f, flat).assert_passed();
}

#[test]
fn the_same_loop_in_every_iteration_of_an_unrolled_one_is_one_callee() {
    // The inner loop's local is assigned after it, so it is no inner sum, and the outer
    // loop is unrolled; the loop inside it does not read its variable, so the three calls
    // share one generated loop.
    let f = grad!(|x: [f64; N], w: f64| {
        let mut total = 0.0;
        for k in 0..3 {
            let mut s = w;
            for i in 0..N {
                s += w * x[i] * x[i];
            }
            s *= 0.5;
            total += s * (k + 1) as f64;
        }
        total
    });
    let (x, w) = (point::<N>(15), 0.4);
    let mut plain = 0.0;
    for k in 0..3 {
        let mut s = w;
        for i in 0..N {
            s += w * x[i] * x[i];
        }
        s *= 0.5;
        plain += s * (k + 1) as f64;
    }
    let (value, (dx, dw)) = f.value_and_grad(x, w);
    assert_eq!(value.to_bits(), plain.to_bits());
    let sum_sq: f64 = x.iter().map(|v| v * v).sum();
    assert!(close(dw, 3.0 * (1.0 + sum_sq), 1e-12));
    for i in 0..N {
        assert!(close(dx[i], 6.0 * w * x[i], 1e-12), "x[{i}]");
    }
    let text = f.derivation();
    assert_eq!(text.matches("kept a loop").count(), 1, "{text}");
    assert_eq!(text.matches("loop0(").count(), 3, "{text}");
}

#[test]
fn the_variable_of_an_unrolled_loop_in_bounds_indices_and_numbers() {
    // `a` is the variable of a short loop, unrolled: its value is known in each
    // iteration's loop, which reads it in a bound, an index and a number.
    let f = grad!(|w: [f64; N * M], x: [f64; M]| {
        let mut s = 0.0;
        for a in 0..2 {
            for i in 0..N {
                let mut t = 0.0;
                for j in 0..M - a {
                    t += w[i * M + j] * x[j + a];
                }
                s += (t - 0.5).powi(2) * (a + 1) as f64;
            }
        }
        s
    });
    let w: [f64; N * M] = core::array::from_fn(|k| 0.1 * (k % 5) as f64);
    let x: [f64; M] = core::array::from_fn(|k| 0.3 + 0.1 * k as f64);
    let mut plain = 0.0;
    for a in 0..2 {
        for i in 0..N {
            let mut t = 0.0;
            for j in 0..M - a {
                t += w[i * M + j] * x[j + a];
            }
            plain += (t - 0.5).powi(2) * (a + 1) as f64;
        }
    }
    assert_eq!(f.value(w, x).to_bits(), plain.to_bits());
    let text = f.derivation();
    assert!(
        text.contains("loop1:") && !text.contains("loop2:"),
        "{text}"
    );
    let mut flat = [0.0; N * M + M];
    flat[..N * M].copy_from_slice(&w);
    flat[N * M..].copy_from_slice(&x);
    gradcheck(&f, flat).assert_passed();
}

#[test]
fn an_inner_sum_from_a_bias() {
    // A layer: each sum starts from its bias, `let mut t = b[i];`, a program of its own.
    let f = grad!(|w: [f64; N * M], x: [f64; M], b: [f64; N], c: f64| {
        let mut s = 0.0;
        for i in 0..N {
            let mut t = b[i] * c;
            for j in 0..M {
                t -= w[i * M + j] * x[j];
            }
            s += t.tanh();
        }
        s
    });
    let (w, x, b, c) = (point::<{ N * M }>(16), point::<M>(17), point::<N>(18), 1.3);
    let mut plain = 0.0;
    let (mut dw, mut dx, mut db, mut dc) = ([0.0; N * M], [0.0; M], [0.0; N], 0.0);
    for i in 0..N {
        let mut t = b[i] * c;
        for j in 0..M {
            t -= w[i * M + j] * x[j];
        }
        plain += t.tanh();
        let dt = 1.0 - t.tanh().powi(2);
        db[i] += dt * c;
        dc += dt * b[i];
        for j in 0..M {
            dw[i * M + j] -= dt * x[j];
            dx[j] -= dt * w[i * M + j];
        }
    }
    let (value, (gw, gx, gb, gc)) = f.value_and_grad(w, x, b, c);
    assert_eq!(value.to_bits(), plain.to_bits());
    assert!(close(gc, dc, 1e-12));
    for i in 0..N {
        assert!(close(gb[i], db[i], 1e-12), "b[{i}]");
        for j in 0..M {
            assert!(close(gw[i * M + j], dw[i * M + j], 1e-12));
        }
    }
    for j in 0..M {
        assert!(close(gx[j], dx[j], 1e-12), "x[{j}]");
    }
    let text = f.derivation();
    assert!(
        text.contains("t = e0, then for j in 0..M { t -= e }"),
        "{text}"
    );
    assert!(text.contains("e0 = first(b[i], c)"), "{text}");
    let mut flat = [0.0; N * M + M + N + 1];
    flat[..N * M].copy_from_slice(&w);
    flat[N * M..N * M + M].copy_from_slice(&x);
    flat[N * M + M..N * M + M + N].copy_from_slice(&b);
    flat[N * M + M + N] = c;
    gradcheck(&f, flat).assert_passed();
}

#[test]
fn a_recurrence_with_an_inner_sum_from_its_input() {
    // h = tanh(u h + x_i · w), the sum starting from a bias `b[i]`, in a recurrence.
    let f = grad!(|w: [f64; M], x: [f64; N * M], b: [f64; N], u: f64| {
        let mut h = 0.0;
        for i in 0..N {
            let mut t = b[i];
            for j in 0..M {
                t += w[j] * x[i * M + j];
            }
            h = (u * h + t).tanh();
        }
        h
    });
    let (w, x, b, u) = (point::<M>(19), point::<{ N * M }>(20), point::<N>(21), 0.4);
    let mut h = 0.0;
    for i in 0..N {
        let mut t = b[i];
        for j in 0..M {
            t += w[j] * x[i * M + j];
        }
        h = (u * h + t).tanh();
    }
    assert_eq!(f.value(w, x, b, u).to_bits(), h.to_bits());
    let mut flat = [0.0; M + N * M + N + 1];
    flat[..M].copy_from_slice(&w);
    flat[M..M + N * M].copy_from_slice(&x);
    flat[M + N * M..M + N * M + N].copy_from_slice(&b);
    flat[M + N * M + N] = u;
    gradcheck(&f, flat).assert_passed();
}
