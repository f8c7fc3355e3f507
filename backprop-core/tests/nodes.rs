//! The teaching-code nodes: the seed examples wired by hand, and every operation's node
//! against the graph's gradient for the same operation.

use backprop_core::nodes::*;
use backprop_core::{Graph, Op, OPS};

#[test]
fn teaching_example_by_hand() {
    let (x, y, z) = (100.0, 200.0, 4.0);
    let mut add = AddNode::new();
    let mut mul = MulNode::new();

    // forward
    let t = add.forward(x, y);
    let out = mul.forward(t, z);
    assert_eq!(t, 300.0);
    assert_eq!(out, 1200.0);

    // backward, in the reverse order
    let dout = 1.0;
    let (dt, dz) = mul.backward(dout);
    let (dx, dy) = add.backward(dt);
    assert_eq!((dt, dz), (4.0, 300.0));
    assert_eq!((dx, dy, dz), (4.0, 4.0, 300.0));
}

#[test]
fn teaching_example_by_hand_f32() {
    let mut add = AddNode::<f32>::new();
    let mut mul = MulNode::<f32>::new();
    let out = mul.forward(add.forward(100.0, 200.0), 4.0);
    assert_eq!(out, 1200.0);
    let (dt, dz) = mul.backward(1.0);
    assert_eq!(add.backward(dt), (4.0, 4.0));
    assert_eq!(dz, 300.0);
}

#[test]
fn second_and_third_examples_by_hand() {
    // ((x1·x2) + x3)·x4 at (2, 3, 4, 5) = 50; gradient (15, 10, 5, 10).
    let (mut m1, mut a, mut m2) = (MulNode::new(), AddNode::new(), MulNode::new());
    let out = m2.forward(a.forward(m1.forward(2.0, 3.0), 4.0), 5.0);
    assert_eq!(out, 50.0);
    let (ds, dx4) = m2.backward(1.0);
    let (dp, dx3) = a.backward(ds);
    let (dx1, dx2) = m1.backward(dp);
    assert_eq!([dx1, dx2, dx3, dx4], [15.0, 10.0, 5.0, 10.0]);

    // (x + y)² at (1.5, −4): value 6.25, d/dx = d/dy = 2(x + y) = −5.
    let (mut add, mut square) = (AddNode::new(), PowiNode::new(2));
    assert_eq!(square.forward(add.forward(1.5, -4.0)), 6.25);
    assert_eq!(add.backward(square.backward(1.0)), (-5.0, -5.0));
}

#[test]
fn fan_out_is_summed_by_the_caller() {
    // x·x·x at x = −1.5: the value x reaches both inputs of the first node and the second
    // input of the next; its gradient is the sum of the three, 3x² = 6.75.
    let x = -1.5;
    let (mut first, mut second) = (MulNode::new(), MulNode::new());
    let out = second.forward(first.forward(x, x), x);
    assert_eq!(out, -3.375);
    let (dsquare, dx_c) = second.backward(1.0);
    let (dx_a, dx_b) = first.backward(dsquare);
    assert_eq!(dx_a + dx_b + dx_c, 6.75);
}

#[test]
fn a_node_keeps_the_last_forward_pass() {
    let mut mul = MulNode::new();
    mul.forward(3.0, 5.0);
    // backward takes &self: several douts from one forward pass.
    assert_eq!(mul.backward(1.0), (5.0, 3.0));
    assert_eq!(mul.backward(2.0), (10.0, 6.0));
    let saved = mul; // Copy: a snapshot of the saved inputs
    mul.forward(-1.0, 7.0);
    assert_eq!(mul.backward(1.0), (7.0, -1.0));
    assert_eq!(saved.backward(1.0), (5.0, 3.0));
    assert_eq!(MulNode::<f64>::default(), MulNode::new());
}

#[test]
fn powi_node_holds_its_exponent() {
    let mut cube = PowiNode::new(3);
    assert_eq!(cube.exponent(), 3);
    assert_eq!(cube.op(), Op::Powi(3));
    assert_eq!(cube.forward(-2.0), -8.0);
    assert_eq!(cube.backward(1.0), 12.0);
}

