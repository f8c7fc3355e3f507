//! `#[differentiable]` functions called from `grad!` and from each other, and custom
//! derivatives: values against the plain functions (bit for bit), gradients against
//! derivatives worked out by hand, the runtime graph (which replays the callee's own
//! operations) and central differences through `gradcheck`.

use backprop::rules::softplus;
use backprop::{differentiable, grad, gradcheck, Differentiable, Graph};

#[differentiable]
fn sq_dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

#[differentiable]
fn softplus_of_sum(x: f64, y: f64) -> f64 {
    let s = x + 2.0 * y;
    softplus(s)
}

mod geometry {
    /// A function in another module, called by path.
    #[backprop::differentiable]
    pub fn norm(p: [f64; 2]) -> f64 {
        super::sq_dist(p, [0.0, 0.0]).sqrt()
    }
}

/// Equal to within a few rounding errors.
fn assert_close(got: &[f64], expected: &[f64]) {
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(expected) {
        assert!(
            (g - e).abs() <= 1e-14 * e.abs().max(1.0),
            "{got:?} vs {expected:?}"
        );
    }
}

#[test]
fn a_call_is_differentiated_through() {
    let f = grad!(|p: [f64; 2], q: [f64; 2]| sq_dist(p, q).sin());
    let (p, q) = ([1.0, 2.0], [0.5, -1.0]);
    let plain = sq_dist(p, q).sin();
    assert_eq!(f.value(p, q).to_bits(), plain.to_bits());
    let (value, (gp, gq)) = f.value_and_grad(p, q);
    assert_eq!(value.to_bits(), plain.to_bits());
    // By hand: d sin(s)/dp = cos(s) * 2 (p - q).
    let c = sq_dist(p, q).cos();
    let expected_p = [c * 2.0 * (p[0] - q[0]), c * 2.0 * (p[1] - q[1])];
    assert_eq!(gp, expected_p);
    assert_eq!(gq, [-expected_p[0], -expected_p[1]]);
    gradcheck(&f, [p[0], p[1], q[0], q[1]]).assert_passed();
}

#[test]
fn calls_nest_and_go_by_path() {
    let f = grad!(|p: [f64; 2]| geometry::norm(p) * 3.0);
    let p = [3.0, 4.0];
    assert_eq!(f.value(p), 15.0);
    // d |p| / dp = p / |p|.
    assert_close(&f.grad(p), &[3.0 * 3.0 / 5.0, 3.0 * 4.0 / 5.0]);
    gradcheck(&f, p).assert_passed();
}

#[test]
fn a_function_used_many_times_in_a_loop() {
    let f = grad!(|w: [f64; 2]| {
        let mut loss = 0.0;
        for i in 0..5 {
            let x = i as f64 * 0.5;
            loss += softplus_of_sum(w[0] * x, w[1]);
        }
        loss
    });
    let w = [0.3, -0.7];
    let plain = {
        let mut loss = 0.0;
        for i in 0..5 {
            let x = i as f64 * 0.5;
            loss += softplus_of_sum(w[0] * x, w[1]);
        }
        loss
    };
    assert_eq!(f.value(w).to_bits(), plain.to_bits());
    // By hand: softplus' = sigmoid.
    let sigmoid = |s: f64| 1.0 / (1.0 + (-s).exp());
    let mut expected = [0.0; 2];
    for i in 0..5 {
        let x = i as f64 * 0.5;
        let s = sigmoid(w[0] * x + 2.0 * w[1]);
        expected[0] += s * x;
        expected[1] += s * 2.0;
    }
    let got = f.grad(w);
    for k in 0..2 {
        assert!(
            (got[k] - expected[k]).abs() < 1e-14,
            "{got:?} vs {expected:?}"
        );
    }
    gradcheck(&f, w).assert_passed();
}

#[test]
fn a_call_in_a_branch_taken_at_run_time() {
    let f = grad!(|x: f64, y: f64| if x > 0.0 {
        softplus_of_sum(x, y)
    } else {
        x * y
    });
    for (x, y) in [(0.5, 1.5), (-0.5, 1.5)] {
        let plain = if x > 0.0 {
            softplus_of_sum(x, y)
        } else {
            x * y
        };
        assert_eq!(f.value(x, y).to_bits(), plain.to_bits());
        gradcheck(&f, [x, y]).assert_passed();
    }
    assert_eq!(f.grad(-0.5, 1.5), [1.5, -0.5]);
}

