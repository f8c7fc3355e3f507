//! [`Gradients`]: what [`Graph::backward`](super::Graph::backward) returns, read by handle.

use super::{GraphError, Var};
use crate::Float;

/// The result of [`Graph::backward`](super::Graph::backward): the gradient of the output with respect to every
/// node, readable by handle (`grads[x]`, or [`Gradients::get`]).
///
/// ```
/// use backprop_core::Graph;
///
/// let g = Graph::new();
/// let (x, y) = (g.input("x", 3.0), g.input("y", 4.0));
/// let r = x.hypot(y);
/// let grads = g.backward(r).unwrap();
/// assert_eq!((grads[x], grads[y]), (0.6, 0.8));
/// assert_eq!(grads.get(x), Ok(0.6));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients<T> {
    pub(super) graph_id: u64,
    pub(super) grads: Vec<T>,
}

impl<T: Float> Gradients<T> {
    /// The gradient with respect to `var`, or the mistake that makes it meaningless (see
    /// the examples on [`Gradients`] and [`GraphError`]). Indexing, `grads[var]`, panics
    /// instead.
    ///
    /// # Errors
    ///
    /// [`GraphError::ForeignHandle`] if `var` belongs to another graph;
    /// [`GraphError::RecordedAfterBackward`] if it was recorded after these gradients were
    /// computed.
    pub fn get(&self, var: Var<'_, T>) -> Result<T, GraphError> {
        if var.graph.id != self.graph_id {
            return Err(GraphError::ForeignHandle {
                handle_graph: var.graph.id,
                used_with: self.graph_id,
            });
        }
        let index = var.index as usize;
        self.grads
            .get(index)
            .copied()
            .ok_or(GraphError::RecordedAfterBackward {
                index,
                recorded: self.grads.len(),
            })
    }

    /// The gradients of all nodes, by node index (see the example on [`Var::index`]).
    pub fn as_slice(&self) -> &[T] {
        &self.grads
    }

    /// The id of the graph these gradients were computed on, so that drawing can refuse
    /// gradients of another graph.
    pub(crate) fn graph_id(&self) -> u64 {
        self.graph_id
    }
}

impl<T: Float> core::ops::Index<Var<'_, T>> for Gradients<T> {
    type Output = T;

    /// # Panics
    ///
    /// If `var` belongs to another graph or was recorded after these gradients were
    /// computed (see [`Gradients::get`]).
    fn index(&self, var: Var<'_, T>) -> &T {
        if let Err(e) = self.get(var) {
            panic!("{e}");
        }
        &self.grads[var.index as usize]
    }
}