/// The node for the operation called `name`, run forward at `args` and backward with
/// `dout`: the operation it reports, its value and its gradients.
fn through_node(name: &str, args: &[f64], dout: f64) -> (Op, f64, Vec<f64>) {
    macro_rules! run {
        ($node:expr, $x:ident) => {{
            let mut node = $node;
            let value = node.forward(args[0]);
            (node.op(), value, vec![node.backward(dout)])
        }};
        ($node:expr, $x:ident $y:ident) => {{
            let mut node = $node;
            let value = node.forward(args[0], args[1]);
            let (dx, dy) = node.backward(dout);
            (node.op(), value, vec![dx, dy])
        }};
        ($node:expr, $a:ident $b:ident $c:ident) => {{
            let mut node = $node;
            let value = node.forward(args[0], args[1], args[2]);
            let (da, db, dc) = node.backward(dout);
            (node.op(), value, vec![da, db, dc])
        }};
    }
    match name {
        "add" => run!(AddNode::new(), x y),
        "sub" => run!(SubNode::new(), x y),
        "mul" => run!(MulNode::new(), x y),
        "div" => run!(DivNode::new(), x y),
        "neg" => run!(NegNode::new(), x),
        "powi" => run!(PowiNode::new(3), x),
        "powf" => run!(PowfNode::new(), x y),
        "sqrt" => run!(SqrtNode::new(), x),
        "cbrt" => run!(CbrtNode::new(), x),
        "exp" => run!(ExpNode::new(), x),
        "exp2" => run!(Exp2Node::new(), x),
        "exp_m1" => run!(ExpM1Node::new(), x),
        "ln" => run!(LnNode::new(), x),
        "ln_1p" => run!(Ln1pNode::new(), x),
        "log2" => run!(Log2Node::new(), x),
        "log10" => run!(Log10Node::new(), x),
        "log" => run!(LogNode::new(), x y),
        "recip" => run!(RecipNode::new(), x),
        "sin" => run!(SinNode::new(), x),
        "cos" => run!(CosNode::new(), x),
        "tan" => run!(TanNode::new(), x),
        "asin" => run!(AsinNode::new(), x),
        "acos" => run!(AcosNode::new(), x),
        "atan" => run!(AtanNode::new(), x),
        "atan2" => run!(Atan2Node::new(), x y),
        "sinh" => run!(SinhNode::new(), x),
        "cosh" => run!(CoshNode::new(), x),
        "tanh" => run!(TanhNode::new(), x),
        "abs" => run!(AbsNode::new(), x),
        "max" => run!(MaxNode::new(), x y),
        "min" => run!(MinNode::new(), x y),
        "hypot" => run!(HypotNode::new(), x y),
        "mul_add" => run!(MulAddNode::new(), a b c),
        "sigmoid" => run!(SigmoidNode::new(), x),
        "relu" => run!(ReluNode::new(), x),
        "softplus" => run!(SoftplusNode::new(), x),
        "erf" => run!(ErfNode::new(), x),
        "erfc" => run!(ErfcNode::new(), x),
        "silu" => run!(SiluNode::new(), x),
        "gelu" => run!(GeluNode::new(), x),
        "gelu_tanh" => run!(GeluTanhNode::new(), x),
        "elu" => run!(EluNode::new(), x),
        "leaky_relu" => run!(LeakyReluNode::new(), x y),
        "log_sigmoid" => run!(LogSigmoidNode::new(), x),
        "logaddexp" => run!(LogaddexpNode::new(), x y),
        "clamp" => run!(ClampNode::new(), a b c),
        "signum" => run!(SignumNode::new(), x),
        "floor" => run!(FloorNode::new(), x),
        "ceil" => run!(CeilNode::new(), x),
        "round" => run!(RoundNode::new(), x),
        "trunc" => run!(TruncNode::new(), x),
        other => panic!("no node for the operation `{other}`: add one to `nodes`"),
    }
}

/// Both the same number, or both NaN.
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn every_node_matches_the_graph() {
    // Points in every domain (0.3, 0.7, (0.4, 2.5)), and some outside a few (negative
    // arguments of ln, sqrt, powf), where both must give the same NaN.
    let points: [&[&[f64]]; 3] = [
        &[&[0.3], &[0.7], &[-0.6], &[2.5]],
        &[&[0.4, 2.5], &[1.5, 0.5], &[-0.7, 3.1], &[2.0, 2.0]],
        &[&[1.5, -2.0, 0.5], &[-0.3, 4.0, -1.0]],
    ];
    for info in OPS {
        for &args in points[info.signature.arity() - 1] {
            for dout in [1.0, -2.0, 0.75] {
                let (op, value, grads) = through_node(info.name, args, dout);
                assert!(core::ptr::eq(op.info(), info), "{}", info.name);

                // The graph seeded with dout: a final product by the constant dout sends
                // exactly dout back to the operation.
                let g = Graph::new();
                let inputs: Vec<_> = args.iter().map(|&a| g.input("a", a)).collect();
                let y = g.apply(op, &inputs);
                let out = y * dout;
                let by_graph = g.backward(out).unwrap();

                let what = format!("{}{args:?}, dout = {dout}", info.name);
                assert!(same(value, y.value()), "{what}: value");
                assert_eq!(grads.len(), args.len(), "{what}");
                for (k, &v) in inputs.iter().enumerate() {
                    let (node, graph) = (grads[k], by_graph[v]);
                    assert!(
                        same(node, graph),
                        "{what}: d/d{}: node {node}, graph {graph}",
                        info.params[k]
                    );
                }
            }
        }
    }
}