#[test]
fn a_pullback_holds_the_callee_pullback() {
    let f = grad!(|x: f64, y: f64| softplus_of_sum(x, y) * x);
    let (_, pullback) = f.forward(0.2, 0.1);
    let one = pullback.backward(1.0);
    let three = pullback.backward(3.0);
    assert_close(&[one[0] * 3.0, one[1] * 3.0], &three);
}

#[test]
fn the_graph_replays_a_call() {
    let f = grad!(|p: [f64; 2], q: [f64; 2]| sq_dist(p, q) * p[0]);
    let g = Graph::new();
    let inputs = [1.0, 2.0, 0.5, -1.0].map(|v| g.input("x", v));
    let out = f.record(&g, inputs);
    let calls = g.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].name, "sq_dist");
    let grads = g.backward(out).unwrap();
    let generated = f.grad([1.0, 2.0], [0.5, -1.0]);
    assert_eq!([grads[inputs[0]], grads[inputs[1]]], generated.0);
    assert_eq!([grads[inputs[2]], grads[inputs[3]]], generated.1);
}

#[test]
fn derivation_shows_the_call_and_the_function() {
    let f = grad!(|x: f64, y: f64| softplus_of_sum(x, y) * x);
    let text = f.derivation();
    assert!(text.contains("t0 = softplus_of_sum(x, y)"), "{text}");
    assert!(text.contains("∂t0/∂x"), "{text}");
    assert!(text.contains("softplus_of_sum:\nforward\n"), "{text}");
    assert!(
        text.contains("s = x + t0\n  out = ln(1 + exp(s))"),
        "{text}"
    );
}

#[test]
fn constant_arguments_are_not_differentiated() {
    let k = 0.25;
    let f = grad!(|x: f64| softplus_of_sum(x, k) + softplus_of_sum(1.0, x));
    let x = 0.4;
    let plain = softplus_of_sum(x, k) + softplus_of_sum(1.0, x);
    assert_eq!(f.value(x).to_bits(), plain.to_bits());
    gradcheck(&f, [x]).assert_passed();
}

/// The cube root by Newton's method: a body no table operation describes, with its
/// derivative from the implicit-function theorem, 1 / (3 r²).
#[differentiable(grad = cbrt_newton_grad)]
fn cbrt_newton(a: f64) -> f64 {
    let mut r = if a.abs() > 1.0 { a / 3.0 } else { a.signum() };
    for _ in 0..60 {
        r -= (r * r * r - a) / (3.0 * r * r);
    }
    r
}

fn cbrt_newton_grad(_a: f64, out: f64, dout: f64) -> [f64; 1] {
    [dout / (3.0 * out * out)]
}

#[differentiable(grad = scaled_grad)]
fn scaled(v: [f64; 2], k: f64) -> f64 {
    v[0] * k + v[1]
}

fn scaled_grad(_v: [f64; 2], k: f64, _out: f64, dout: f64) -> ([f64; 2], f64) {
    ([dout * k, dout], dout * _v[0])
}

#[test]
fn a_custom_derivative() {
    let f = grad!(|a: f64| cbrt_newton(a) * a);
    let a = 8.0;
    assert_eq!(f.value(a).to_bits(), (cbrt_newton(a) * a).to_bits());
    let r = cbrt_newton(a);
    assert_eq!(f.grad(a)[0], a / (3.0 * r * r) + r);
    gradcheck(&f, [a]).assert_passed();
    gradcheck(&f, [-2.5]).assert_passed();
}

#[test]
fn a_custom_derivative_with_arrays() {
    let f = grad!(|v: [f64; 2], k: f64| scaled(v, k).powi(2));
    let (v, k) = ([1.5, -0.5], 2.0);
    let s = scaled(v, k);
    let (gv, gk) = f.grad(v, k);
    assert_eq!(gv, [2.0 * s * k, 2.0 * s]);
    assert_eq!(gk, 2.0 * s * v[0]);
    gradcheck(&f, [v[0], v[1], k]).assert_passed();
}

