//! Calls of differentiable functions on the runtime graph: replayed calls (`Graph::call`),
//! nested and empty ones, and custom-derivative nodes (`Graph::custom`), checked against
//! hand-worked derivatives and central differences; and the mistakes they refuse.

use backprop_core::{Call, Graph, NodeKind, Var};

/// The central difference of `f` at `x`, good to about 1e-9 for the smooth functions here.
fn central(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let h = 1e-5;
    (f(x + h) - f(x - h)) / (2.0 * h)
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * (1.0 + b.abs())
}

fn sq<'g>(g: &'g Graph, x: Var<'g>) -> Var<'g> {
    g.call("sq", &[x], |_, a| a[0] * a[0])
}

#[test]
fn sine_of_a_called_square_plus_x() {
    // out = sin(x²) + x; d out/dx = 2x·cos(x²) + 1.
    for x0 in [0.7, -1.3, 2.0] {
        let g = Graph::new();
        let x = g.input("x", x0);
        let s = sq(&g, x);
        let out = s.sin() + x;
        assert_eq!(s.value(), x0 * x0);
        assert_eq!(out.value(), (x0 * x0).sin() + x0);
        let grads = g.backward(out).unwrap();
        let by_hand = 2.0 * x0 * (x0 * x0).cos() + 1.0;
        assert!(close(grads[x], by_hand, 1e-15), "{} vs {by_hand}", grads[x]);
        assert!(close(grads[x], central(|x| (x * x).sin() + x, x0), 1e-8));
        // d out/d sq = cos(x²): the call's output is an ordinary node.
        assert!(close(grads[s], (x0 * x0).cos(), 1e-15));
        assert_eq!(
            g.calls(),
            [Call {
                name: "sq",
                args: vec![0],
                first: 1,
                end: 2,
                output: 1
            }]
        );
    }
}

#[test]
fn a_call_records_the_same_nodes_as_its_body() {
    let (plain, called) = (Graph::new(), Graph::new());
    let x = plain.input("x", 0.3);
    let out = (x * x).sin() + x;
    let y = called.input("x", 0.3);
    let called_out = sq(&called, y).sin() + y;
    let kinds = |g: &Graph| g.nodes().iter().map(|n| n.kind).collect::<Vec<_>>();
    assert_eq!(kinds(&plain), kinds(&called));
    assert_eq!(
        plain.backward(out).unwrap().as_slice(),
        called.backward(called_out).unwrap().as_slice()
    );
}

#[test]
fn a_call_of_two_arguments_matches_central_differences() {
    // f(x, y) = sin(x)·y + x/y at (0.4, 1.5).
    let (x0, y0) = (0.4, 1.5);
    let f = |x: f64, y: f64| x.sin() * y + x / y;
    let g = Graph::new();
    let (x, y) = (g.input("x", x0), g.input("y", y0));
    let out = g.call("f", &[x, y], |_, a| a[0].sin() * a[1] + a[0] / a[1]);
    assert_eq!(out.value(), f(x0, y0));
    let grads = g.backward(out).unwrap();
    assert!(close(grads[x], x0.cos() * y0 + 1.0 / y0, 1e-15));
    assert!(close(grads[y], x0.sin() - x0 / (y0 * y0), 1e-15));
    assert!(close(grads[x], central(|x| f(x, y0), x0), 1e-8));
    assert!(close(grads[y], central(|y| f(x0, y), y0), 1e-8));
    assert_eq!(g.calls()[0].args, [0, 1]);
}

#[test]
fn calls_nest_and_are_listed_in_the_order_they_began() {
    // outer(x, y) = sq(x) + sq(y), then quad(x) = sq(sq(x)) with the inner result
    // returned directly, so that quad and its last sq end at the same node.
    let g = Graph::new();
    let (x, y) = (g.input("x", 1.5), g.input("y", -2.0));
    let outer = g.call("outer", &[x, y], |g, a| sq(g, a[0]) + sq(g, a[1]));
    let quad = g.call("quad", &[x], |g, a| {
        let s = sq(g, a[0]);
        sq(g, s)
    });
    let out = outer * quad;
    let calls = g.calls();
    let summary: Vec<_> = calls
        .iter()
        .map(|c| (c.name, c.args.clone(), c.nodes(), c.output))
        .collect();
    assert_eq!(
        summary,
        [
            ("outer", vec![0, 1], 2..5, 4),
            ("sq", vec![0], 2..3, 2),
            ("sq", vec![1], 3..4, 3),
            ("quad", vec![0], 5..7, 6),
            ("sq", vec![0], 5..6, 5),
            ("sq", vec![5], 6..7, 6),
        ]
    );
    assert!(calls.iter().all(|c| !c.is_empty()));
    // out = (x² + y²)·x⁴: d/dx = 2x·x⁴ + 4x³(x² + y²), d/dy = 2y·x⁴.
    let (x0, y0) = (1.5_f64, -2.0_f64);
    assert_eq!(out.value(), (x0 * x0 + y0 * y0) * x0.powi(4));
    let grads = g.backward(out).unwrap();
    let dx = 2.0 * x0.powi(5) + 4.0 * x0.powi(3) * (x0 * x0 + y0 * y0);
    assert!(close(grads[x], dx, 1e-15), "{} vs {dx}", grads[x]);
    assert!(close(grads[y], 2.0 * y0 * x0.powi(4), 1e-15));
}

