//! The runtime computational graph: a Wengert list (tape) in an arena.
//!
//! A [`Graph`] records every operation applied to its handles ([`Var`]) as one node of a
//! flat list, values and arguments by index. [`Graph::backward`] runs one reverse sweep
//! over that list, the chain rule applied node by node with each operation's rule from
//! [`rules`](crate::rules), and returns the gradient of the output with respect to every
//! node.
//!
//! ```
//! use backprop_core::Graph;
//!
//! let g = Graph::new();
//! let x = g.input("x", 100.0);
//! let y = g.input("y", 200.0);
//! let z = g.input("z", 4.0);
//! let out = (x + y) * z;
//! assert_eq!(out.value(), 1200.0);
//! let grads = g.backward(out).unwrap();
//! assert_eq!([grads[x], grads[y], grads[z]], [4.0, 4.0, 300.0]);
//! ```

use core::cell::RefCell;
use core::fmt;
use core::sync::atomic::{AtomicU64, Ordering};

use crate::{Float, Op};

/// What a node of the graph is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// An input, with its name; the gradient is reported for it.
    Input(&'static str),
    /// A constant leaf.
    Constant,
    /// The result of an operation on earlier nodes.
    Op(Op),
}

/// One recorded node: what it is, its arguments (indices of earlier nodes) and its values.
#[derive(Clone, Copy, Debug)]
pub struct Node<T> {
    /// What the node is.
    pub kind: NodeKind,
    /// The indices of the arguments; only the first `arity` are meaningful.
    pub args: [u32; 3],
    /// The number of arguments (0 for leaves).
    pub arity: u8,
    /// The forward value.
    pub value: T,
    /// The auxiliary value the operation saved for its derivative (0 if none).
    pub aux: T,
}

impl<T: Float> Node<T> {
    /// The indices of the node's arguments.
    pub fn args(&self) -> &[u32] {
        &self.args[..usize::from(self.arity)]
    }
}

/// A mistake in the use of a graph, reported instead of a wrong number.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum GraphError {
    /// A handle was used with a graph other than the one that made it.
    ForeignHandle {
        /// The id of the graph the handle belongs to.
        handle_graph: u64,
        /// The id of the graph it was used with.
        used_with: u64,
    },
    /// Gradients were read for a node recorded after the backward pass that computed
    /// them: most likely gradients of an earlier output, read for a newer expression.
    RecordedAfterBackward {
        /// The node's index.
        index: usize,
        /// How many nodes the graph held when the gradients were computed.
        recorded: usize,
    },
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GraphError::ForeignHandle {
                handle_graph,
                used_with,
            } => write!(
                f,
                "a handle of graph #{handle_graph} was used with graph #{used_with}: \
                 handles work only with the graph that made them"
            ),
            GraphError::RecordedAfterBackward { index, recorded } => write!(
                f,
                "node #{index} was recorded after the backward pass that computed these \
                 gradients (which cover the first {recorded} nodes): run backward again"
            ),
        }
    }
}

impl std::error::Error for GraphError {}

static NEXT_GRAPH_ID: AtomicU64 = AtomicU64::new(1);

/// A computational graph over the element type `T` (`f64` by default).
///
/// Nodes live in one arena (a `Vec` grown by doubling), so recording an operation
/// allocates nothing beyond that growth. Handles borrow the graph; operations on them
/// append to it through a `RefCell`, which is why a graph is not `Sync`.
pub struct Graph<T: Float = f64> {
    id: u64,
    nodes: RefCell<Vec<Node<T>>>,
}

impl<T: Float> Default for Graph<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Float> fmt::Debug for Graph<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Graph")
            .field("id", &self.id)
            .field("nodes", &self.nodes.borrow())
            .finish()
    }
}

impl<T: Float> Graph<T> {
    /// An empty graph with a fresh id.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty graph whose arena holds `nodes` nodes before it grows, so that recording
    /// an expression of known size allocates once.
    ///
    /// ```
    /// use backprop_core::Graph;
    ///
    /// let g = Graph::with_capacity(6);
    /// let x = g.input("x", 3.0);
    /// let y = g.input("y", 4.0);
    /// let out = (x * x + y * y).sqrt();
    /// assert_eq!((g.len(), out.value()), (6, 5.0));
    /// ```
    pub fn with_capacity(nodes: usize) -> Self {
        Graph {
            id: NEXT_GRAPH_ID.fetch_add(1, Ordering::Relaxed),
            nodes: RefCell::new(Vec::with_capacity(nodes)),
        }
    }

    /// The graph's id, unique in the process; error messages name graphs by it.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The number of recorded nodes.
    pub fn len(&self) -> usize {
        self.nodes.borrow().len()
    }

