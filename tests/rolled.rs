//! Loops that stay loops: a long accumulating `for` loop is emitted as a run-time loop
//! with a fixed-size tape instead of being unrolled. Each case is checked against an
//! unrolled twin of the same function (the same range split into loops below the
//! threshold, which the macro unrolls), bit for bit on the value; against the gradient
//! worked out by hand; and against the runtime graph and central differences through
//! `gradcheck`.

use backprop::{grad, gradcheck, Differentiable, Graph};

const LEN: usize = 1200;

fn point() -> [f64; LEN] {
    core::array::from_fn(|k| 0.5 + 0.37 * ((k * 7919) % 23) as f64 / 23.0 - 0.1 * (k % 3) as f64)
}

fn rosenbrock_by_hand(x: &[f64; LEN]) -> (f64, [f64; LEN]) {
    let mut s = 0.0;
    let mut g = [0.0; LEN];
    for i in 0..LEN - 1 {
        let t = x[i + 1] - x[i] * x[i];
        s += 100.0 * t.powi(2) + (1.0 - x[i]).powi(2);
        g[i] += -400.0 * t * x[i] - 2.0 * (1.0 - x[i]);
        g[i + 1] += 200.0 * t;
    }
    (s, g)
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1.0)
}

#[test]
fn rosenbrock_stays_a_loop_and_matches_its_unrolled_twin() {
    let rolled = grad!(|x: [f64; 1200]| {
        let mut s = 0.0;
        for i in 0..1199 {
            s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
        }
        s
    });
    // The same sum in the same order, in eleven loops of 109 terms, short enough to be
    // unrolled (below the threshold of 300), inside a loop that is unrolled too (its
    // body holds a statement besides the loop, `spacer`: no nest, whose 1,199 iterations
    // would count together).
    let unrolled = grad!(|x: [f64; 1200]| {
        let mut s = 0.0;
        for c in 0..11 {
            let spacer = 0.0;
            for i in 109 * c..109 * (c + 1) {
                s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
            }
        }
        s
    });
    let text = rolled.derivation();
    assert!(text.contains("for i in 0..1199 { s += e }, kept a loop"));
    // The array is passed on whole, and its gradient taken whole.
    assert!(text.contains("out = loop0(0, x)"), "{text}");
    assert!(text.contains("d_x = dout * ∂out/∂x\n"), "{text}");
    assert!(!text.contains("d_x[5] ="), "{text}");
    assert!(!unrolled.derivation().contains("kept a loop"));
    let names = rolled.inputs();
    assert_eq!((names[0], names[1199]), ("x[0]", "x[1199]"));
    assert_eq!(names, unrolled.inputs());

    let x = point();
    let (by_hand, expected) = rosenbrock_by_hand(&x);
    let (value, gradient) = rolled.value_and_grad(x);
    let (twin_value, twin_gradient) = unrolled.value_and_grad(x);
    assert_eq!(value.to_bits(), twin_value.to_bits());
    assert_eq!(value.to_bits(), by_hand.to_bits());
    assert_eq!(rolled.value(x).to_bits(), value.to_bits());
    let (forward_value, pullback) = rolled.forward(x);
    assert_eq!(forward_value.to_bits(), value.to_bits());
    let doubled = pullback.backward(2.0);
    for k in 0..LEN {
        assert!(close(gradient[k], twin_gradient[k], 1e-14), "x[{k}]");
        assert!(close(gradient[k], expected[k], 1e-12), "x[{k}]");
        assert_eq!(doubled[k], 2.0 * gradient[k], "x[{k}]");
    }
}

#[test]
fn gradcheck_through_the_graph_and_central_differences() {
    let f = grad!(|x: [f64; 1001], w: f64| {
        let mut s = w * w;
        for i in 0..1000 {
            let u = w * x[i] - x[i + 1];
            s -= (u * 0.5).tanh() * x[i];
        }
        s
    });
    assert!(f.derivation().contains("for i in 0..1000 { s -= e }"));
    let mut args = [0.0; 1002];
    for (k, a) in args.iter_mut().enumerate() {
        *a = ((k * 37) % 19) as f64 / 19.0 - 0.4;
    }
    gradcheck(&f, args).assert_passed();

    // The runtime graph records the loop as one call.
    let g = Graph::new();
    let vars: [_; 1002] = core::array::from_fn(|k| g.input("a", args[k]));
    let out = f.record(&g, vars);
    assert_eq!(
        out.value().to_bits(),
        Differentiable::value(&f, args).to_bits()
    );
    let names: Vec<_> = g.calls().iter().map(|c| c.name).collect();
    assert_eq!(names, ["loop0"]);
}

