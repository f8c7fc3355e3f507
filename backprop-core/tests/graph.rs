//! The runtime graph: the seed examples with hand-worked numbers, fan-out, constants on
//! either side of every operator, backward from an intermediate node, `f32`, misuse, and
//! `GraphFn` through the `Differentiable` trait.

use backprop_core::{Differentiable, Graph, GraphError, GraphFn, Pullback};

#[test]
fn teaching_example() {
    let g = Graph::new();
    let x = g.input("x", 100.0);
    let y = g.input("y", 200.0);
    let z = g.input("z", 4.0);
    let t = x + y;
    let out = t * z;
    assert_eq!(t.value(), 300.0);
    assert_eq!(out.value(), 1200.0);
    let grads = g.backward(out).unwrap();
    assert_eq!([grads[x], grads[y], grads[z]], [4.0, 4.0, 300.0]);
    // d out / dt is z: what the `*` node sends back to the `+` node.
    assert_eq!(grads[t], 4.0);
    assert_eq!(grads[out], 1.0);
}

#[test]
fn teaching_example_f32() {
    let g = Graph::<f32>::new();
    let x = g.input("x", 100.0);
    let y = g.input("y", 200.0);
    let z = g.input("z", 4.0);
    let out = (x + y) * z;
    assert_eq!(out.value(), 1200.0_f32);
    let grads = g.backward(out).unwrap();
    assert_eq!([grads[x], grads[y], grads[z]], [4.0_f32, 4.0, 300.0]);
}

#[test]
fn second_example() {
    // ((2·3) + 4)·5 = 50; d/dx4 = 10, d/dx3 = x4 = 5, d/dx1 = x4·x2 = 15, d/dx2 = x4·x1 = 10.
    let g = Graph::new();
    let x1 = g.input("x1", 2.0);
    let x2 = g.input("x2", 3.0);
    let x3 = g.input("x3", 4.0);
    let x4 = g.input("x4", 5.0);
    let out = ((x1 * x2) + x3) * x4;
    assert_eq!(out.value(), 50.0);
    let grads = g.backward(out).unwrap();
    assert_eq!(
        [grads[x1], grads[x2], grads[x3], grads[x4]],
        [15.0, 10.0, 5.0, 10.0]
    );
}

#[test]
fn square_of_a_sum() {
    for (x0, y0) in [(1.5, -4.0), (3.0, 0.25), (-2.0, -0.5)] {
        let g = Graph::new();
        let x = g.input("x", x0);
        let y = g.input("y", y0);
        let out = (x + y).powi(2);
        assert_eq!(out.value(), (x0 + y0) * (x0 + y0));
        let grads = g.backward(out).unwrap();
        assert_eq!(grads[x], 2.0 * (x0 + y0));
        assert_eq!(grads[y], 2.0 * (x0 + y0));
    }
}

#[test]
fn fan_out_accumulates() {
    for x0 in [-1.5, 0.5, 2.0] {
        let g = Graph::new();
        let x = g.input("x", x0);
        let out = x * x * x;
        assert_eq!(out.value(), x0 * x0 * x0);
        assert_eq!(g.backward(out).unwrap()[x], 3.0 * x0 * x0);
    }
    // One node used by two later nodes that meet again: d/dx (x + 1)·(x + 1)·x at 2 is
    // 2(x + 1)·x + (x + 1)² = 12 + 9.
    let g = Graph::new();
    let x = g.input("x", 2.0);
    let s = x + 1.0;
    let out = s * s * x;
    assert_eq!(out.value(), 18.0);
    assert_eq!(g.backward(out).unwrap()[x], 21.0);
}