#[test]
fn empty_calls_are_listed_and_change_nothing() {
    let g = Graph::new();
    let x = g.input("x", 2.0);
    // Records nothing and returns its argument.
    let same = g.call("identity", &[x], |_, a| a[0]);
    // Records a node but returns its argument: the node leads nowhere.
    let ignored = g.call("ignore", &[x], |_, a| {
        let _ = a[0].exp();
        a[0]
    });
    // Takes no arguments and records nothing: returns a node recorded before it.
    let earlier = g.call("earlier", &[], |_, _| x);
    assert_eq!([same.index(), ignored.index(), earlier.index()], [0, 0, 0]);
    let out = same * ignored * earlier;
    let calls = g.calls();
    let ranges: Vec<_> = calls.iter().map(|c| (c.name, c.nodes())).collect();
    assert_eq!(
        ranges,
        [("identity", 1..1), ("ignore", 1..2), ("earlier", 2..2)]
    );
    assert!(calls.iter().all(Call::is_empty));
    assert_eq!(g.backward(out).unwrap()[x], 12.0);
}

#[test]
fn a_body_may_use_handles_it_was_not_given() {
    // scaled(x) = x·k with k captured from outside: d/dk is still computed.
    let g = Graph::new();
    let (x, k) = (g.input("x", 3.0), g.input("k", 5.0));
    let out = g.call("scaled", &[x], |_, a| a[0] * k).sin();
    let grads = g.backward(out).unwrap();
    assert_eq!(grads[x], 5.0 * 15.0_f64.cos());
    assert_eq!(grads[k], 3.0 * 15.0_f64.cos());
}

/// cube(x) = x³ with the derivative written by hand.
fn cube<'g>(g: &'g Graph, x: Var<'g>) -> Var<'g> {
    let x0 = x.value();
    g.custom("cube", &[x], x0 * x0 * x0, move |dout| {
        vec![3.0 * x0 * x0 * dout]
    })
}

#[test]
fn a_custom_cube_times_sine() {
    // out = x³·sin x; d/dx = 3x²·sin x + x³·cos x.
    for x0 in [0.5_f64, -1.25, 3.0] {
        let g = Graph::new();
        let x = g.input("x", x0);
        let c = cube(&g, x);
        let out = c * x.sin();
        assert_eq!(g.nodes()[c.index()].kind, NodeKind::Custom("cube"));
        assert_eq!(g.args_of(c.index()), [0]);
        assert_eq!(out.value(), x0.powi(3) * x0.sin());
        let grads = g.backward(out).unwrap();
        let by_hand = 3.0 * x0 * x0 * x0.sin() + x0.powi(3) * x0.cos();
        assert!(close(grads[x], by_hand, 1e-15), "{} vs {by_hand}", grads[x]);
        assert!(close(grads[x], central(|x| x.powi(3) * x.sin(), x0), 1e-8));
        assert_eq!(grads[c], x0.sin());
    }
}

#[test]
fn a_custom_node_used_twice_gets_the_sum_of_its_uses() {
    // out = c + c·c with c = cube(x): d out/dc = 1 + 2c, d out/dx = (1 + 2x³)·3x².
    let g = Graph::new();
    let x = g.input("x", 2.0);
    let c = cube(&g, x);
    let out = c + c * c;
    let grads = g.backward(out).unwrap();
    assert_eq!(grads[c], 17.0);
    assert_eq!(grads[x], 17.0 * 12.0);
}

#[test]
fn a_custom_hypot_of_two_arguments() {
    // hypot(x, y) = √(x² + y²), d/dx = x/r, d/dy = y/r; out = hypot(x, y)·y.
    let (x0, y0) = (3.0_f64, 4.0_f64);
    let g = Graph::new();
    let (x, y) = (g.input("x", x0), g.input("y", y0));
    let r = x0.hypot(y0);
    let h = g.custom("hypot", &[x, y], r, move |dout| {
        vec![dout * x0 / r, dout * y0 / r]
    });
    let out = h * y;
    let grads = g.backward(out).unwrap();
    assert_eq!((grads[x], grads[y]), (0.6 * 4.0, 0.8 * 4.0 + 5.0));
    let f = |x: f64, y: f64| x.hypot(y) * y;
    assert!(close(grads[x], central(|x| f(x, y0), x0), 1e-8));
    assert!(close(grads[y], central(|y| f(x0, y), y0), 1e-8));
}

