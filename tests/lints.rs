//! The code `grad!` writes raises no warning and no clippy lint in the user's crate, even
//! under clippy's pedantic group: this file denies them all, in the manner of
//! pin-project's lint tests, and uses `grad!` in many shapes. `cargo clippy --all-targets`
//! checks it; `cargo test` checks the rustc warnings and that the results are right.
#![deny(warnings, clippy::all, clippy::pedantic)]
// Lints rustc allows by default that users often deny.
#![deny(
    absolute_paths_not_starting_with_crate,
    elided_lifetimes_in_paths,
    explicit_outlives_requirements,
    keyword_idents,
    let_underscore_drop,
    macro_use_extern_crate,
    meta_variable_misuse,
    missing_copy_implementations,
    missing_debug_implementations,
    missing_docs,
    non_ascii_idents,
    redundant_lifetimes,
    rust_2018_idioms,
    single_use_lifetimes,
    trivial_casts,
    trivial_numeric_casts,
    unit_bindings,
    unreachable_pub,
    unsafe_code,
    unused_extern_crates,
    unused_import_braces,
    unused_lifetimes,
    unused_qualifications,
    unused_results,
    variant_size_differences
)]

use backprop::grad;

/// The same numbers, bit for bit: the expected values are exact.
fn exact<const N: usize>(actual: [f64; N], expected: [f64; N]) -> bool {
    actual
        .iter()
        .zip(&expected)
        .all(|(a, e)| a.to_bits() == e.to_bits())
}

/// Within a few units in the last place of `expected`.
fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-12 * expected.abs().max(1.0)
}

#[test]
fn seed_and_constants() {
    let f = grad!((x + y) * z);
    assert!(exact(f.grad(100.0, 200.0, 4.0), [4.0, 4.0, 300.0]));

    let f = grad!(2 * x + 3.5 - -x / 0.5 + std::f64::consts::PI * x + 1e-300);
    let slope = 2.0 + 2.0 + std::f64::consts::PI;
    assert!(close(f.grad(1.0)[0], slope));
    assert!(f.value(0.0) > 0.0);
}

#[test]
fn every_operation_in_method_form() {
    let f = grad!(|x, y| {
        let powers = x.powi(3) + x.powi(-2) + x.powf(y) + x.sqrt() + x.cbrt() + x.recip();
        let exps = x.exp() + x.exp2() + x.exp_m1() + x.ln() + x.ln_1p() + x.log2();
        let logs = x.log10() + x.log(y);
        let trig = x.sin() + x.cos() + x.tan() + (x / 4.0).asin() + (x / 4.0).acos();
        let more_trig = x.atan() + x.atan2(y) + x.sinh() + x.cosh() + x.tanh();
        let pieces = x.abs() + x.max(y) + x.min(y) + x.hypot(y) + x.mul_add(y, x);
        let nn = x.sigmoid() + x.relu() + x.softplus();
        powers + exps + logs + trig + more_trig + pieces + nn - -x
    });
    let (value, gradient) = f.value_and_grad(0.5, 2.0);
    assert!(value.is_finite());
    assert!(gradient.iter().all(|g| g.is_finite()));
}

#[test]
fn every_operation_in_function_form() {
    let f = grad!(|x, y| {
        let powers = powi(x, 2) + powf(x, y) + sqrt(x) + cbrt(x) + recip(x) + f64::sqrt(y);
        let exps = exp(x) + exp2(x) + exp_m1(x) + ln(x) + ln_1p(x) + log2(x) + log10(x);
        let trig = sin(x) + cos(x) + tan(x) + asin(x) + acos(x) + atan(x) + atan2(x, y);
        let hyperbolic = sinh(x) + cosh(x) + tanh(x) + log(x, y);
        let pieces = abs(x) + max(x, y) + min(x, y) + hypot(x, y) + mul_add(x, y, x);
        powers + exps + trig + hyperbolic + pieces + sigmoid(x) + relu(x) + softplus(x)
    });
    assert!(f.grad(0.25, 3.0).iter().all(|g| g.is_finite()));
}

#[test]
fn the_operations_added_after_the_first_release() {
    let f = grad!(|x, y| {
        let special = x.erf() + erfc(x) + x.gelu() + gelu_tanh(x) + x.silu() + elu(x);
        let nn = x.log_sigmoid() + leaky_relu(x, 0.1) + x.logaddexp(y) + clamp(x, -y, y);
        let steps = x.signum() + floor(x) + x.ceil() + round(x) + x.trunc();
        special + nn + steps
    });
    assert!(f.grad(0.25, 3.0).iter().all(|g| g.is_finite()));
}

