//! The surface of the value `grad!` returns: its methods, traits and guarantees.

use backprop::{grad, Differentiable, Graph, Pullback};

fn assert_copy_send_sync<T: Copy + Send + Sync + 'static>(_: &T) {}

#[test]
fn function_and_pullback_are_copy_send_sync() {
    let f = grad!(x.sin() * y);
    assert_copy_send_sync(&f);
    let (_, pullback) = f.forward(1.0, 2.0);
    assert_copy_send_sync(&pullback);
    let g = f; // a copy: `f` stays usable
    assert_eq!(g.value(1.0, 2.0), f.value(1.0, 2.0));
}

#[test]
fn value_is_bit_for_bit_the_value_of_forward() {
    let f = grad!(|a, b| (a.exp() + b.sigmoid()).ln() * a.softplus() / b.hypot(a));
    for (a, b) in [(0.3, -1.7), (2.5, 40.0), (-8.0, 0.001)] {
        let value = f.value(a, b);
        assert_eq!(value.to_bits(), f.forward(a, b).0.to_bits());
        assert_eq!(value.to_bits(), f.value_and_grad(a, b).0.to_bits());
    }
}

#[test]
fn one_forward_pass_pulls_back_several_douts() {
    let f = grad!(x * x * y);
    let (_, pullback) = f.forward(3.0, 5.0);
    // d/dx = 2xy = 30, d/dy = x^2 = 9; backward is linear in dout.
    assert_eq!(pullback.backward(1.0), [30.0, 9.0]);
    assert_eq!(pullback.backward(2.0), [60.0, 18.0]);
    assert_eq!(pullback.backward(-0.5), [-15.0, -4.5]);
    assert_eq!(f.grad(3.0, 5.0), [30.0, 9.0]);
}

#[test]
fn the_trait_takes_arrays_and_agrees_with_the_inherent_methods() {
    let f = grad!((x + y) * z);
    fn through_trait<F: Differentiable<f64, 3>>(f: &F) -> (f64, [f64; 3], [&'static str; 3]) {
        let (value, pullback) = f.forward([100.0, 200.0, 4.0]);
        let grad = Pullback::backward(&pullback, 1.0);
        assert_eq!(f.value_and_grad([100.0, 200.0, 4.0]), (value, grad));
        assert_eq!(f.grad([100.0, 200.0, 4.0]), grad);
        (f.value([100.0, 200.0, 4.0]), grad, f.inputs())
    }
    assert_eq!(
        through_trait(&f),
        (1200.0, [4.0, 4.0, 300.0], ["x", "y", "z"])
    );
}

#[test]
fn record_writes_the_same_operations_onto_the_runtime_graph() {
    let f = grad!(|w, b| (w * 2.0 + b).tanh() * w);
    let graph = Graph::new();
    let w = graph.input("w", 0.7);
    let b = graph.input("b", -0.2);
    let out = f.record(&graph, [w, b]);
    let grads = graph.backward(out).unwrap();
    let (value, [dw, db]) = f.value_and_grad(0.7, -0.2);
    assert_eq!(out.value(), value);
    assert_eq!(grads[w], dw);
    assert_eq!(grads[b], db);
    // w * 2, + b, tanh, * w on top of the two inputs and the constant 2.
    assert_eq!(graph.len(), 7);
}

#[test]
fn single_precision() {
    let f = grad!(|x: f32, y| x * y + x.sin());
    let (value, [dx, dy]) = f.value_and_grad(2.0_f32, 3.0_f32);
    assert_eq!(value, 2.0_f32 * 3.0 + 2.0_f32.sin());
    assert_eq!(dx, 3.0_f32 + 2.0_f32.cos());
    assert_eq!(dy, 2.0_f32);
    let _: [f32; 2] = f.grad(1.0, 1.0);
}

#[test]
fn an_input_that_is_the_output_or_unused() {
    let identity = grad!(|x| x);
    assert_eq!(identity.value_and_grad(4.0), (4.0, [1.0]));
    let unused = grad!(|w, b| w * 3.0);
    assert_eq!(unused.value_and_grad(2.0, 100.0), (6.0, [3.0, 0.0]));
    assert_eq!(unused.inputs(), ["w", "b"]);
}

#[test]
fn fan_out_accumulates_every_path() {
    // x * x * x: three uses of x, d/dx = 3x^2.
    let f = grad!(x * x * x);
    assert_eq!(f.value_and_grad(2.0), (8.0, [12.0]));
    // x used inside and outside a function: d/dx (x sin x) = sin x + x cos x.
    let g = grad!(x * x.sin());
    let x: f64 = 0.8;
    assert_eq!(g.grad(x)[0], x.sin() + x * x.cos());
}
