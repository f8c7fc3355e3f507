//! Nests of loops that stay loops: `for i in 0..N { for j in 0..N { s += e } }`, a sum
//! over the pairs, kept as two loops (the macro cannot see `N`). Each case is checked
//! against the same loops in plain Rust (the value, bit for bit), against gradients
//! worked out by hand, and through `gradcheck` (the runtime graph and central
//! differences).

#![allow(clippy::needless_range_loop)] // indices of hand-written gradients read as formulas

use backprop::{grad, gradcheck};

const N: usize = 40;
const M: usize = 7;

fn point<const K: usize>() -> [f64; K] {
    core::array::from_fn(|k| 0.5 + 0.37 * ((k * 7919) % 23) as f64 / 23.0 - 0.1 * (k % 3) as f64)
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1.0)
}

#[test]
fn a_sum_over_all_pairs() {
    let f = grad!(|x: [f64; N], c: f64| {
        let mut s = 0.0;
        for i in 0..N {
            for j in 0..N {
                s += c * (x[i] - x[j]).powi(2);
            }
        }
        s
    });
    let (x, c) = (point::<N>(), 0.75);
    let mut plain = 0.0;
    for i in 0..N {
        for j in 0..N {
            plain += c * (x[i] - x[j]).powi(2);
        }
    }
    let (value, (dx, dc)) = f.value_and_grad(x, c);
    assert_eq!(value.to_bits(), plain.to_bits());
    assert!(close(dc, plain / c, 1e-12));
    for k in 0..N {
        // d/dx_k of Σ_ij c (x_i - x_j)² is 4c Σ_j (x_k - x_j).
        let expected: f64 = (0..N).map(|j| 4.0 * c * (x[k] - x[j])).sum();
        assert!(
            close(dx[k], expected, 1e-11),
            "x[{k}]: {} {expected}",
            dx[k]
        );
    }
    assert!(f
        .derivation()
        .contains("for i in 0..N { for j in 0..N { s += e } }, kept a loop"));
    let mut flat = [0.0; N + 1];
    flat[..N].copy_from_slice(&x);
    flat[N] = c;
    gradcheck(&f, flat).assert_passed();
}

#[test]
fn an_inner_loop_from_the_outer_variable() {
    let f = grad!(|x: [f64; N]| {
        let mut s = 0.0;
        for i in 0..N {
            for j in i + 1..N {
                s += x[i] * x[j] / (j - i) as f64;
            }
        }
        s
    });
    let x = point::<N>();
    let mut plain = 0.0;
    let mut expected = [0.0; N];
    for i in 0..N {
        for j in i + 1..N {
            let w = 1.0 / (j - i) as f64;
            plain += x[i] * x[j] / (j - i) as f64;
            expected[i] += w * x[j];
            expected[j] += w * x[i];
        }
    }
    let (value, dx) = f.value_and_grad(x);
    assert_eq!(value.to_bits(), plain.to_bits());
    for k in 0..N {
        assert!(close(dx[k], expected[k], 1e-12), "x[{k}]");
    }
    gradcheck(&f, x).assert_passed();
}

#[test]
fn a_flat_matrix_read_at_a_computed_index() {
    let f = grad!(|w: [f64; N * M], x: [f64; M]| {
        let mut s = 0.0;
        for i in 0..N {
            for j in 0..M {
                s += w[i * M + j] * x[j] * (i + 1) as f64;
            }
        }
        s
    });
    let (w, x) = (point::<{ N * M }>(), point::<M>());
    let mut plain = 0.0;
    for i in 0..N {
        for j in 0..M {
            plain += w[i * M + j] * x[j] * (i + 1) as f64;
        }
    }
    let (value, (dw, dx)) = f.value_and_grad(w, x);
    assert_eq!(value.to_bits(), plain.to_bits());
    for i in 0..N {
        for j in 0..M {
            assert!(close(dw[i * M + j], x[j] * (i + 1) as f64, 1e-14));
        }
    }
    for j in 0..M {
        let expected: f64 = (0..N).map(|i| w[i * M + j] * (i + 1) as f64).sum();
        assert!(close(dx[j], expected, 1e-12));
    }
}

