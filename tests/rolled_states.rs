//! Loops that stay loops with several states: a body that updates more than one local of
//! the enclosing body (a position and a velocity, an optimizer's weight and momentum),
//! each anywhere in the body, later statements reading the new values of earlier ones.
//! Each state's new value is a program of the whole body; the backward pass carries every
//! state's adjoint back from each iteration to the one before. Each case is checked
//! against the same loop in plain Rust (bit for bit on the value), against backpropagation
//! through time worked out by hand or an unrolled twin, and through `gradcheck`.
#![allow(clippy::needless_range_loop)] // indices of hand-written gradients read as formulas

use backprop::{grad, gradcheck};

const STEPS: usize = 1000;

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1.0)
}

/// Semi-implicit Euler for `x'' = -k x`: the velocity first, then the position from the
/// new velocity.
fn oscillator(k: f64, x0: f64, v0: f64, dt: f64, steps: usize) -> (f64, f64) {
    let (mut x, mut v) = (x0, v0);
    for _ in 0..steps {
        let a = -k * x;
        v += dt * a;
        x += dt * v;
    }
    (x, v)
}

#[test]
fn a_position_and_a_velocity_over_named_steps() {
    let f = grad!(|k: f64, x0: f64, v0: f64| {
        let mut x = x0;
        let mut v = v0;
        for _ in 0..STEPS {
            let a = -k * x;
            v += 0.01 * a;
            x += 0.01 * v;
        }
        x
    });
    let (k, x0, v0) = (1.3, 1.0, 0.2);
    let (value, gradient) = f.value_and_grad(k, x0, v0);
    assert_eq!(
        value.to_bits(),
        oscillator(k, x0, v0, 0.01, STEPS).0.to_bits()
    );
    // Backward by hand, from the states of each step: v' = v - dt k x, x' = x + dt v'.
    let dt = 0.01;
    let mut xs = vec![x0];
    let (mut x, mut v) = (x0, v0);
    for _ in 0..STEPS {
        v += dt * -k * x;
        x += dt * v;
        xs.push(x);
    }
    let (mut d_x, mut d_v, mut d_k) = (1.0, 0.0, 0.0);
    for step in (0..STEPS).rev() {
        // Through x' = x + dt v': d_v' gets dt d_x'.
        let d_v_new = d_v + dt * d_x;
        // Through v' = v - dt k x.
        d_k -= d_v_new * dt * xs[step];
        d_x -= d_v_new * dt * k;
        d_v = d_v_new;
    }
    assert!(close(gradient[0], d_k, 1e-12), "{} {d_k}", gradient[0]);
    assert!(close(gradient[1], d_x, 1e-12), "{} {d_x}", gradient[1]);
    assert!(close(gradient[2], d_v, 1e-12), "{} {d_v}", gradient[2]);
    let derivation = f.derivation();
    assert!(
        derivation.contains("for _ in 0..STEPS { (v, x) = e(v, x) }, kept a loop"),
        "{derivation}"
    );
    assert!(derivation.contains("carrying the adjoint of `v` and `x`"));
    gradcheck(&f, [k, x0, v0]).assert_passed();
}

#[test]
fn both_states_after_the_loop_and_its_unrolled_twin() {
    // The same loop, 200 steps: over a named constant it stays a loop, over a literal
    // it is unrolled (below the threshold). Both states are read after it.
    const N: usize = 200;
    let rolled = grad!(|k: f64, x0: f64, v0: f64| {
        let mut x = x0;
        let mut v = v0;
        for _ in 0..N {
            v -= 0.02 * k * x;
            x += 0.02 * v;
        }
        x * x + 0.5 * v * v
    });
    let unrolled = grad!(|k: f64, x0: f64, v0: f64| {
        let mut x = x0;
        let mut v = v0;
        for _ in 0..200 {
            v -= 0.02 * k * x;
            x += 0.02 * v;
        }
        x * x + 0.5 * v * v
    });
    assert!(rolled.derivation().contains("kept a loop"));
    assert!(!unrolled.derivation().contains("kept a loop"));
    for point in [[1.3, 1.0, 0.2], [0.4, -0.5, 1.5]] {
        let (a, ga) = rolled.value_and_grad(point[0], point[1], point[2]);
        let (b, gb) = unrolled.value_and_grad(point[0], point[1], point[2]);
        assert_eq!(a.to_bits(), b.to_bits());
        for n in 0..3 {
            assert!(close(ga[n], gb[n], 1e-12), "{n}: {} {}", ga[n], gb[n]);
        }
        gradcheck(&rolled, point).assert_passed();
    }
}

