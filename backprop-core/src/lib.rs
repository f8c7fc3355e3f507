//! Runtime core of backprop: the table of operations and their rules, the computational
//! graph, the trait every differentiable function implements, numerical derivatives, the
//! gradient check, and drawing a graph.
#![deny(missing_docs)]

pub mod draw;
mod dual;
mod float;
mod function;
pub mod gradcheck;
pub mod graph;
pub mod nodes;
pub mod numeric;
pub mod ops;
pub mod rules;
pub mod trace;

pub use draw::DrawOptions;
pub use dual::Dual;
pub use float::Float;
pub use function::{
    Both, Callee, ConstantArg, Differentiable, DifferentiableTwice, GraphFn, HigherOrder, Lift, No,
    Param, Promote, Pullback, Resolve, Scalar, ScaledGradient, SecondOrder, Yes,
};
pub use gradcheck::{gradcheck, GradCheck, GradCheckReport, InputCheck};
pub use graph::{Call, Gradients, Graph, GraphError, Node, NodeKind, Var};
// The module holds only node types, one per operation: a glob keeps this list in step
// with the table.
pub use nodes::*;
pub use ops::{Op, OpInfo, ParamType, Partial, Read, Signature, OPS};
pub use trace::{Pass, StepText, Trace, TraceStep};
