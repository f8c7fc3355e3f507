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
//!
//! A call of a differentiable function can be recorded two ways, both of which the
//! drawings show as one node named after the function: [`Graph::call`] replays the
//! function's operations as ordinary nodes and remembers which nodes the call recorded
//! (a [`Call`]), and [`Graph::custom`] records one node whose derivative the caller
//! supplies.

use core::cell::{Cell, RefCell};
use core::fmt;
use core::sync::atomic::{AtomicU64, Ordering};

use crate::{Float, Op};

pub use calls::Call;
use calls::CustomRecord;

/// What a node of the graph is.
///
/// ```
/// use backprop_core::{Graph, NodeKind, Op};
///
/// let g = Graph::new();
/// let x = g.input("x", 2.0);
/// let _ = x * 3.0;
/// let kinds: Vec<NodeKind> = g.nodes().iter().map(|node| node.kind).collect();
/// assert_eq!(kinds, [NodeKind::Input("x"), NodeKind::Constant, NodeKind::Op(Op::Mul)]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// An input, with its name; the gradient is reported for it.
    Input(&'static str),
    /// A constant leaf.
    Constant,
    /// The result of an operation on earlier nodes.
    Op(Op),
    /// A call of the named function with a derivative supplied by the caller, recorded by
    /// [`Graph::custom`]. It takes any number of arguments, so they are kept beside the
    /// node: read them with [`Graph::args_of`].
    Custom(&'static str),
}

/// One recorded node: what it is, its arguments (indices of earlier nodes) and its values.
///
/// ```
/// use backprop_core::Graph;
///
/// let g = Graph::new();
/// let (a, b) = (g.input("a", 3.0), g.input("b", -2.0));
/// let out = a.max(b);
/// let node = g.nodes()[out.index()];
/// assert_eq!(node.args(), [0, 1]);
/// assert_eq!(node.value, 3.0);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Node<T> {
    /// What the node is.
    pub kind: NodeKind,
    /// The indices of the arguments of an operation; only the first `arity` are
    /// meaningful. A [custom node](NodeKind::Custom) keeps its arguments beside the node
    /// (it may have more than three), so here it has none: [`Graph::args_of`] reads the
    /// arguments of every kind of node.
    pub args: [u32; 3],
    /// The number of arguments in `args` (0 for leaves and custom nodes).
    pub arity: u8,
    /// The forward value.
    pub value: T,
    /// The auxiliary value the operation saved for its derivative (0 if none).
    pub aux: T,
}

impl<T: Float> Node<T> {
    /// The indices of the node's arguments, in call order (see the example on [`Node`]).
    /// Empty for a custom node, whose arguments only the graph knows: see
    /// [`Graph::args_of`].
    pub fn args(&self) -> &[u32] {
        &self.args[..usize::from(self.arity)]
    }
}

/// A mistake in the use of a graph, reported instead of a wrong number.
///
/// ```
/// use backprop_core::{Graph, GraphError};
///
/// let (g, h) = (Graph::new(), Graph::new());
/// let x = g.input("x", 1.0);
/// let y = h.input("y", 1.0);
/// let err = g.backward(y).unwrap_err();
/// assert_eq!(
///     err,
///     GraphError::ForeignHandle { handle_graph: h.id(), used_with: g.id() }
/// );
///
/// // Gradients computed before `late` was recorded do not cover it.
/// let grads = g.backward(x).unwrap();
/// let late = x.sin();
/// assert!(matches!(grads.get(late), Err(GraphError::RecordedAfterBackward { .. })));
/// ```
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
/// allocates nothing beyond that growth; only calls ([`Graph::call`]) and custom nodes
/// ([`Graph::custom`]) allocate, for what they keep beside the nodes. Handles borrow the
/// graph; operations on them append to it through a `RefCell`, which is why a graph is
/// not `Sync`.
///
/// ```
/// use backprop_core::Graph;
///
/// let g: Graph<f32> = Graph::new();
/// assert!(g.is_empty());
/// let x = g.input("x", 3.0);
/// let out = x * x + 1.0; // records x * x, the constant 1 and the sum
/// assert_eq!(g.len(), 4);
/// assert_eq!(out.value(), 10.0);
/// assert_eq!(g.backward(out).unwrap()[x], 6.0);
/// ```
pub struct Graph<T: Float = f64> {
    id: u64,
    nodes: RefCell<Vec<Node<T>>>,
    /// The calls recorded by [`Graph::call`], each with the number of calls begun before
    /// it, in the order they returned (a nested call before the call that contains it).
    calls: RefCell<Vec<(usize, Call)>>,
    /// The number of calls begun so far.
    calls_begun: Cell<usize>,
    /// The arguments and derivatives of the custom nodes, in node order, so that the
    /// reverse sweep meets them in reverse.
    customs: RefCell<Vec<CustomRecord<T>>>,
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
            .field("calls", &self.calls())
            .field("customs", &self.customs.borrow())
            .finish()
    }
}