#[test]
fn momentum_descent_over_data() {
    // Gradient descent with momentum on a line fit, one point per step: a weight and a
    // velocity, the data read at the loop variable.
    let xs: [f64; STEPS] = core::array::from_fn(|k| (k as f64 * 0.37).sin());
    let ys: [f64; STEPS] = core::array::from_fn(|k| 0.7 * xs[k] + 0.05 * (k as f64).cos());
    let f = grad!(|lr: f64, beta: f64| {
        let mut w = 0.0;
        let mut m = 0.0;
        for i in 0..STEPS {
            let g = (w * xs[i] - ys[i]) * xs[i];
            m = beta * m + g;
            w -= lr * m;
        }
        w
    });
    let (lr, beta) = (0.05, 0.9);
    let (mut w, mut m) = (0.0_f64, 0.0_f64);
    let mut states = vec![(w, m)];
    for i in 0..STEPS {
        let g = (w * xs[i] - ys[i]) * xs[i];
        m = beta * m + g;
        w -= lr * m;
        states.push((w, m));
    }
    let (value, gradient) = f.value_and_grad(lr, beta);
    assert_eq!(value.to_bits(), w.to_bits());
    // Backward by hand: g = (w x - y) x, m' = beta m + g, w' = w - lr m'.
    let (mut d_w, mut d_m, mut d_lr, mut d_beta) = (1.0, 0.0, 0.0, 0.0);
    for i in (0..STEPS).rev() {
        let m = states[i].1;
        let m_new = states[i + 1].1;
        d_lr -= d_w * m_new;
        let d_m_new = d_m - lr * d_w;
        d_beta += d_m_new * m;
        d_m = d_m_new * beta;
        d_w += d_m_new * xs[i] * xs[i];
    }
    assert!(close(gradient[0], d_lr, 1e-10), "{} {d_lr}", gradient[0]);
    assert!(
        close(gradient[1], d_beta, 1e-10),
        "{} {d_beta}",
        gradient[1]
    );
    gradcheck(&f, [lr, beta]).assert_passed();
}

#[test]
fn three_states_a_branch_and_arrays_at_the_loop_variable() {
    // A bouncing ball on a floor of varying height: position, velocity and energy lost,
    // the bounce a branch that assigns two states.
    const N: usize = 400;
    let f = grad!(|floor: [f64; N], g: f64, restitution: f64| {
        let mut y = 1.0;
        let mut v = 0.0;
        let mut lost = 0.0;
        for i in 0..N {
            v -= g * 0.01;
            y += v * 0.01;
            if y < floor[i] {
                lost += (1.0 - restitution * restitution) * v * v;
                v = -restitution * v;
                y = floor[i];
            }
        }
        y + 0.1 * lost
    });
    let floor: [f64; N] = core::array::from_fn(|k| 0.05 * (k as f64 * 0.1).sin());
    let (g, restitution) = (9.8, 0.8);
    let (mut y, mut v, mut lost) = (1.0_f64, 0.0_f64, 0.0_f64);
    for i in 0..N {
        v -= g * 0.01;
        y += v * 0.01;
        if y < floor[i] {
            lost += (1.0 - restitution * restitution) * v * v;
            v *= -restitution;
            y = floor[i];
        }
    }
    let value = f.value(floor, g, restitution);
    assert_eq!(value.to_bits(), (y + 0.1 * lost).to_bits());
    // The states in the order of their first assignment.
    assert!(f
        .derivation()
        .contains("for i in 0..N { (v, y, lost) = e(v, y, lost) }, kept a loop"));
    let mut flat = [0.0; N + 2];
    flat[..N].copy_from_slice(&floor);
    flat[N] = g;
    flat[N + 1] = restitution;
    gradcheck(&f, flat).assert_passed();
}