#[differentiable]
fn halfsq(x: f32) -> f32 {
    0.5 * x * x
}

#[test]
fn f32_functions() {
    let f = grad!(|x: f32| halfsq(x) * 3.0);
    assert_eq!(f.value(2.0), 6.0);
    assert_eq!(f.grad(2.0), [6.0]);
}

#[test]
fn the_expression_form_calls_too() {
    let f = grad!(softplus_of_sum(x, y) * y);
    assert_eq!(f.inputs(), ["x", "y"]);
    gradcheck(&f, [0.3, -0.2]).assert_passed();
}

/// A differentiable function that calls a function with a custom derivative, in a loop.
#[differentiable]
fn cube_roots(v: [f64; 3]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        s += cbrt_newton(v[i]) * (i as f64 + 1.0);
    }
    s
}

#[test]
fn custom_derivatives_inside_functions() {
    let f = grad!(|v: [f64; 3]| cube_roots(v).powi(2));
    let v = [8.0, 27.0, -0.5];
    let s = cube_roots(v);
    let got = f.grad(v);
    for i in 0..3 {
        let r = cbrt_newton(v[i]);
        let expected = 2.0 * s * (i as f64 + 1.0) / (3.0 * r * r);
        assert!(
            (got[i] - expected).abs() <= 1e-13 * expected.abs(),
            "{got:?}"
        );
    }
    gradcheck(&f, v).assert_passed();
    // On the graph: one call of `cube_roots`, and inside it three custom nodes.
    let g = Graph::new();
    let inputs = v.map(|x| g.input("v", x));
    let out = f.record(&g, inputs);
    assert_eq!(g.calls().len(), 1);
    let customs = g
        .nodes()
        .iter()
        .filter(|n| n.kind == backprop::NodeKind::Custom("cbrt_newton"))
        .count();
    assert_eq!(customs, 3);
    let grads = g.backward(out).unwrap();
    for i in 0..3 {
        assert!((grads[inputs[i]] - got[i]).abs() <= 1e-13 * got[i].abs());
    }
}

#[test]
fn a_call_is_drawn_as_one_node() {
    let f = grad!(|x: f64, y: f64| softplus_of_sum(x, y).sin());
    let g = Graph::new();
    let out = f.record(&g, [g.input("x", 0.5), g.input("y", 0.25)]);
    let grads = g.backward(out).unwrap();
    let collapsed = g.to_dot(Some(&grads));
    assert!(collapsed.contains("softplus_of_sum"), "{collapsed}");
    assert!(!collapsed.contains("softplus\\n"), "{collapsed}");
    let expanded = g.to_dot_with(
        Some(&grads),
        backprop::DrawOptions::new().expand_calls(true),
    );
    assert!(expanded.contains("softplus\\n"), "{expanded}");
}

#[test]
fn the_trace_runs_through_calls() {
    let f = grad!(|x: f64, y: f64| softplus_of_sum(x, y) * x);
    let trace = f.trace(0.5, -0.25);
    let (value, gradient) = f.value_and_grad(0.5, -0.25);
    assert_eq!(trace.value().to_bits(), value.to_bits());
    assert_eq!(trace.gradient(), gradient);
    let text = trace.to_string();
    assert!(
        text.contains("t0 = softplus_of_sum(x, y) = softplus_of_sum(0.5, (-0.25))"),
        "{text}"
    );
}

#[differentiable]
fn dot(a: [f64; 2], b: [f64; 2]) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