#[test]
fn constants_on_either_side() {
    let g = Graph::new();
    let x = g.input("x", 4.0);
    // (expression, value, d/dx), worked out by hand at x = 4.
    let cases = [
        (2.0 * x, 8.0, 2.0),
        (x * 2.0, 8.0, 2.0),
        (3.0 + x, 7.0, 1.0),
        (x + 3.0, 7.0, 1.0),
        (x - 1.0, 3.0, 1.0),
        (1.0 - x, -3.0, -1.0),
        (1.0 / x, 0.25, -0.0625),
        (x / 2.0, 2.0, 0.5),
        (g.constant(5.0) * x, 20.0, 5.0),
    ];
    for (k, (out, value, dx)) in cases.into_iter().enumerate() {
        assert_eq!(out.value(), value, "case {k}");
        assert_eq!(g.backward(out).unwrap()[x], dx, "case {k}");
    }
}

#[test]
fn constants_on_either_side_f32() {
    let g = Graph::<f32>::new();
    let x = g.input("x", 4.0);
    assert_eq!(g.backward(2.0_f32 * x).unwrap()[x], 2.0);
    assert_eq!(g.backward(1.0_f32 - x).unwrap()[x], -1.0);
    assert_eq!(g.backward(1.0_f32 / x).unwrap()[x], -0.0625);
    assert_eq!(g.backward(x / 2.0).unwrap()[x], 0.5);
}

#[test]
fn backward_from_an_intermediate_node() {
    let g = Graph::new();
    let x = g.input("x", 100.0);
    let y = g.input("y", 200.0);
    let z = g.input("z", 4.0);
    let t = x + y;
    let out = t * z;
    let grads = g.backward(t).unwrap();
    assert_eq!([grads[x], grads[y], grads[z]], [1.0, 1.0, 0.0]);
    // Nodes recorded after `t` do not feed it.
    assert_eq!(grads[out], 0.0);
    // The sweep from `t` leaves the graph as it was: the full sweep is unchanged.
    let grads = g.backward(out).unwrap();
    assert_eq!([grads[x], grads[y], grads[z]], [4.0, 4.0, 300.0]);
}

#[test]
fn an_input_that_does_not_reach_the_output_has_gradient_zero() {
    let g = Graph::new();
    let x = g.input("x", 3.0);
    let unused = g.input("unused", 7.0);
    let out = x.sin();
    assert_eq!(g.backward(out).unwrap()[unused], 0.0);
}

#[test]
#[should_panic(expected = "handles work only with the graph that made them")]
fn foreign_handle_in_an_operator_panics() {
    let g = Graph::new();
    let h = Graph::new();
    let x = g.input("x", 1.0);
    let y = h.input("y", 2.0);
    let _ = x + y;
}

#[test]
#[should_panic(expected = "handles work only with the graph that made them")]
fn foreign_handle_in_a_method_panics() {
    let g = Graph::new();
    let h = Graph::new();
    let x = g.input("x", 1.0);
    let y = h.input("y", 2.0);
    let _ = x.max(y);
}

#[test]
#[should_panic(expected = "handles work only with the graph that made them")]
fn foreign_handle_indexing_gradients_panics() {
    let g = Graph::new();
    let h = Graph::new();
    let x = g.input("x", 1.0);
    let y = h.input("y", 2.0);
    let grads = g.backward(x.exp()).unwrap();
    let _ = grads[y];
}

#[test]
fn foreign_handle_in_gradients_get_is_an_error() {
    let g = Graph::new();
    let h = Graph::new();
    let x = g.input("x", 1.0);
    let y = h.input("y", 2.0);
    let grads = g.backward(x * 3.0).unwrap();
    assert_eq!(grads.get(x), Ok(3.0));
    let err = grads.get(y).unwrap_err();
    assert_eq!(
        err,
        GraphError::ForeignHandle {
            handle_graph: h.id(),
            used_with: g.id(),
        }
    );
    let message = err.to_string();
    assert!(message.contains(&format!("graph #{}", h.id())), "{message}");
    assert!(message.contains(&format!("graph #{}", g.id())), "{message}");
}

#[test]
fn foreign_handle_in_backward_is_an_error() {
    let g = Graph::new();
    let h = Graph::new();
    let _x = g.input("x", 1.0);
    let y = h.input("y", 2.0);
    let out = y * y;
    assert_eq!(
        g.backward(out),
        Err(GraphError::ForeignHandle {
            handle_graph: h.id(),
            used_with: g.id(),
        })
    );
}

