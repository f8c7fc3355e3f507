//! Runtime core of backprop: the table of operations and their rules, the computational
//! graph, the trait every differentiable function implements, and drawing a graph.
#![deny(missing_docs)]

pub mod draw;
mod float;
mod function;
pub mod graph;
pub mod ops;
pub mod rules;

pub use float::Float;
pub use function::{Differentiable, GraphFn, Pullback, ScaledGradient};
pub use graph::{Gradients, Graph, GraphError, Node, NodeKind, Var};
pub use ops::{Op, OpInfo, Shape, OPS};