#[test]
fn invariants_local_arrays_and_branches_in_the_body() {
    let f = grad!(|x: [f64; 1500], w: f64, b: f64| {
        let mut y = [0.0; 1500];
        for k in 0..1500 {
            y[k] = x[k].sin();
        }
        let scale = w * 2.0;
        let mut s = b;
        for i in 1..1500 {
            let z = scale * y[i] + b - y[i - 1];
            s += if z > 0.0 { z } else { 0.01 * z };
        }
        s
    });
    assert!(f
        .derivation()
        .contains("for i in 1..1500 { s += e }, kept a loop"));
    let x: [f64; 1500] = core::array::from_fn(|k| ((k * 31) % 17) as f64 / 8.0 - 1.0);
    let (w, b) = (0.7, -0.2);
    let (value, (dx, dw, db)) = f.value_and_grad(x, w, b);

    let y: Vec<f64> = x.iter().map(|v| v.sin()).collect();
    let mut s = b;
    let (mut ex, mut ew, mut eb) = ([0.0; 1500], 0.0, 1.0);
    for i in 1..1500 {
        let z = w * 2.0 * y[i] + b - y[i - 1];
        s += if z > 0.0 { z } else { 0.01 * z };
        let slope = if z > 0.0 { 1.0 } else { 0.01 };
        ew += slope * 2.0 * y[i];
        eb += slope;
        ex[i] += slope * w * 2.0 * x[i].cos();
        ex[i - 1] -= slope * x[i - 1].cos();
    }
    assert_eq!(value.to_bits(), s.to_bits());
    assert!(
        close(dw, ew, 1e-12) && close(db, eb, 1e-12),
        "{dw} {ew} {db} {eb}"
    );
    for k in 0..1500 {
        assert!(close(dx[k], ex[k], 1e-12), "x[{k}]: {} {}", dx[k], ex[k]);
    }
}

#[cfg(feature = "second-order")]
#[test]
fn forward_mode_and_second_order_go_through_the_loop() {
    use backprop::{hvp, jvp};

    let f = grad!(|x: [f64; 1200]| {
        let mut s = 0.0;
        for i in 0..1199 {
            s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
        }
        s
    });
    let x = point();
    let v: [f64; LEN] = core::array::from_fn(|k| ((k * 13) % 7) as f64 / 7.0 - 0.5);
    let (value, slope) = jvp(&f, x, v);
    let (by_hand, gradient) = rosenbrock_by_hand(&x);
    assert_eq!(value.to_bits(), by_hand.to_bits());
    let dot: f64 = gradient.iter().zip(&v).map(|(g, v)| g * v).sum();
    assert!(close(slope, dot, 1e-11), "{slope} {dot}");

    // H·v in closed form: the Hessian of each term is a 2×2 block on (x[i], x[i+1]).
    let hv = hvp(&f, x, v);
    let mut expected = [0.0; LEN];
    for i in 0..LEN - 1 {
        let t = x[i + 1] - x[i] * x[i];
        let (a, b, c) = (-400.0 * t + 800.0 * x[i] * x[i] + 2.0, -400.0 * x[i], 200.0);
        expected[i] += a * v[i] + b * v[i + 1];
        expected[i + 1] += b * v[i] + c * v[i + 1];
    }
    for k in 0..LEN {
        assert!(
            close(hv[k], expected[k], 1e-11),
            "x[{k}]: {} {}",
            hv[k],
            expected[k]
        );
    }
}

#[backprop::differentiable]
fn chain_energy(x: [f64; 1100], k: f64) -> f64 {
    let mut e = 0.0;
    for i in 0..1099 {
        let stretch = x[i + 1] - x[i] - 1.0;
        e += k * stretch * stretch;
    }
    e
}

#[test]
fn a_differentiable_function_keeps_its_loop() {
    let f = grad!(|x: [f64; 1100], k: f64| chain_energy(x, k).sqrt());
    let x: [f64; 1100] = core::array::from_fn(|j| j as f64 * 1.01 + ((j * 5) % 3) as f64 * 0.01);
    let k = 3.0;
    let (value, (dx, dk)) = f.value_and_grad(x, k);
    let mut e = 0.0;
    let mut de = [0.0; 1100];
    for i in 0..1099 {
        let stretch = x[i + 1] - x[i] - 1.0;
        e += k * stretch * stretch;
        de[i + 1] += 2.0 * k * stretch;
        de[i] -= 2.0 * k * stretch;
    }
    assert_eq!(value.to_bits(), e.sqrt().to_bits());
    let outer = 0.5 / e.sqrt();
    assert!(close(dk, outer * e / k, 1e-12));
    for j in 0..1100 {
        assert!(close(dx[j], outer * de[j], 1e-12), "x[{j}]");
    }
    assert!(f
        .derivation()
        .contains("for i in 0..1099 { e += e }, kept a loop"));
}