#[test]
fn reading_gradients_for_a_later_node_is_an_error() {
    let g = Graph::new();
    let x = g.input("x", 1.0);
    let first = x.exp();
    let grads = g.backward(first).unwrap();
    let later = x.sin();
    let err = grads.get(later).unwrap_err();
    assert_eq!(
        err,
        GraphError::RecordedAfterBackward {
            index: 2,
            recorded: 2
        }
    );
    assert!(err.to_string().contains("run backward again"), "{err}");
}

#[test]
#[should_panic(expected = "was recorded after the backward pass")]
fn indexing_gradients_with_a_later_node_panics() {
    let g = Graph::new();
    let x = g.input("x", 1.0);
    let grads = g.backward(x.exp()).unwrap();
    let _ = grads[x.sin()];
}

#[test]
#[should_panic(expected = "`add` takes 2 argument(s), 1 given")]
fn wrong_number_of_arguments_panics() {
    let g = Graph::new();
    let x = g.input("x", 1.0);
    let _ = g.apply(backprop_core::Op::Add, &[x]);
}

#[test]
fn graph_fn_through_the_trait() {
    let f = GraphFn::new(["x1", "x2", "x3", "x4"], |[x1, x2, x3, x4]| {
        ((x1 * x2) + x3) * x4
    });
    let point = [2.0, 3.0, 4.0, 5.0];
    assert_eq!(f.inputs(), ["x1", "x2", "x3", "x4"]);
    assert_eq!(f.value(point), 50.0);
    assert_eq!(f.value_and_grad(point), (50.0, [15.0, 10.0, 5.0, 10.0]));
    assert_eq!(f.grad(point), [15.0, 10.0, 5.0, 10.0]);
    let (value, pullback) = f.forward(point);
    assert_eq!(value, 50.0);
    assert_eq!(pullback.backward(2.0), [30.0, 20.0, 10.0, 20.0]);
    assert_eq!(pullback.backward(1.0), [15.0, 10.0, 5.0, 10.0]);
}

#[test]
fn graph_fn_recorded_onto_a_graph() {
    // Generic code sees only the trait.
    fn record_and_sweep<F: Differentiable<f64, 3>>(f: &F, at: [f64; 3]) -> (f64, [f64; 3]) {
        let g = Graph::new();
        let names = f.inputs();
        let inputs = core::array::from_fn(|i| g.input(names[i], at[i]));
        let out = f.record(&g, inputs);
        let grads = g.backward(out).unwrap();
        (out.value(), inputs.map(|v| grads[v]))
    }
    let f = GraphFn::new(["x", "y", "z"], |[x, y, z]| (x + y) * z);
    assert_eq!(
        record_and_sweep(&f, [100.0, 200.0, 4.0]),
        (1200.0, [4.0, 4.0, 300.0])
    );
}

#[test]
#[should_panic(expected = "handles work only with the graph that made them")]
fn graph_fn_recorded_with_foreign_inputs_panics() {
    let f = GraphFn::new(["x"], |[x]| x.exp());
    let g = Graph::new();
    let h = Graph::new();
    let _ = f.record(&g, [h.input("x", 1.0)]);
}

#[test]
fn backward_on_an_empty_graph_is_an_error_not_a_gradient() {
    // The only way to ask an empty graph for a backward pass is with another graph's
    // handle; the answer names the mistake instead of returning an empty gradient.
    let empty: Graph = Graph::new();
    let other = Graph::new();
    let x = other.input("x", 1.0);
    let err = empty.backward(x * 2.0).unwrap_err();
    assert_eq!(
        err,
        GraphError::ForeignHandle {
            handle_graph: other.id(),
            used_with: empty.id(),
        }
    );
    assert!(err
        .to_string()
        .contains("handles work only with the graph that made them"));
    assert!(empty.is_empty());
}
