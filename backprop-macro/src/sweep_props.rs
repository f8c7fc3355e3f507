//! Property test of the reverse sweep: random operation lists, the planned sweep executed
//! step by step, against central differences and against the runtime graph.

use backprop_core::{Graph, Op, OPS};
use proptest::prelude::*;

use crate::ir::{Def, Elem, Program, Type, Value};
use crate::sweep::{plan, Term};

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
            guard: None,
            def: Def::Input(k),
            ty: Type::Float,
            active: true,
            name: None,
        })
        .collect();
    for &(which, picks, exponent, literal) in ops {
        let info = backprop_core::ops::lookup(SMOOTH[which])
            .or_else(|| OPS.iter().find(|op| op.name == SMOOTH[which]))
            .expect("every smooth operation is in the table");
        let arity = info.signature.arity();
        let mut args: Vec<usize> = picks[..arity].iter().map(|p| p % values.len()).collect();
        if let (Some(x), true) = (literal, arity > 1) {
            values.push(Value {
                guard: None,
                def: Def::Literal(x),
                ty: Type::Float,
                active: false,
                name: None,
            });
            args[arity - 1] = values.len() - 1;
        }
        let active = args.iter().any(|&a| values[a].active);
        if info.params.len() > arity {
            // powi's exponent: an integer value of the list like any other.
            values.push(Value {
                guard: None,
                def: Def::IntLiteral(exponent),
                ty: Type::Int,
                active: false,
                name: None,
            });
            args.push(values.len() - 1);
        }
        values.push(Value {
            guard: None,
            def: Def::Op { info, args },
            ty: Type::Float,
            active,
            name: None,
        });
    }
    // The pipeline drops what does not reach the output before the sweep; so does this.
    crate::lower::dead_code::remove(Program {
        elem: Elem::F64,
        params: Vec::new(),
        inputs: Vec::new(),
        branches: Vec::new(),
        arms: Vec::new(),
        captured: Vec::new(),
        output: values.len() - 1,
        values,
        calls: Vec::new(),
        callees: Vec::new(),
        rolled: Vec::new(),
        generics: Vec::new(),
    })
}

/// The runtime operation of value `v` and its float arguments.
fn op_of(p: &Program, v: usize) -> Option<(Op, &[usize])> {
    match &p.values[v].def {
        Def::Op { info, args } => {
            let exponent = match args.get(1).map(|&a| &p.values[a].def) {
                Some(Def::IntLiteral(n)) => *n,
                _ => 0,
            };
            let floats = &args[..info.signature.arity()];
            Some((Op::from_name(info.name, exponent)?, floats))
        }
        _ => None,
    }
}

/// The forward values and auxiliary values of every value of `p` at `x`.
fn forward(p: &Program, x: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut values = Vec::new();
    let mut aux = Vec::new();
    for (id, value) in p.values.iter().enumerate() {
        let (v, a) = match (&value.def, op_of(p, id)) {
            (Def::Input(k), _) => (x[*k], 0.0),
            (Def::Literal(c), _) => (*c, 0.0),
            // The exponent is read by the operation itself, through `op_of`.
            (Def::IntLiteral(_), _) => (0.0, 0.0),
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

/// Executes the planned sweep, each contribution by its planned term: each step's adjoint
/// must be complete when it is visited, and each contribution marked first must indeed be
/// the first.
fn backward(p: &Program, x: &[f64]) -> Vec<f64> {
    let plan = plan(p);
    let (values, aux) = forward(p, x);
    let mut adjoint: Vec<Option<f64>> = vec![None; p.values.len()];
    adjoint[p.output] = Some(1.0);
    let mut received = vec![0; p.values.len()];
    for step in &plan.steps {
        let d = adjoint[step.value].expect("an adjoint is complete before its step");
        let (op, args) = op_of(p, step.value).expect("steps are operations");
        let arg_values: Vec<f64> = args.iter().map(|&a| values[a]).collect();
        let local = op.grad(&arg_values, values[step.value], aux[step.value], d);
        for c in &step.contributions {
            let term = match c.term {
                Term::Pass => d,
                Term::Negate => -d,
                Term::Times(a) => d * values[a],
                Term::Rule(_) => local[c.position],
                Term::Part(_) => unreachable!("these programs call no functions"),
            };
            received[c.target] += 1;
            let slot = &mut adjoint[c.target];
            assert_eq!(
                c.first,
                slot.is_none(),
                "first marks the first contribution"
            );
            *slot = Some(slot.unwrap_or(0.0) + term);
        }
    }
    assert_eq!(received, plan.uses, "uses counts every contribution");
    (0..x.len()).map(|k| adjoint[k].unwrap_or(0.0)).collect()
}

fn graph_gradient(p: &Program, x: &[f64]) -> Vec<f64> {
    let graph = Graph::new();
    let mut handles = Vec::new();
    for (id, value) in p.values.iter().enumerate() {
        let handle = match (&value.def, op_of(p, id)) {
            (Def::Input(k), _) => graph.input("x", x[*k]),
            (Def::Literal(c), _) => graph.constant(*c),
            // Never an argument on the graph: the exponent is part of `Op::Powi(n)`.
            (Def::IntLiteral(_), _) => graph.constant(0.0),
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
                (analytic[k] - numeric).abs() <= 1e-4 + 1e-3 * numeric.abs(),
                "input {k}: sweep {} vs central difference {numeric}", analytic[k]
            );
        }
    }
}