#[test]
fn zero_gradients_leave_no_unused_adjoint() {
    // No gradient reaches x through floor: no adjoint of the floor's output is computed,
    // and `dout` itself is not read.
    let f = grad!(|x| x.floor().sin());
    assert!(exact(f.grad(2.5), [0.0]));
    let f = grad!(|x| x.round());
    assert!(exact(f.grad(2.5), [0.0]));
    let f = grad!(|x, y| x.trunc() * y + x);
    assert!(exact(f.grad(2.5, 3.0), [1.0, 2.0]));
}

#[test]
fn arrays_loops_and_mutable_locals() {
    let f = grad!(|w: [[f64; 2]; 2], b: [f64; 2], unused: [f64; 2]| {
        let mut h = [0.0; 2];
        for j in 0..2 {
            h[j] = (w[j][0] + w[j][1] * 0.5 + b[j]).tanh();
        }
        let mut s = 0.0;
        for i in (0..h.len()).rev() {
            s += h[i] * h[i];
        }
        s
    });
    let (value, (dw, db, du)) = f.value_and_grad([[0.1, 0.2], [0.3, 0.4]], [0.5, 0.6], [1.0, 2.0]);
    assert!(value.is_finite() && dw[0][0].is_finite() && db[1].is_finite());
    assert!(exact(du, [0.0, 0.0]));
}

#[test]
fn branches_decided_at_run_time() {
    let f = grad!(|x: [f64; 3], c| {
        let mut s = 0.0;
        for i in 0..3 {
            if x[i] > c && !(x[i] > 10.0) {
                s += x[i].ln();
            } else if x[i] < -c {
                s -= x[i];
            }
        }
        let m = if s > 1.0 { s.sqrt() } else { s * s };
        m + c
    });
    let (value, (dx, dc)) = f.value_and_grad([2.0, -3.0, 0.5], 1.0);
    assert!(value.is_finite() && dx.iter().all(|d| d.is_finite()) && dc.is_finite());
    assert!(!f.derivation().is_empty());
    assert!(f.trace([2.0, -3.0, 0.5], 1.0).first_non_finite().is_none());
}

#[test]
fn multiplying_by_minus_one() {
    let f = grad!(|x: [f64; 2]| {
        let mut s = 0.0;
        for i in 1..2 {
            s += x[i] * -(i as f64);
        }
        s + x[0] * -1.0
    });
    assert!(exact(f.grad([3.0, 4.0]), [-1.0, -1.0]));
}

struct Model {
    scale: f64,
    data: Vec<f64>,
    count: u32,
}

impl Model {
    fn loss(&self, i: usize) -> impl backprop::Differentiable<f64, 2> + '_ {
        let xs = &self.data;
        grad!(|w, b| (w * xs[i] * self.scale + b - f64::from(self.count)).powi(2))
    }
}

#[test]
fn captured_values() {
    let k = 3.0;
    let n = 3;
    let f = grad!(|w| w.powi(n) * k);
    assert!(close(f.grad(2.0)[0], 36.0));

    let model = Model {
        scale: 2.0,
        data: vec![1.0, 2.0],
        count: 2,
    };
    // (2w + b - 2)² at w = 1, b = 1: residual 1, gradients 2·1·2 and 2·1.
    let gradient = backprop::Differentiable::grad(&model.loss(0), [1.0, 1.0]);
    assert!(exact(gradient, [4.0, 2.0]));
}

#[test]
fn let_blocks_with_shadowing() {
    let f = grad!(|w, b: f64| -> f64 {
        let a = w * b;
        let a = a + w;
        let unused = a * 3.0;
        let s = a.sigmoid();
        s * a
    });
    let (value, pullback) = f.forward(0.5, 1.5);
    assert!(value > 0.0);
    let twice = pullback.backward(2.0);
    let once = pullback.backward(1.0);
    assert!(close(twice[0], 2.0 * once[0]));
}

#[test]
fn single_precision() {
    let f = grad!(|w: f32, b| (w * 2.5 + b).tanh() + w.powi(2));
    let [dw, db] = f.grad(0.5, -0.25);
    assert!(dw > 0.0 && db > 0.0);
}