#[test]
fn a_body_that_reads_its_accumulator_stays_a_loop_as_a_recurrence() {
    // `s` on the right: a recurrence, not a sum of independent terms. The backward pass
    // carries the adjoint of `s` (tests/rolled_recurrences.rs has more).
    let f = grad!(|x: [f64; 1000]| {
        let mut s = 0.0;
        for i in 0..1000 {
            s += 0.001 * s + x[i];
        }
        s
    });
    assert!(f.derivation().contains("s = e(s) }, kept a loop"));
    let x: [f64; 1000] = core::array::from_fn(|k| k as f64 * 0.001);
    let mut s = 0.0;
    for v in &x {
        s += 0.001 * s + v;
    }
    let (value, gradient) = f.value_and_grad(x);
    assert_eq!(value.to_bits(), s.to_bits());
    // d s_final / d x[i] = 1.001^(999 - i).
    for (i, g) in gradient.iter().enumerate() {
        assert!(close(*g, 1.001_f64.powi(999 - i as i32), 1e-12), "x[{i}]");
    }
}

#[test]
fn the_trace_gives_the_same_value_and_gradient() {
    let f = grad!(|x: [f64; 1200]| {
        let mut s = 0.0;
        for i in 0..1199 {
            s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
        }
        s
    });
    let x = point();
    let trace = f.trace(x);
    let (value, gradient) = f.value_and_grad(x);
    assert_eq!(trace.value().to_bits(), value.to_bits());
    assert_eq!(trace.gradient(), &gradient[..]);
}

#[test]
fn a_loop_inside_a_branch_and_inside_an_unrolled_loop() {
    let f = grad!(|x: [f64; 1000], w: f64| {
        let mut s = 0.0;
        if w > 0.0 {
            for i in 0..1000 {
                s += w * x[i] * x[i];
            }
        } else {
            s = -w;
        }
        for _ in 0..2 {
            for i in 0..1000 {
                s += x[i];
            }
        }
        s
    });
    // The two loops at the end are a nest, which stays a loop as a whole.
    let text = f.derivation();
    assert!(text.contains("loop0:") && text.contains("loop1:") && !text.contains("loop2:"));
    assert!(text.contains("for _ in 0..2 { for i in 0..1000 { s += e } }, kept a loop"));
    let x: [f64; 1000] = core::array::from_fn(|k| (k % 10) as f64 * 0.1);
    let squares: f64 = x.iter().map(|v| v * v).sum();
    for w in [1.5, -1.5] {
        let (value, (dx, dw)) = f.value_and_grad(x, w);
        let mut s = 0.0;
        if w > 0.0 {
            for v in &x {
                s += w * v * v;
            }
        } else {
            s = -w;
        }
        for _ in 0..2 {
            for v in &x {
                s += v;
            }
        }
        assert_eq!(value.to_bits(), s.to_bits(), "w = {w}");
        let (ew, slope) = if w > 0.0 {
            (squares, 2.0 * w)
        } else {
            (-1.0, 0.0)
        };
        assert!(close(dw, ew, 1e-12), "w = {w}: {dw} {ew}");
        for k in 0..1000 {
            assert!(close(dx[k], slope * x[k] + 2.0, 1e-12), "w = {w}, x[{k}]");
        }
    }
}

#[test]
fn an_array_read_whole_by_two_loops_sums_their_gradients() {
    let f = grad!(|x: [f64; 1001], c: f64| {
        let mut s = c;
        for i in 0..1000 {
            s += (x[i] * x[i + 1]).sin();
        }
        for i in 1..1001 {
            s -= c * x[i] * x[i];
        }
        s
    });
    assert!(f.derivation().contains("d_x += "), "{}", f.derivation());
    let x: [f64; 1001] = core::array::from_fn(|k| ((k * 17) % 13) as f64 / 13.0 - 0.3);
    let c = 0.25;
    let (value, (dx, dc)) = f.value_and_grad(x, c);
    let mut s = c;
    let mut ex = [0.0; 1001];
    let mut ec = 1.0;
    for i in 0..1000 {
        s += (x[i] * x[i + 1]).sin();
        let d = (x[i] * x[i + 1]).cos();
        ex[i] += d * x[i + 1];
        ex[i + 1] += d * x[i];
    }
    for i in 1..1001 {
        s -= c * x[i] * x[i];
        ec -= x[i] * x[i];
        ex[i] -= 2.0 * c * x[i];
    }
    assert_eq!(value.to_bits(), s.to_bits());
    assert!(close(dc, ec, 1e-12), "{dc} {ec}");
    for k in 0..1001 {
        assert!(close(dx[k], ex[k], 1e-12), "x[{k}]: {} {}", dx[k], ex[k]);
    }
    let mut args = [0.0; 1002];
    args[..1001].copy_from_slice(&x);
    args[1001] = c;
    gradcheck(&f, args).assert_passed();
}