#[test]
fn rows_and_captured_arrays_are_arguments() {
    let xs = [[0.5, -1.0], [2.0, 0.25], [1.5, 1.5]];
    let f = grad!(|w: [[f64; 2]; 2]| {
        let mut s = dot(w[0], w[1]);
        for i in 0..3 {
            s += dot(w[1], xs[i]).tanh();
        }
        s
    });
    let w = [[0.3, -0.2], [0.7, 0.1]];
    let plain = {
        let mut s = dot(w[0], w[1]);
        for x in xs {
            s += dot(w[1], x).tanh();
        }
        s
    };
    assert_eq!(f.value(w).to_bits(), plain.to_bits());
    // By hand: d/dw0 = w1; d/dw1 = w0 + Σ (1 − tanh²) x.
    let mut expected = [w[1], w[0]];
    for x in xs {
        let t = dot(w[1], x).tanh();
        for k in 0..2 {
            expected[1][k] += (1.0 - t * t) * x[k];
        }
    }
    let got = f.grad(w);
    for j in 0..2 {
        assert_close(&got[j], &expected[j]);
    }
    gradcheck(&f, [w[0][0], w[0][1], w[1][0], w[1][1]]).assert_passed();
    assert!(
        f.derivation().contains("dot([w[1][0], w[1][1]], xs[0])"),
        "{}",
        f.derivation()
    );
}

/// Parameters named like the companions' own locals.
#[differentiable(grad = awkward_grad)]
fn awkward(out: f64, dout: f64, graph: f64, pullback: f64, inputs: f64) -> f64 {
    out * dout + graph * pullback * inputs
}

fn awkward_grad(o: f64, d: f64, g: f64, p: f64, i: f64, _out: f64, dout: f64) -> [f64; 5] {
    [dout * d, dout * o, dout * p * i, dout * g * i, dout * g * p]
}

#[differentiable]
fn awkward_too(out: f64, dout: f64, graph: f64, pullback: f64, inputs: f64) -> f64 {
    out * dout + graph * pullback * inputs
}

#[test]
fn parameters_may_have_any_name() {
    let x = [2.0, 3.0, 0.5, 4.0, -1.0];
    let expected = [3.0, 2.0, -4.0, -0.5, 2.0];
    let f = grad!(|a: f64, b: f64, c: f64, d: f64, e: f64| awkward(a, b, c, d, e));
    assert_eq!(f.grad(x[0], x[1], x[2], x[3], x[4]), expected);
    gradcheck(&f, x).assert_passed();
    let g = grad!(|a: f64, b: f64, c: f64, d: f64, e: f64| awkward_too(a, b, c, d, e));
    assert_eq!(g.grad(x[0], x[1], x[2], x[3], x[4]), expected);
    gradcheck(&g, x).assert_passed();
}

#[differentiable]
fn det(m: [[f64; 2]; 2]) -> f64 {
    m[0][0] * m[1][1] - m[0][1] * m[1][0]
}

#[test]
fn rows_of_a_literal_may_be_whole_arrays() {
    let f = grad!(|x: [f64; 2], b: [f64; 2]| det([x, b]) + x[1]);
    let (x, b) = ([1.5, -2.0], [0.5, 3.0]);
    assert_eq!(f.value(x, b), det([x, b]) + x[1]);
    // d det / dx = [b1, -b0], d det / db = [-x1, x0].
    assert_eq!(f.grad(x, b), ([b[1], -b[0] + 1.0], [-x[1], x[0]]));
    let g = grad!(|x: [f64; 2], b: [f64; 2]| {
        let m = [x, b];
        m[0][0] * m[1][1]
    });
    assert_eq!(g.grad(x, b), ([b[1], 0.0], [0.0, x[0]]));
    let h = grad!(|x: [f64; 2], b: [f64; 2]| det([b, [x[0], 0.5]]));
    assert_eq!(h.grad(x, b), ([-b[1], 0.0], [0.5, -x[0]]));
}

/// A custom derivative whose function is only ever called on constants.
#[differentiable(grad = only_constants_grad)]
fn only_constants(x: f64) -> f64 {
    x * x
}

fn only_constants_grad(x: f64, _out: f64, dout: f64) -> [f64; 1] {
    [2.0 * x * dout]
}

#[test]
fn a_custom_derivative_used_on_constants_only_is_no_dead_code() {
    let f = grad!(|x: f64| x * only_constants(3.0));
    assert_eq!(f.grad(2.0), [9.0]);
}

#[test]
fn the_rules_called_by_their_path_are_operations() {
    let f = grad!(|b: f64| backprop::rules::sigmoid(b) * 2.0);
    let s = backprop::rules::sigmoid(0.5);
    assert_eq!(f.grad(0.5), [2.0 * s * (1.0 - s)]);
}