#[test]
fn a_custom_node_takes_any_number_of_arguments() {
    // The sum of squares of five inputs, and a custom constant of none.
    let g = Graph::new();
    let xs: Vec<Var> = (1..=5).map(|i| g.input("x", f64::from(i))).collect();
    let values: Vec<f64> = xs.iter().map(|x| x.value()).collect();
    let total = values.iter().map(|v| v * v).sum();
    let sum = g.custom("sumsq", &xs, total, move |dout| {
        values.iter().map(|v| 2.0 * v * dout).collect()
    });
    let one = g.custom("one", &[], 1.0, |_| Vec::new());
    let out = sum * one;
    assert_eq!(out.value(), 55.0);
    assert_eq!(g.args_of(sum.index()), [0, 1, 2, 3, 4]);
    assert!(g.args_of(one.index()).is_empty());
    let grads = g.backward(out).unwrap();
    let got: Vec<f64> = xs.iter().map(|&x| grads[x]).collect();
    assert_eq!(got, [2.0, 4.0, 6.0, 8.0, 10.0]);
    assert_eq!(grads[one], 55.0);
}

#[test]
fn backward_from_any_node_meets_only_the_custom_nodes_before_it() {
    // a = cube(x), b = sin x, c = cube(b), d = a + c: custom nodes on both sides of b.
    let x0 = 0.8_f64;
    let g = Graph::new();
    let x = g.input("x", x0);
    let a = cube(&g, x);
    let b = x.sin();
    let c = cube(&g, b);
    let d = a + c;
    assert_eq!(g.backward(b).unwrap()[x], x0.cos());
    assert_eq!(g.backward(a).unwrap()[x], 3.0 * x0 * x0);
    assert_eq!(g.backward(c).unwrap()[x], 3.0 * x0.sin().powi(2) * x0.cos());
    let grads = g.backward(d).unwrap();
    let by_hand = 3.0 * x0 * x0 + 3.0 * x0.sin().powi(2) * x0.cos();
    assert!(close(grads[x], by_hand, 1e-15));
}

#[test]
fn custom_nodes_and_calls_together_in_f32() {
    let g = Graph::<f32>::new();
    let x = g.input("x", 2.0);
    let out = g.call("twice_cube", &[x], |g, a| {
        let v = a[0].value();
        g.custom("cube", a, v * v * v, move |dout| vec![3.0 * v * v * dout]) * 2.0
    });
    assert_eq!(out.value(), 16.0_f32);
    assert_eq!(g.backward(out).unwrap()[x], 24.0_f32);
}

#[test]
#[should_panic(expected = "the backward of `hypot` returned 1 gradient(s) for its 2 argument(s)")]
fn a_custom_derivative_with_the_wrong_number_of_gradients_panics() {
    let g = Graph::new();
    let (x, y) = (g.input("x", 3.0), g.input("y", 4.0));
    let h = g.custom("hypot", &[x, y], 5.0, |dout| vec![dout]);
    let _ = g.backward(h);
}

#[test]
#[should_panic(expected = "handles work only with the graph that made them")]
fn a_foreign_argument_of_a_custom_node_panics() {
    let (g, h) = (Graph::new(), Graph::new());
    let x = g.input("x", 1.0);
    let y = h.input("y", 1.0);
    let _ = g.custom("pair", &[x, y], 0.0, |dout| vec![dout, dout]);
}

#[test]
#[should_panic(expected = "handles work only with the graph that made them")]
fn a_foreign_argument_of_a_call_panics() {
    let (g, h) = (Graph::new(), Graph::new());
    let y = h.input("y", 1.0);
    let _ = g.call("sq", &[y], |_, a| a[0] * a[0]);
}

#[test]
#[should_panic(expected = "handles work only with the graph that made them")]
fn a_body_that_returns_a_foreign_handle_panics() {
    let (g, h) = (Graph::new(), Graph::new());
    let x = g.input("x", 1.0);
    let y = h.input("y", 1.0);
    let _ = g.call("elsewhere", &[x], |_, _| y);
}

#[test]
#[should_panic(expected = "holds 1 nodes, so no node #1")]
fn args_of_a_missing_node_panics() {
    let g = Graph::new();
    let _ = g.input("x", 1.0);
    let _ = g.args_of(1);
}

#[test]
fn the_graph_stays_send_and_prints_its_side_tables() {
    fn assert_send<T: Send>(_: &T) {}
    let g = Graph::new();
    let x = g.input("x", 2.0);
    let _ = sq(&g, cube(&g, x));
    assert_send(&g);
    let debug = format!("{g:?}");
    for part in [
        "Custom(\"cube\")",
        "calls: [Call { name: \"sq\", args: [1], first: 2, end: 3, output: 2 }]",
        "customs: [Custom { node: 1, args: [0], .. }]",
    ] {
        assert!(debug.contains(part), "no {part} in {debug}");
    }
}