#[test]
fn one_state_assigned_twice() {
    // A single state updated in the middle of the body and again at its end.
    let x: [f64; STEPS] = core::array::from_fn(|k| 0.001 * k as f64);
    let f = grad!(|a: f64| {
        let mut s = 0.5;
        for i in 0..STEPS {
            s += a * x[i];
            let t = s.sin();
            s = 0.5 * t + 0.1;
        }
        s
    });
    let a = 0.7;
    let mut s = 0.5_f64;
    let mut pre = Vec::new();
    for i in 0..STEPS {
        s += a * x[i];
        pre.push(s);
        let t = s.sin();
        s = 0.5 * t + 0.1;
    }
    let (value, [d_a]) = f.value_and_grad(a);
    assert_eq!(value.to_bits(), s.to_bits());
    let (mut d_s, mut e_a) = (1.0, 0.0);
    for i in (0..STEPS).rev() {
        let d_pre = d_s * 0.5 * pre[i].cos();
        e_a += d_pre * x[i];
        d_s = d_pre;
    }
    assert!(close(d_a, e_a, 1e-12), "{d_a} {e_a}");
}

#[test]
fn several_states_in_a_nest_of_epochs() {
    // Epochs of momentum descent over the points: two states, a rectangular nest.
    const E: usize = 5;
    const P: usize = 80;
    let xs: [f64; P] = core::array::from_fn(|k| (k as f64 * 0.21).cos());
    let f = grad!(|y: [f64; P], lr: f64| {
        let mut w = 0.0;
        let mut m = 0.0;
        for _ in 0..E {
            for i in 0..P {
                m = 0.5 * m + (w * xs[i] - y[i]) * xs[i];
                w -= lr * m;
            }
        }
        w
    });
    let y: [f64; P] = core::array::from_fn(|k| 0.3 * xs[k] + 0.02);
    let lr = 0.03;
    let (mut w, mut m) = (0.0_f64, 0.0_f64);
    for _ in 0..E {
        for i in 0..P {
            m = 0.5 * m + (w * xs[i] - y[i]) * xs[i];
            w -= lr * m;
        }
    }
    assert_eq!(f.value(y, lr).to_bits(), w.to_bits());
    assert!(f.derivation().contains("kept a loop"));
    let mut flat = [0.0; P + 1];
    flat[..P].copy_from_slice(&y);
    flat[P] = lr;
    gradcheck(&f, flat).assert_passed();
}

#[backprop::differentiable]
fn leapfrog<const K: usize>(force: [f64; K], x0: f64, v0: f64) -> f64 {
    let mut x = x0;
    let mut v = v0;
    for i in 0..K {
        v += 0.05 * (force[i] - x);
        x += 0.05 * v;
    }
    x * v
}

#[test]
fn several_states_in_a_function_generic_over_its_length() {
    let f = grad!(|force: [f64; 64], x0: f64| leapfrog(force, x0, 0.1));
    let force: [f64; 64] = core::array::from_fn(|k| (k as f64 * 0.3).sin());
    let (mut x, mut v) = (0.4_f64, 0.1_f64);
    for i in 0..64 {
        v += 0.05 * (force[i] - x);
        x += 0.05 * v;
    }
    assert_eq!(f.value(force, 0.4).to_bits(), (x * v).to_bits());
    let mut flat = [0.0; 65];
    flat[..64].copy_from_slice(&force);
    flat[64] = 0.4;
    gradcheck(&f, flat).assert_passed();
}

#[test]
fn the_trace_gives_the_same_value_and_gradient() {
    let f = grad!(|k: f64, x0: f64| {
        let mut x = x0;
        let mut v = 0.0;
        for _ in 0..STEPS {
            v -= 0.01 * k * x;
            x += 0.01 * v;
        }
        x + v
    });
    let (value, gradient) = f.value_and_grad(1.1, 0.9);
    let trace = f.trace(1.1, 0.9);
    assert_eq!(trace.value().to_bits(), value.to_bits());
    for n in 0..2 {
        assert!(close(trace.gradient()[n], gradient[n], 1e-12));
    }
}