#[test]
fn data_read_at_the_loop_variable_is_captured_once_for_the_loop() {
    // Least squares over 2,000 points: the data are the user's, read as `xs[i]`.
    let xs: Vec<f64> = (0..2_001).map(|k| k as f64 / 2_000.0).collect();
    let ys: Vec<f64> = xs
        .iter()
        .map(|x| 3.0 * x - 1.0 + (x * 40.0).sin() * 0.1)
        .collect();
    let f = grad!(|w: f64, b: f64| {
        let mut loss = 0.0;
        for i in 0..2_000 {
            let r = w * xs[i + 1] + b - ys[i];
            loss += r * r;
        }
        loss
    });
    let text = f.derivation();
    assert!(
        text.contains("for i in 0..2000 { loss += e }, kept a loop"),
        "{text}"
    );
    assert!(
        text.contains("xs[1..2001]") && text.contains("ys[i]"),
        "{text}"
    );
    let (w, b) = (2.5, -0.5);
    let (value, [dw, db]) = f.value_and_grad(w, b);
    let mut loss = 0.0;
    let (mut ew, mut eb) = (0.0, 0.0);
    for i in 0..2_000 {
        let r = w * xs[i + 1] + b - ys[i];
        loss += r * r;
        ew += 2.0 * r * xs[i + 1];
        eb += 2.0 * r;
    }
    assert_eq!(value.to_bits(), loss.to_bits());
    assert!(
        close(dw, ew, 1e-12) && close(db, eb, 1e-12),
        "{dw} {ew} {db} {eb}"
    );
    gradcheck(&f, [w, b]).assert_passed();
    #[cfg(feature = "second-order")]
    {
        // The Hessian in closed form: 2 Σ [[x², x], [x, 1]].
        let h = backprop::hessian(&f, [w, b]);
        let (sxx, sx): (f64, f64) = (xs[1..].iter().map(|x| x * x).sum(), xs[1..].iter().sum());
        assert!(close(h[0][0], 2.0 * sxx, 1e-12) && close(h[0][1], 2.0 * sx, 1e-12));
        assert!(
            close(h[1][1], 4_000.0, 1e-12) && h[0][1] == h[1][0],
            "{h:?}"
        );
    }
}

const TERMS: usize = 1199;
const SHORT: usize = 3;

#[test]
fn named_constant_bounds_stay_a_loop_at_any_length() {
    // `0..TERMS` is not known to the macro: the compiler evaluates it.
    let f = grad!(|x: [f64; 1200]| {
        let mut s = 0.0;
        for i in 0..TERMS {
            s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
        }
        s
    });
    assert!(f
        .derivation()
        .contains("for i in 0..TERMS { s += e }, kept a loop"));
    let x = point();
    let (by_hand, expected) = rosenbrock_by_hand(&x);
    let (value, gradient) = f.value_and_grad(x);
    assert_eq!(value.to_bits(), by_hand.to_bits());
    for k in 0..LEN {
        assert!(close(gradient[k], expected[k], 1e-12), "x[{k}]");
    }
    // A short one too: a named bound is never unrolled.
    let g = grad!(|x: [f64; 4], w: f64| {
        let mut s = w;
        for i in 1..SHORT + 1 {
            s -= w * x[i] * x[i - 1];
        }
        s
    });
    assert!(g
        .derivation()
        .contains("for i in 1..SHORT + 1 { s -= e }, kept a loop"));
    let x4 = [0.5, -1.0, 2.0, 0.25];
    let (value, (dx, dw)) = g.value_and_grad(x4, 3.0);
    let plain = 3.0 - 3.0 * x4[1] * x4[0] - 3.0 * x4[2] * x4[1] - 3.0 * x4[3] * x4[2];
    assert_eq!(value.to_bits(), plain.to_bits());
    assert!(close(
        dw,
        1.0 - (x4[1] * x4[0] + x4[2] * x4[1] + x4[3] * x4[2]),
        1e-15
    ));
    assert!(close(dx[0], -3.0 * x4[1], 1e-15) && close(dx[3], -3.0 * x4[2], 1e-15));
    gradcheck(&g, [0.5, -1.0, 2.0, 0.25, 3.0]).assert_passed();
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn an_index_past_the_end_with_named_bounds_panics_as_rust_does() {
    let f = grad!(|x: [f64; 3]| {
        let mut s = 0.0;
        for i in 0..SHORT {
            s += x[i + 1];
        }
        s
    });
    let _ = f.value([1.0, 2.0, 3.0]);
}

#[backprop::differentiable]
fn pair(a: f64, b: f64) -> f64 {
    100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2)
}