#[test]
fn data_read_at_the_inner_variable_and_f32() {
    let ys: [f32; M] = core::array::from_fn(|k| 0.25 * k as f32 - 0.5);
    let f = grad!(|x: [f32; N]| {
        let mut s = 0.0;
        for i in 0..N {
            for j in 0..M {
                s -= (x[i] - ys[j]).powi(2);
            }
        }
        s
    });
    let x: [f32; N] = core::array::from_fn(|k| (k % 5) as f32 * 0.3 - 0.6);
    let mut plain = 0.0_f32;
    for i in 0..N {
        for j in 0..M {
            plain -= (x[i] - ys[j]).powi(2);
        }
    }
    let (value, dx) = f.value_and_grad(x);
    assert_eq!(value.to_bits(), plain.to_bits());
    for k in 0..N {
        let expected: f32 = (0..M).map(|j| -2.0 * (x[k] - ys[j])).sum();
        assert!(
            (dx[k] - expected).abs() <= 1e-4 * expected.abs().max(1.0),
            "x[{k}]"
        );
    }
    assert!(f.derivation().contains("ys[j]"));
}

#[test]
fn a_nest_of_known_ranges_stays_a_loop_past_the_threshold() {
    // 30 × 30 = 900 iterations: the nest stays a loop, though each loop is short.
    let f = grad!(|x: [f64; 30]| {
        let mut s = 0.0;
        for i in 0..30 {
            for j in 0..30 {
                s += (x[i] * x[j]).sin();
            }
        }
        s
    });
    let x: [f64; 30] = point();
    let mut plain = 0.0;
    for i in 0..30 {
        for j in 0..30 {
            plain += (x[i] * x[j]).sin();
        }
    }
    let (value, dx) = f.value_and_grad(x);
    assert_eq!(value.to_bits(), plain.to_bits());
    for k in 0..30 {
        // Each pair (k, j) and (i, k) adds cos(x_i x_j) times the other factor.
        let expected: f64 = (0..30).map(|j| 2.0 * (x[k] * x[j]).cos() * x[j]).sum();
        assert!(close(dx[k], expected, 1e-12), "x[{k}]");
    }
    assert!(f
        .derivation()
        .contains("for i in 0..30 { for j in 0..30 { s += e } }, kept a loop"));
    gradcheck(&f, x).assert_passed();
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn an_index_out_of_bounds_panics_as_rust_does() {
    // x[i + j] passes the end for i + j >= N, as the same plain loop would.
    let f = grad!(|x: [f64; N]| {
        let mut s = 0.0;
        for i in 0..N {
            for j in 0..N {
                s += x[i + j];
            }
        }
        s
    });
    let _ = f.value(point());
}

#[backprop::differentiable]
fn pair_energy<const K: usize>(x: [f64; K], strength: f64) -> f64 {
    let mut e = 0.0;
    for i in 0..K {
        for j in i + 1..K {
            e += strength / (1.0 + (x[i] - x[j]).powi(2));
        }
    }
    e
}

#[test]
fn a_nest_in_a_function_generic_over_its_length() {
    let f = grad!(|x: [f64; N], k: f64| pair_energy(x, k) * 2.0);
    let (x, k) = (point::<N>(), 1.25);
    let (value, (dx, dk)) = f.value_and_grad(x, k);
    assert_eq!(value.to_bits(), (pair_energy(x, k) * 2.0).to_bits());
    assert!(close(dk, 2.0 * pair_energy(x, 1.0), 1e-12));
    for m in 0..N {
        // d/dx_m of k / (1 + d²) with d = x_m - x_j is -2kd / (1 + d²)².
        let expected: f64 = (0..N)
            .filter(|&j| j != m)
            .map(|j| {
                let d = x[m] - x[j];
                -4.0 * k * d / (1.0 + d * d).powi(2)
            })
            .sum();
        assert!(close(dx[m], expected, 1e-12), "x[{m}]");
    }
    let small = grad!(|x: [f64; 5]| pair_energy(x, 0.5));
    gradcheck(&small, point::<5>()).assert_passed();
}

#[cfg(feature = "second-order")]
#[test]
fn second_order_through_a_nest() {
    const K: usize = 4;
    let f = grad!(|x: [f64; K], w: f64| {
        let mut s = 0.0;
        for i in 0..K {
            for j in 0..K {
                s += w * x[i] * x[j] * x[j];
            }
        }
        s
    });
    let (x, w) = (point::<K>(), 0.8);
    // f = w (Σ x)(Σ x²): ∂²f/∂x_a∂x_b = w (2 x_b + 2 x_a + 2 (Σ x) [a = b]).
    let (sum, sum_sq): (f64, f64) = (x.iter().sum(), x.iter().map(|v| v * v).sum());
    let flat = [x[0], x[1], x[2], x[3], w];
    let h = backprop::hessian(&f, flat);
    for a in 0..K {
        for b in 0..K {
            let diagonal = if a == b { 2.0 * sum } else { 0.0 };
            let expected = w * (2.0 * x[b] + 2.0 * x[a] + diagonal);
            assert!(close(h[a][b], expected, 1e-13), "h[{a}][{b}]");
        }
        // ∂²f/∂x_a∂w = Σ x² + 2 x_a Σ x.
        assert!(close(h[a][K], sum_sq + 2.0 * x[a] * sum, 1e-13));
    }
    assert_eq!(h[K][K], 0.0);
    backprop::gradgradcheck(&f, flat).assert_passed();
}

#[test]
fn a_recurrence_in_a_nest() {
    // Gradient descent on a line fit, epochs over the points: a recurrence of E × N
    // steps in a nest over named constants, its tape as long as all of them.
    const E: usize = 6;
    let xs = point::<N>();
    let f = grad!(|y: [f64; N], lr: f64| {
        let mut w = 0.25;
        for _ in 0..E {
            for i in 0..N {
                w -= lr * (w * xs[i] - y[i]) * xs[i];
            }
        }
        w
    });
    let y: [f64; N] = core::array::from_fn(|k| 0.8 * xs[k] + 0.01 * (k % 3) as f64);
    let lr = 0.05;
    let mut ws = vec![0.25];
    for _ in 0..E {
        for i in 0..N {
            let w = *ws.last().unwrap();
            ws.push(w - lr * (w * xs[i] - y[i]) * xs[i]);
        }
    }
    let (value, (dy, dlr)) = f.value_and_grad(y, lr);
    assert_eq!(value.to_bits(), ws[E * N].to_bits());
    // Backward by hand: w' = w (1 - lr x²) + lr y x.
    let (mut dw, mut ey, mut elr) = (1.0, [0.0; N], 0.0);
    for step in (0..E * N).rev() {
        let (i, w) = (step % N, ws[step]);
        ey[i] += dw * lr * xs[i];
        elr -= dw * (w * xs[i] - y[i]) * xs[i];
        dw *= 1.0 - lr * xs[i] * xs[i];
    }
    assert!(close(dlr, elr, 1e-12), "{dlr} {elr}");
    for i in 0..N {
        assert!(close(dy[i], ey[i], 1e-12), "y[{i}]");
    }
    assert!(f
        .derivation()
        .contains("for _ in 0..E { for i in 0..N { w = e(w) } }, kept a loop"));
    let mut flat = [0.0; N + 1];
    flat[..N].copy_from_slice(&y);
    flat[N] = lr;
    gradcheck(&f, flat).assert_passed();
}

#[test]
fn a_known_recurrence_in_a_nest() {
    // 20 × 30 steps, known at expansion: a loop, as the 600 iterations pass the threshold.
    let f = grad!(|x: [f64; 30], u: f64| {
        let mut h = 0.0;
        for _ in 0..20 {
            for i in 0..30 {
                h = (u * h + x[i]).tanh();
            }
        }
        h
    });
    let (x, u) = (point::<30>(), 0.3);
    let mut h = 0.0;
    for _ in 0..20 {
        for i in 0..30 {
            h = (u * h + x[i]).tanh();
        }
    }
    assert_eq!(f.value(x, u).to_bits(), h.to_bits());
    assert!(f.derivation().contains("kept a loop"));
    let mut flat = [0.0; 31];
    flat[..30].copy_from_slice(&x);
    flat[30] = u;
    gradcheck(&f, flat).assert_passed();
}

#[cfg(feature = "second-order")]
#[test]
fn second_order_through_a_recurrence_in_a_nest() {
    const K: usize = 3;
    let f = grad!(|x: [f64; K], u: f64| {
        let mut h = 0.1;
        for _ in 0..2 {
            for i in 0..K {
                h = (u * h + x[i]).sin();
            }
        }
        h
    });
    let flat = [0.3, -0.2, 0.5, 0.7];
    backprop::gradgradcheck(&f, flat).assert_passed();
}

#[test]
fn known_nests_with_any_index_in_bounds() {
    // Everything known at expansion: `w[i * 20 + j]` is in bounds over the whole nest,
    // found by interval arithmetic, so the 400 iterations stay a loop.
    let f = grad!(|w: [f64; 400], x: [f64; 20]| {
        let mut s = 0.0;
        for i in 0..20 {
            for j in 0..20 {
                s += w[i * 20 + j] * x[j] * x[(i + j) % 20];
            }
        }
        s
    });
    let w: [f64; 400] = core::array::from_fn(|k| 0.01 * (k % 13) as f64);
    let x = point::<20>();
    let mut plain = 0.0;
    let (mut dw, mut dx) = ([0.0; 400], [0.0; 20]);
    for i in 0..20 {
        for j in 0..20 {
            let k = (i + j) % 20;
            plain += w[i * 20 + j] * x[j] * x[k];
            dw[i * 20 + j] += x[j] * x[k];
            dx[j] += w[i * 20 + j] * x[k];
            dx[k] += w[i * 20 + j] * x[j];
        }
    }
    let (value, (gw, gx)) = f.value_and_grad(w, x);
    assert_eq!(value.to_bits(), plain.to_bits());
    assert!(f.derivation().contains("kept a loop"));
    for k in 0..400 {
        assert!(close(gw[k], dw[k], 1e-12), "w[{k}]");
    }
    for j in 0..20 {
        assert!(close(gx[j], dx[j], 1e-12), "x[{j}]");
    }
    // Known least squares: 2 rows of 300, an inner sum.
    let g = grad!(|a: [f64; 600], y: [f64; 300]| {
        let mut s = 0.0;
        for i in 0..2 {
            let mut t = 0.0;
            for j in 0..300 {
                t += a[i * 300 + j] * y[j];
            }
            s += t * t;
        }
        s
    });
    let a: [f64; 600] = core::array::from_fn(|k| 0.001 * (k % 7) as f64);
    let y = point::<300>();
    let mut plain = 0.0;
    for i in 0..2 {
        let mut t = 0.0;
        for j in 0..300 {
            t += a[i * 300 + j] * y[j];
        }
        plain += t * t;
    }
    assert_eq!(g.value(a, y).to_bits(), plain.to_bits());
    assert!(g.derivation().contains("kept a loop on every iteration"));
}

#[test]
fn a_recurrence_in_a_triangular_nest() {
    // Over the pairs i < j: the tape is as long as the nest's N (N - 1) / 2 iterations,
    // which the compiler counts.
    let f = grad!(|x: [f64; N], u: f64| {
        let mut p = 0.5;
        for i in 0..N {
            for j in i + 1..N {
                p = (u * p + x[i] * x[j]).sin();
            }
        }
        p
    });
    let (x, u) = (point::<N>(), 0.7);
    let mut states = vec![0.5_f64];
    let mut pairs = Vec::new();
    for i in 0..N {
        for j in i + 1..N {
            let p = *states.last().unwrap();
            states.push((u * p + x[i] * x[j]).sin());
            pairs.push((i, j));
        }
    }
    let (value, (dx, du)) = f.value_and_grad(x, u);
    assert_eq!(value.to_bits(), states.last().unwrap().to_bits());
    // Backward by hand: p' = sin(u p + x_i x_j).
    let (mut d_p, mut ex, mut eu) = (1.0, [0.0; N], 0.0);
    for (step, &(i, j)) in pairs.iter().enumerate().rev() {
        let p = states[step];
        let d_pre = d_p * (u * p + x[i] * x[j]).cos();
        eu += d_pre * p;
        ex[i] += d_pre * x[j];
        ex[j] += d_pre * x[i];
        d_p = d_pre * u;
    }
    assert!(close(du, eu, 1e-12), "{du} {eu}");
    for k in 0..N {
        assert!(close(dx[k], ex[k], 1e-12), "x[{k}]: {} {}", dx[k], ex[k]);
    }
    assert!(f
        .derivation()
        .contains("for i in 0..N { for j in i + 1..N { p = e(p) } }, kept a loop"));
    let mut flat = [0.0; N + 1];
    flat[..N].copy_from_slice(&x);
    flat[N] = u;
    gradcheck(&f, flat).assert_passed();
}

#[test]
fn several_states_in_a_triangular_nest() {
    // Two states over the pairs j < i, a named number of points.
    const P: usize = 30;
    let f = grad!(|x: [f64; P], k: f64| {
        let mut a = 0.0;
        let mut b = 1.0;
        for i in 0..P {
            for j in 0..i {
                a += k * b * (x[i] - x[j]);
                b -= 0.01 * a;
            }
        }
        a + b
    });
    let (x, k) = (point::<P>(), 0.2);
    let (mut a, mut b) = (0.0_f64, 1.0_f64);
    for i in 0..P {
        for j in 0..i {
            a += k * b * (x[i] - x[j]);
            b -= 0.01 * a;
        }
    }
    assert_eq!(f.value(x, k).to_bits(), (a + b).to_bits());
    assert!(f.derivation().contains("kept a loop"));
    let mut flat = [0.0; P + 1];
    flat[..P].copy_from_slice(&x);
    flat[P] = k;
    gradcheck(&f, flat).assert_passed();
}

#[cfg(feature = "second-order")]
#[test]
fn second_order_through_a_triangular_recurrence() {
    const K: usize = 4;
    let f = grad!(|x: [f64; K], u: f64| {
        let mut h = 0.1;
        for i in 0..K {
            for j in 0..i + 1 {
                h = (u * h + x[i] * x[j]).sin();
            }
        }
        h
    });
    backprop::gradgradcheck(&f, [0.3, -0.2, 0.5, 0.1, 0.7]).assert_passed();
}

#[test]
fn a_known_triangular_nest_counts_all_its_iterations() {
    // 30 × 29 / 2 = 435 iterations, known at expansion, past the threshold of 300 though
    // the outer loop runs 30 times: a loop.
    let f = grad!(|x: [f64; 30], u: f64| {
        let mut h = 0.0;
        for i in 0..30 {
            for j in 0..i {
                h = (u * h + x[i] - x[j]).tanh();
            }
        }
        h
    });
    // 20 × 19 / 2 = 190: unrolled.
    let g = grad!(|x: [f64; 20], u: f64| {
        let mut h = 0.0;
        for i in 0..20 {
            for j in 0..i {
                h = (u * h + x[i] - x[j]).tanh();
            }
        }
        h
    });
    assert!(f
        .derivation()
        .contains("for i in 0..30 { for j in 0..i { h = e(h) } }, kept a loop"));
    assert!(!g.derivation().contains("kept a loop"));
    let (x, u) = (point::<30>(), 0.4);
    let mut h = 0.0_f64;
    for i in 0..30 {
        for j in 0..i {
            h = (u * h + x[i] - x[j]).tanh();
        }
    }
    assert_eq!(f.value(x, u).to_bits(), h.to_bits());
    let mut flat = [0.0; 31];
    flat[..30].copy_from_slice(&x);
    flat[30] = u;
    gradcheck(&f, flat).assert_passed();
}
