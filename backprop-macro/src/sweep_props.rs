//! Property test of the reverse sweep: random operation lists, the planned sweep executed
//! step by step, against central differences and against the runtime graph.

use backprop_core::{Graph, Op, OPS};
use proptest::prelude::*;

use crate::diff::sweep;
use crate::ir::{Def, Elem, IntArg, Program, Value};

/// Operations smooth on the whole real line, so central differences are meaningful at any
/// point the generator picks; the other operations are covered by the corpus tests.
const SMOOTH: &[&str] = &[
    "add", "sub", "mul", "neg", "sin", "cos", "tanh", "sigmoid", "softplus", "atan", "mul_add",
    "powi",
];

/// One generated operation: which, its argument picks, a `powi` exponent, and whether it
/// takes a literal as its last argument instead of an earlier value.
type Gen = (usize, [usize; 3], i32, Option<f64>);

fn program(inputs: usize, ops: &[Gen]) -> Program {
    let mut values: Vec<Value> = (0..inputs)
        .map(|k| Value {
            def: Def::Input(k),
            active: true,
            name: None,
        })
        .collect();
    for &(which, picks, exponent, literal) in ops {
        let info = backprop_core::ops::lookup(SMOOTH[which])
            .or_else(|| OPS.iter().find(|op| op.name == SMOOTH[which]))
            .expect("every smooth operation is in the table");
        let arity = info.shape.arity();
        let mut args: Vec<usize> = picks[..arity].iter().map(|p| p % values.len()).collect();
        if let (Some(x), true) = (literal, arity > 1) {
            values.push(Value {
                def: Def::Literal(x),
                active: false,
                name: None,
            });
            args[arity - 1] = values.len() - 1;
        }
        let active = args.iter().any(|&a| values[a].active);
        let int = (info.name == "powi").then_some(IntArg::Literal(exponent));
        values.push(Value {
            def: Def::Op { info, args, int },
            active,
            name: None,
        });
    }
    // The pipeline drops what does not reach the output before the sweep; so does this.
    crate::lower::dead_code::remove(Program {
        elem: Elem::F64,
        inputs: Vec::new(),
        captured: Vec::new(),
        captured_ints: Vec::new(),
        output: values.len() - 1,
        values,
    })
}

fn op_of(def: &Def) -> Option<(Op, &[usize])> {
    match def {
        Def::Op { info, args, int } => {
            let exponent = match int {
                Some(IntArg::Literal(n)) => *n,
                _ => 0,
            };
            Some((Op::from_name(info.name, exponent)?, args))
        }
        _ => None,
    }
}

/// The forward values and auxiliary values of every value of `p` at `x`.
fn forward(p: &Program, x: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut values = Vec::new();
    let mut aux = Vec::new();
    for value in &p.values {
        let (v, a) = match (&value.def, op_of(&value.def)) {
            (Def::Input(k), _) => (x[*k], 0.0),
            (Def::Literal(c), _) => (*c, 0.0),
            (_, Some((op, args))) => {
                let args: Vec<f64> = args.iter().map(|&a| values[a]).collect();
                op.eval(&args)
            }
            _ => unreachable!("the generator makes no captured constants"),
        };
        values.push(v);
        aux.push(a);
    }
    (values, aux)
}

/// Executes the planned sweep: each step's adjoint must be complete when it is visited,
/// and each contribution marked first must indeed be the first.
fn backward(p: &Program, x: &[f64]) -> Vec<f64> {
    let plan = sweep(p);
    let (values, aux) = forward(p, x);
    let mut adjoint: Vec<Option<f64>> = vec![None; p.values.len()];
    adjoint[p.output] = Some(1.0);
    let mut received = vec![0; p.values.len()];
    for step in &plan.steps {
        let d = adjoint[step.value].expect("an adjoint is complete before its step");
        let (op, args) = op_of(&p.values[step.value].def).expect("steps are operations");
        let arg_values: Vec<f64> = args.iter().map(|&a| values[a]).collect();
        let local = op.grad(&arg_values, values[step.value], aux[step.value], d);
        for c in &step.contributions {
            received[c.target] += 1;
            let slot = &mut adjoint[c.target];
            assert_eq!(
                c.first,
                slot.is_none(),
                "first marks the first contribution"
            );
            *slot = Some(slot.unwrap_or(0.0) + local[c.position]);
        }
    }
    assert_eq!(received, plan.uses, "uses counts every contribution");
    (0..x.len()).map(|k| adjoint[k].unwrap_or(0.0)).collect()
}

fn graph_gradient(p: &Program, x: &[f64]) -> Vec<f64> {
    let graph = Graph::new();
    let mut handles = Vec::new();
    for value in &p.values {
        let handle = match (&value.def, op_of(&value.def)) {
            (Def::Input(k), _) => graph.input("x", x[*k]),
            (Def::Literal(c), _) => graph.constant(*c),
            (_, Some((op, args))) => {
                let args: Vec<_> = args.iter().map(|&a| handles[a]).collect();
                graph.apply(op, &args)
            }
            _ => unreachable!(),
        };
        handles.push(handle);
    }
    let grads = graph.backward(handles[p.output]).expect("same graph");
    (0..x.len()).map(|k| grads[handles[k]]).collect()
}

fn gen() -> impl Strategy<Value = Gen> {
    (
        0..SMOOTH.len(),
        any::<[usize; 3]>(),
        0..4_i32,
        prop::option::of(-2.0..2.0_f64),
    )
}

proptest! {
    #[test]
    fn sweep_matches_central_differences_and_the_graph(
        x in prop::collection::vec(-2.0..2.0_f64, 1..4),
        ops in prop::collection::vec(gen(), 1..25),
    ) {
        let p = program(x.len(), &ops);
        let (values, _) = forward(&p, &x);
        prop_assume!(values.iter().all(|v| v.is_finite() && v.abs() < 1e4));
        let analytic = backward(&p, &x);
        let graph = graph_gradient(&p, &x);
        let h = 1e-6;
        for k in 0..x.len() {
            prop_assert!(
                (analytic[k] - graph[k]).abs() <= 1e-12 * (1.0 + graph[k].abs()),
                "input {k}: sweep {} vs graph {}", analytic[k], graph[k]
            );
            let mut up = x.clone();
            let mut down = x.clone();
            up[k] += h;
            down[k] -= h;
            let out = |x: &[f64]| forward(&p, x).0[p.output];
            let numeric = (out(&up) - out(&down)) / (up[k] - down[k]);
            prop_assert!(
                (analytic[k] - numeric).abs() <= 1e-4 + 1e-4 * numeric.abs(),
                "input {k}: sweep {} vs central difference {numeric}", analytic[k]
            );
        }
    }
}