#[backprop::differentiable]
fn cell(h: f64, x: f64, w: f64) -> f64 {
    (w * h + x).tanh()
}

#[test]
fn differentiable_calls_inside_loops_that_stay_loops() {
    // A sum whose term is a call: Rosenbrock again, the pair written once.
    let f = grad!(|x: [f64; LEN]| {
        let mut s = 0.0;
        for i in 0..TERMS {
            s += pair(x[i], x[i + 1]);
        }
        s
    });
    assert!(f.derivation().contains("out = pair(x[i], x[i + 1])"));
    let x = point();
    let (by_hand, expected) = rosenbrock_by_hand(&x);
    let (value, gradient) = f.value_and_grad(x);
    let plain = (0..TERMS).fold(0.0, |s, i| s + pair(x[i], x[i + 1]));
    assert_eq!(value.to_bits(), plain.to_bits());
    assert!(close(value, by_hand, 1e-14));
    for k in 0..LEN {
        assert!(close(gradient[k], expected[k], 1e-12), "x[{k}]");
    }
    gradcheck(&f, x).assert_passed();

    // A recurrence whose step is a call, over data.
    let xs: [f64; 1500] = core::array::from_fn(|k| (k as f64 * 0.37).sin());
    let g = grad!(|w: f64| {
        let mut h = 0.0;
        for i in 0..1500 {
            h = cell(h, xs[i], w);
        }
        h
    });
    assert!(g.derivation().contains("h = e(h) }, kept a loop"));
    let w = 0.7;
    let mut states = vec![0.0_f64];
    for x in &xs {
        let h = *states.last().unwrap();
        states.push(cell(h, *x, w));
    }
    let (mut d_h, mut d_w) = (1.0, 0.0);
    for i in (0..1500).rev() {
        let d_pre = d_h * (1.0 - states[i + 1] * states[i + 1]);
        d_w += d_pre * states[i];
        d_h = d_pre * w;
    }
    let (value, [dw]) = g.value_and_grad(w);
    assert_eq!(value.to_bits(), states[1500].to_bits());
    assert!(close(dw, d_w, 1e-13));
    gradcheck(&g, [w]).assert_passed();
    #[cfg(feature = "second-order")]
    backprop::gradgradcheck(&g, [w]).assert_passed();
}

#[test]
fn the_loop_variable_as_a_number() {
    // Weights from the index, `(i + 1) as f64`, and `i as f64` alone, in a sum over an
    // array; then a sum over the index alone (the Basel series, times w²).
    let f = grad!(|x: [f64; LEN], w: f64| {
        let mut s = 0.0;
        for i in 0..LEN {
            s += (i + 1) as f64 * x[i] * x[i] + w * (i as f64);
        }
        s
    });
    assert!(f
        .derivation()
        .contains("for i in 0..LEN { s += e }, kept a loop"));
    assert!(f.derivation().contains("(i + 1) as f64"));
    assert!(!f.derivation().contains("d_i as f64"));
    let x = point();
    let (value, (dx, dw)) = f.value_and_grad(x, 0.5);
    let plain = (0..LEN).fold(0.0, |s, i| {
        s + (i + 1) as f64 * x[i] * x[i] + 0.5 * (i as f64)
    });
    assert_eq!(value.to_bits(), plain.to_bits());
    for k in 0..LEN {
        assert_eq!(dx[k], 2.0 * (k + 1) as f64 * x[k], "x[{k}]");
    }
    assert_eq!(dw, (0..LEN).map(|i| i as f64).sum::<f64>());
    let g = grad!(|w: f64| {
        let mut s = 0.0;
        for i in 0..TERMS {
            s += w * w / ((i + 1) as f64).powi(2);
        }
        s
    });
    let basel = (0..TERMS).fold(0.0, |s, i| s + 0.5 * 0.5 / ((i + 1) as f64).powi(2));
    let (value, [dw]) = g.value_and_grad(0.5);
    assert_eq!(value.to_bits(), basel.to_bits());
    assert!(close(dw, 2.0 * basel / 0.5, 1e-14));
    gradcheck(&g, [0.5]).assert_passed();
}