    /// `true` if nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.nodes.borrow().is_empty()
    }

    /// A copy of the recorded nodes, in recording order (for drawing and inspection).
    pub fn nodes(&self) -> Vec<Node<T>> {
        self.nodes.borrow().clone()
    }

    /// Records an input named `name` with the value `value`.
    pub fn input(&self, name: &'static str, value: T) -> Var<'_, T> {
        self.push(NodeKind::Input(name), [0; 3], 0, value, T::ZERO)
    }

    /// Records a constant leaf.
    pub fn constant(&self, value: T) -> Var<'_, T> {
        self.push(NodeKind::Constant, [0; 3], 0, value, T::ZERO)
    }

    /// Records `op` applied to `args` and returns the handle of its result.
    ///
    /// # Panics
    ///
    /// If `args.len()` is not the operation's arity, or a handle belongs to another graph.
    pub fn apply<'g>(&'g self, op: Op, args: &[Var<'g, T>]) -> Var<'g, T> {
        let arity = op.info().shape.arity();
        assert!(
            args.len() == arity,
            "`{}` takes {arity} argument(s), {} given",
            op.info().name,
            args.len()
        );
        let mut index = [0_u32; 3];
        let mut values = [T::ZERO; 3];
        for (k, arg) in args.iter().enumerate() {
            self.check(*arg);
            index[k] = arg.index;
            values[k] = arg.value();
        }
        let (value, aux) = op.eval(&values[..arity]);
        // `arity` is at most 3.
        self.push(NodeKind::Op(op), index, arity as u8, value, aux)
    }

    fn push(&self, kind: NodeKind, args: [u32; 3], arity: u8, value: T, aux: T) -> Var<'_, T> {
        let mut nodes = self.nodes.borrow_mut();
        let index = u32::try_from(nodes.len()).expect("a graph holds at most u32::MAX nodes");
        nodes.push(Node {
            kind,
            args,
            arity,
            value,
            aux,
        });
        Var { graph: self, index }
    }

    /// Panics with a message naming the mistake if `var` belongs to another graph.
    pub(crate) fn check(&self, var: Var<'_, T>) {
        if let Err(e) = self.owns(var) {
            panic!("{e}");
        }
    }

    fn owns(&self, var: Var<'_, T>) -> Result<(), GraphError> {
        if var.graph.id == self.id {
            Ok(())
        } else {
            Err(GraphError::ForeignHandle {
                handle_graph: var.graph.id,
                used_with: self.id,
            })
        }
    }

    /// Runs the reverse sweep from `output` (seeded with d output = 1) and returns the
    /// gradient of `output` with respect to every node.
    ///
    /// Each node is visited once, in reverse recording order; a node used several times
    /// accumulates the contributions of all its uses.
    ///
    /// # Errors
    ///
    /// [`GraphError::ForeignHandle`] if `output` belongs to another graph.
    pub fn backward(&self, output: Var<'_, T>) -> Result<Gradients<T>, GraphError> {
        self.owns(output)?;
        let nodes = self.nodes.borrow();
        let end = output.index as usize + 1;
        let mut grads = vec![T::ZERO; nodes.len()];
        grads[output.index as usize] = T::ONE;
        for i in (0..end).rev() {
            let node = &nodes[i];
            let NodeKind::Op(op) = node.kind else {
                continue;
            };
            let dout = grads[i];
            let mut args = [T::ZERO; 3];
            for (k, &a) in node.args().iter().enumerate() {
                args[k] = nodes[a as usize].value;
            }
            let local = op.grad(&args[..node.args().len()], node.value, node.aux, dout);
            for (k, &a) in node.args().iter().enumerate() {
                grads[a as usize] += local[k];
            }
        }
        Ok(Gradients {
            graph_id: self.id,
            grads,
        })
    }
}

/// A handle to a node of a [`Graph`]: cheap to copy, with operators and a method for every
/// operation, each of which records a new node.
#[derive(Clone, Copy)]
pub struct Var<'g, T: Float = f64> {
    graph: &'g Graph<T>,
    index: u32,
}

impl<T: Float> fmt::Debug for Var<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Var")
            .field("graph", &self.graph.id)
            .field("index", &self.index)
            .field("value", &self.value())
            .finish()
    }
}

impl<'g, T: Float> Var<'g, T> {
    /// The node's forward value.
    pub fn value(self) -> T {
        self.graph.nodes.borrow()[self.index as usize].value
    }

    /// The node's index in its graph's recording order.
    pub fn index(self) -> usize {
        self.index as usize
    }

    /// The graph the handle belongs to.
    pub fn graph(self) -> &'g Graph<T> {
        self.graph
    }
}

/// The result of [`Graph::backward`]: the gradient of the output with respect to every
/// node, readable by handle (`grads[x]`, or [`Gradients::get`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients<T> {
    graph_id: u64,
    grads: Vec<T>,
}

impl<T: Float> Gradients<T> {
    /// The gradient with respect to `var`.
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

    /// The gradients of all nodes, by node index.
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

mod var_ops;