impl<T: Float> Graph<T> {
    /// An empty graph with a fresh id.
    ///
    /// ```
    /// use backprop_core::Graph;
    ///
    /// let (g, h) = (Graph::<f64>::new(), Graph::<f64>::new());
    /// assert!(g.is_empty());
    /// assert_ne!(g.id(), h.id());
    /// ```
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
            calls: RefCell::new(Vec::new()),
            calls_begun: Cell::new(0),
            customs: RefCell::new(Vec::new()),
        }
    }

    /// The graph's id, unique in the process; error messages name graphs by it (see the
    /// example on [`Graph::new`]).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The number of recorded nodes (see the example on [`Graph`]).
    pub fn len(&self) -> usize {
        self.nodes.borrow().len()
    }

    /// `true` if nothing has been recorded (see the example on [`Graph`]).
    pub fn is_empty(&self) -> bool {
        self.nodes.borrow().is_empty()
    }

    /// A copy of the recorded nodes, in recording order (for drawing and inspection).
    ///
    /// ```
    /// use backprop_core::{Graph, NodeKind};
    ///
    /// let g = Graph::new();
    /// let x = g.input("x", 0.0);
    /// let _ = x.cos();
    /// let nodes = g.nodes();
    /// assert_eq!(nodes.len(), 2);
    /// assert_eq!(nodes[0].kind, NodeKind::Input("x"));
    /// assert_eq!(nodes[1].value, 1.0);
    /// ```
    pub fn nodes(&self) -> Vec<Node<T>> {
        self.nodes.borrow().clone()
    }

    /// Records an input named `name` with the value `value`.
    ///
    /// ```
    /// use backprop_core::Graph;
    ///
    /// let g = Graph::new();
    /// let x = g.input("x", 2.0);
    /// let out = x.exp();
    /// assert_eq!(g.backward(out).unwrap()[x], 2.0_f64.exp());
    /// ```
    pub fn input(&self, name: &'static str, value: T) -> Var<'_, T> {
        self.push(NodeKind::Input(name), [0; 3], 0, value, T::ZERO)
    }

    /// Records a constant leaf. Its gradient is computed like any node's, but it is not
    /// an input: nothing is differentiated by it unless you read it.
    ///
    /// ```
    /// use backprop_core::Graph;
    ///
    /// let g = Graph::new();
    /// let x = g.input("x", 2.0);
    /// let k = g.constant(5.0);
    /// let out = k * x; // the same as `5.0 * x`
    /// let grads = g.backward(out).unwrap();
    /// assert_eq!((grads[x], grads[k]), (5.0, 2.0));
    /// ```
    pub fn constant(&self, value: T) -> Var<'_, T> {
        self.push(NodeKind::Constant, [0; 3], 0, value, T::ZERO)
    }

    /// Records `op` applied to `args` and returns the handle of its result. This is what
    /// the operators and methods of [`Var`] call; it takes any row of the table by its
    /// [`Op`].
    ///
    /// ```
    /// use backprop_core::{Graph, Op};
    ///
    /// let g = Graph::new();
    /// let (y, x) = (g.input("y", 1.0), g.input("x", 1.0));
    /// let angle = g.apply(Op::Atan2, &[y, x]);
    /// assert_eq!(angle.value(), std::f64::consts::FRAC_PI_4);
    /// let cube = g.apply(Op::Powi(3), &[x]);
    /// assert_eq!(g.backward(cube).unwrap()[x], 3.0);
    /// ```
    ///
    /// # Panics
    ///
    /// If `args.len()` is not the operation's arity, or a handle belongs to another graph.
    pub fn apply<'g>(&'g self, op: Op, args: &[Var<'g, T>]) -> Var<'g, T> {
        let arity = op.info().signature.arity();
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

    /// The indices of the arguments of node `node`, in call order, whatever its kind: those
    /// of [`Node::args`], or a custom node's, which it keeps beside the node.
    ///
    /// ```
    /// use backprop_core::Graph;
    ///
    /// let g = Graph::new();
    /// let (x, y, z) = (g.input("x", 1.0), g.input("y", 2.0), g.input("z", 2.0));
    /// let sum = x + y;
    /// // The length of (x, y, z), with its derivative: each component over the length.
    /// let norm = g.custom("norm3", &[x, y, z], 3.0, |dout| {
    ///     vec![dout / 3.0, 2.0 * dout / 3.0, 2.0 * dout / 3.0]
    /// });
    /// assert_eq!(g.args_of(sum.index()), [0, 1]);
    /// assert_eq!(g.args_of(norm.index()), [0, 1, 2]);
    /// assert!(g.nodes()[norm.index()].args().is_empty());
    /// assert!(g.args_of(x.index()).is_empty());
    /// ```
    ///
    /// # Panics
    ///
    /// If the graph holds no node `node`.
    pub fn args_of(&self, node: usize) -> Vec<usize> {
        let nodes = self.nodes.borrow();
        assert!(
            node < nodes.len(),
            "graph #{} holds {} nodes, so no node #{node}",
            self.id,
            nodes.len()
        );
        match nodes[node].kind {
            NodeKind::Custom(_) => self.custom_args(node),
            _ => nodes[node].args().iter().map(|&a| a as usize).collect(),
        }
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
    /// ```
    /// use backprop_core::Graph;
    ///
    /// let g = Graph::new();
    /// let x = g.input("x", 3.0);
    /// let out = x * x * x; // x is used three times: its gradient sums three paths
    /// let grads = g.backward(out).unwrap();
    /// assert_eq!(grads[x], 27.0);
    /// assert_eq!(grads[out], 1.0);
    /// ```
    ///
    /// # Errors
    ///
    /// [`GraphError::ForeignHandle`] if `output` belongs to another graph.
    pub fn backward(&self, output: Var<'_, T>) -> Result<Gradients<T>, GraphError> {
        self.owns(output)?;
        let nodes = self.nodes.borrow();
        let customs = self.customs.borrow();
        let end = output.index as usize + 1;
        let mut grads = vec![T::ZERO; nodes.len()];
        grads[output.index as usize] = T::ONE;
        // The custom nodes not yet swept are `customs[..pending]`.
        let mut pending = customs.partition_point(|c| c.node() < end);
        for i in (0..end).rev() {
            let node = &nodes[i];
            match node.kind {
                NodeKind::Op(op) => {
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
                NodeKind::Custom(name) => {
                    pending -= 1;
                    customs[pending].pull_back(name, &mut grads);
                }
                NodeKind::Input(_) | NodeKind::Constant => {}
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
///
/// Operators take two handles, or a handle and a number of the element type on either
/// side (the number is recorded as a constant).
///
/// ```
/// use backprop_core::Graph;
///
/// let g = Graph::new();
/// let (w, b) = (g.input("w", 0.5), g.input("b", -1.0));
/// let loss = (w * 2.0 + b).sigmoid().ln() * -1.0;
/// let grads = g.backward(loss).unwrap();
/// // d/dw −ln σ(2w + b) = −2 (1 − σ(2w + b)) = −2 · 0.5 at 2w + b = 0.
/// assert_eq!(grads[w], -1.0);
/// assert_eq!(loss.graph().id(), g.id());
/// ```
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
    /// The node's forward value (see the example on [`Var`]).
    pub fn value(self) -> T {
        self.graph.nodes.borrow()[self.index as usize].value
    }

    /// The node's index in its graph's recording order, which indexes
    /// [`Graph::nodes`] and [`Gradients::as_slice`].
    ///
    /// ```
    /// use backprop_core::Graph;
    ///
    /// let g = Graph::new();
    /// let x = g.input("x", 1.0);
    /// let y = x + x;
    /// assert_eq!((x.index(), y.index()), (0, 1));
    /// assert_eq!(g.backward(y).unwrap().as_slice(), [2.0, 1.0]);
    /// ```
    pub fn index(self) -> usize {
        self.index as usize
    }

    /// The graph the handle belongs to (see the example on [`Var`]).
    pub fn graph(self) -> &'g Graph<T> {
        self.graph
    }
}

mod calls;
mod gradients;
mod var_ops;

pub use gradients::Gradients;