#[test]
fn unused_parameters_and_an_input_as_the_result() {
    let f = grad!(|w, b, c| w * 2.0 + c);
    assert!(exact(f.grad(1.0, 2.0, 3.0), [2.0, 0.0, 1.0]));
    let f = grad!(|x, y| x);
    assert!(exact(f.grad(1.0, 2.0), [1.0, 0.0]));
    let f = grad!(x);
    let (value, gradient) = f.value_and_grad(5.0);
    assert!(exact([value], [5.0]) && exact(gradient, [1.0]));
}

#[test]
fn ten_inputs() {
    let f = grad!(a + b * c - d / e + f.sin() * g + h.exp() - i * j);
    let gradient = f.grad(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
    assert_eq!(gradient.len(), 10);
    assert!(close(gradient[0], 1.0));
    assert!(close(gradient[9], -9.0));
}

#[test]
fn names_the_expansion_also_uses() {
    let f = grad!(|X, dout, t0, grad, out, d_x, graph, inputs| {
        let t1 = X * dout + t0;
        let d_t1 = t1 * grad - out;
        d_t1 * d_x + graph / inputs
    });
    let gradient = f.grad(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0);
    assert_eq!(
        f.inputs(),
        ["X", "dout", "t0", "grad", "out", "d_x", "graph", "inputs"]
    );
    assert!(gradient.iter().all(|g| g.is_finite()));
}

#[test]
fn extreme_exponents_and_literals() {
    let f = grad!(x.powi(-2_147_483_648) + x.powi(2_147_483_647) + 1_000_000 * x);
    assert!(f.grad(1.0)[0].is_finite());
    let f = grad!(|w: f32| w * 340_282_350_000_000_000_000_000_000_000_000_000_000.0 + 1e-45);
    assert!(f.grad(1.0)[0] > 0.0);
}

#[test]
fn loops_that_stay_loops() {
    // Names the generated loop also uses, an invariant, a subtraction and an f32 body.
    let f = grad!(|x: [f64; 1001], acc: f64| {
        let mut s = acc;
        for i in 0..1000 {
            let e = acc * x[i] - x[i + 1];
            s -= e * e;
        }
        s
    });
    let (value, (dx, dacc)) = f.value_and_grad([1.0; 1001], 2.0);
    assert!(close(value, 2.0 - 1000.0));
    assert!(close(dacc, 1.0 - 2000.0));
    assert!(close(dx[0], -4.0) && close(dx[1000], 2.0));
    let g = grad!(|x: [f32; 1000]| {
        let mut s = 0.0;
        for i in 0..1000 {
            s += x[i] * x[i];
        }
        s
    });
    assert!(g.grad([0.5; 1000])[999] > 0.99);
    // Data only, no array of the body: the loop variable indexes nothing generated.
    let xs = [0.5; 1001];
    let h = grad!(|w: f64| {
        let mut s = 0.0;
        for i in 0..1000 {
            s += w * xs[i + 1];
        }
        s
    });
    assert!(close(h.grad(2.0)[0], 500.0));
    // A named length, with a scalar and a literal array after it and one read by nothing.
    let named = grad!(
        |x: [f64; LINT_N], w: f64, c: [f64; 2], unread: [f64; LINT_N]| {
            let mut s = w;
            for i in 0..x.len() - 1 {
                s += c[1] * x[i] * x[i + 1];
            }
            s * c[0]
        }
    );
    let (value, (dx, dw, dc, dunread)) =
        named.value_and_grad([1.0; LINT_N], 2.0, [3.0, 0.5], [0.0; LINT_N]);
    assert!(close(value, 3.0 * (2.0 + 0.5 * 2.0)));
    assert!(close(dw, 3.0) && close(dx[1], 3.0) && close(dc[0], 3.0));
    assert!(close(dunread[0], 0.0));
    // A recurrence, over data and a named number of steps.
    let xs = [0.5; LINT_STEPS];
    let rnn = grad!(|w: f64| {
        let mut h = 0.0;
        for i in 0..LINT_STEPS {
            h = (w * h + xs[i]).tanh();
        }
        h
    });
    assert!(rnn.grad(0.5)[0] > 0.0);
    // An inner sum, over named constants, and data read by the enclosing loop.
    let ys = [0.25; LINT_STEPS];
    let fit = grad!(|w: [f64; LINT_STEPS * LINT_N], x: [f64; LINT_N]| {
        let mut s = 0.0;
        for i in 0..LINT_STEPS {
            let mut t = 0.0;
            for j in 0..LINT_N {
                t += w[i * LINT_N + j] * x[j];
            }
            s += (t - ys[i]).powi(2);
        }
        s
    });
    let (value, (dw, dx)) = fit.value_and_grad([0.0; LINT_STEPS * LINT_N], [1.0; LINT_N]);
    assert!(close(value, 20.0 * 0.0625));
    assert!(close(dw[0], -0.5) && close(dx[0], 0.0));
    // An inner sum in a recurrence.
    let rnn = grad!(|w: [f64; LINT_N], x: [f64; LINT_STEPS * LINT_N]| {
        let mut h = 0.0;
        for i in 0..LINT_STEPS {
            let mut t = 0.0;
            for j in 0..LINT_N {
                t += w[j] * x[i * LINT_N + j];
            }
            h = (0.5 * h + t).tanh();
        }
        h
    });
    let (value, (dw, _)) = rnn.value_and_grad([0.0; LINT_N], [1.0; LINT_STEPS * LINT_N]);
    assert!(close(value, 0.0) && dw[0] > 0.0);
    // A recurrence in a nest.
    let epochs = grad!(|x: [f64; LINT_N], u: f64| {
        let mut h = 0.0;
        for _ in 0..LINT_STEPS {
            for i in 0..LINT_N {
                h = (u * h + x[i]).tanh();
            }
        }
        h
    });
    assert!(epochs.grad([0.0; LINT_N], 0.5).1.abs() < 1e-300);
}

#[test]
fn loops_with_several_states() {
    // Several states, both read after the loop, one updated in a branch.
    let xs = [0.5; LINT_STEPS];
    let motion = grad!(|k: f64, x0: f64| {
        let mut x = x0;
        let mut v = 0.0;
        for i in 0..LINT_STEPS {
            v -= 0.1 * k * x;
            x += 0.1 * v;
            if x > xs[i] {
                v *= 0.5;
            }
        }
        x + v
    });
    let (value, [dk, dx0]) = motion.value_and_grad(0.0, 0.25);
    assert!(close(value, 0.25) && close(dx0, 1.0) && dk < 0.0);
    // A recurrence in a triangular nest, its tape's length counted by the compiler.
    let pairs = grad!(|x: [f64; LINT_N], u: f64| {
        let mut h = 0.0;
        for i in 0..LINT_N {
            for j in i + 1..LINT_N {
                h = u * h + x[i] * x[j];
            }
        }
        h
    });
    let (value, (_, du)) = pairs.value_and_grad([0.0; LINT_N], 0.5);
    assert!(close(value, 0.0) && close(du, 0.0));
}

const LINT_STEPS: usize = 20;

#[backprop::differentiable]
fn lint_generic<const N: usize>(w: f64, x: [f64; N]) -> f64 {
    let mut s = 0.0;
    for i in 0..N - 1 {
        s += w * x[i] * x[i + 1];
    }
    let mut h = s;
    for i in 0..N {
        h = (h * w + x[i]).tanh();
    }
    h
}

#[test]
fn const_generic_functions() {
    let f = grad!(|w: f64, x: [f64; 4]| lint_generic(w, x));
    let named = grad!(|x: [f64; LINT_N]| lint_generic(0.5, x));
    let (value, (dw, _)) = f.value_and_grad(0.5, [1.0; 4]);
    assert!(value.is_finite() && dw.is_finite());
    assert!(named.grad([1.0; LINT_N])[0].is_finite());
    // The loop variable as a number, in a loop that stays a loop.
    let counted = grad!(|x: [f64; LINT_N]| {
        let mut s = 0.0;
        for i in 0..LINT_N {
            s += (i + 1) as f64 * x[i];
        }
        s
    });
    assert!(close(counted.grad([1.0; LINT_N])[2], 3.0));
    // A nest, with an inner range and an index computed from the outer variable, data,
    // and counters of both loops; and one whose outer variable only the bounds read.
    let ys = [0.25; LINT_N];
    let nest = grad!(|x: [f64; LINT_N], w: [f64; LINT_N * LINT_N]| {
        let mut s = 0.0;
        for i in 0..LINT_N {
            for j in 0..LINT_N {
                s += w[i * LINT_N + j] * x[j] * ys[j] * (i + j) as f64;
            }
        }
        for i in 0..LINT_N {
            for j in i..LINT_N {
                s -= x[j];
            }
        }
        s
    });
    let (_, (dx, dw)) = nest.value_and_grad([1.0; LINT_N], [1.0; LINT_N * LINT_N]);
    assert!(close(dw[4], 0.25 * 2.0) && close(dx[0], 0.25 * 3.0 - 1.0));
}

const LINT_N: usize = 3;