#[cfg(feature = "second-order")]
#[test]
fn second_order_through_several_states() {
    // Over a named constant, a loop; over the literal 250, below the threshold, unrolled.
    const N: usize = 250;
    let f = grad!(|k: f64, x0: f64, v0: f64| {
        let mut x = x0;
        let mut v = v0;
        for _ in 0..N {
            v -= 0.01 * k * x.sin();
            x += 0.01 * v;
        }
        x
    });
    let twin = grad!(|k: f64, x0: f64, v0: f64| {
        let mut x = x0;
        let mut v = v0;
        for _ in 0..250 {
            v -= 0.01 * k * x.sin();
            x += 0.01 * v;
        }
        x
    });
    assert!(f.derivation().contains("kept a loop"));
    assert!(!twin.derivation().contains("kept a loop"));
    let point = [1.2, 0.5, -0.3];
    let (h, expected) = (
        backprop::hessian(&f, point),
        backprop::hessian(&twin, point),
    );
    for r in 0..3 {
        for c in 0..3 {
            assert!(close(h[r][c], expected[r][c], 1e-10), "{r} {c}");
        }
    }
    backprop::gradgradcheck(&f, point).assert_passed();
}

#[test]
fn one_call_gives_every_state() {
    // The program calls the loop once; its backward pass starts from both adjoints.
    let f = grad!(|k: f64, x0: f64| {
        let mut x = x0;
        let mut v = 0.0;
        for _ in 0..STEPS {
            v -= 0.01 * k * x;
            x += 0.01 * v;
        }
        x * v
    });
    let derivation = f.derivation();
    let program = &derivation[..derivation.find("loop0:").expect("the loop's own text")];
    assert_eq!(program.matches("loop0(").count(), 2, "{program}");
    assert!(program.contains("t0 = loop0(0, x0, k).0"), "{program}");
    assert!(program.contains("t1 = loop0(0, x0, k).1"), "{program}");
    assert!(
        program.contains("d_k = d_t0 * ∂t0/∂k + d_t1 * ∂t1/∂k"),
        "{program}"
    );
    assert!(!derivation.contains("loop1:"));
    let f_at = |k: f64, x0: f64| {
        let (mut x, mut v) = (x0, 0.0_f64);
        for _ in 0..STEPS {
            v -= 0.01 * k * x;
            x += 0.01 * v;
        }
        x * v
    };
    let (value, [d_k, d_x0]) = f.value_and_grad(0.8, 1.2);
    assert_eq!(value.to_bits(), f_at(0.8, 1.2).to_bits());
    let h = 1e-6;
    assert!(close(
        d_k,
        (f_at(0.8 + h, 1.2) - f_at(0.8 - h, 1.2)) / (2.0 * h),
        1e-6
    ));
    assert!(close(
        d_x0,
        (f_at(0.8, 1.2 + h) - f_at(0.8, 1.2 - h)) / (2.0 * h),
        1e-6
    ));
}

#[test]
fn several_states_in_a_branch_and_inside_an_unrolled_loop() {
    let f = grad!(|k: f64, x0: f64| {
        let mut x = x0;
        let mut v = 0.0;
        if k > 1.0 {
            for _ in 0..STEPS {
                v -= 0.01 * k * x;
                x += 0.01 * v;
            }
        } else {
            v = k * x0;
        }
        // The same loop three times over: one generated loop serves every call.
        for _ in 0..3 {
            for _ in 0..STEPS {
                v -= 0.01 * x;
                x += 0.01 * v;
            }
        }
        x + v
    });
    assert!(f.derivation().contains("loop1:") && !f.derivation().contains("loop2:"));
    for (k, x0) in [(1.5, 0.7), (0.5, 0.7)] {
        let (mut x, mut v) = (x0, 0.0_f64);
        if k > 1.0 {
            for _ in 0..STEPS {
                v -= 0.01 * k * x;
                x += 0.01 * v;
            }
        } else {
            v = k * x0;
        }
        for _ in 0..3 {
            for _ in 0..STEPS {
                v -= 0.01 * x;
                x += 0.01 * v;
            }
        }
        assert_eq!(f.value(k, x0).to_bits(), (x + v).to_bits(), "k = {k}");
        gradcheck(&f, [k, x0]).assert_passed();
    }
}
