//! Calls of differentiable functions: replayed as ordinary nodes that the graph remembers
//! as one call ([`Graph::call`]), or recorded as one node with a derivative supplied by
//! the caller ([`Graph::custom`]).

use core::fmt;
use core::ops::Range;

use super::{Graph, NodeKind, Var};
use crate::Float;

/// One call recorded by [`Graph::call`]: which function, on which nodes, and which nodes
/// its body recorded.
///
/// The nodes a call recorded are `first..end`, its result is `output`; a call made inside
/// another's body lies inside the other's nodes. The reverse sweep does not need any of
/// this (the nodes are ordinary operations); the drawings do, to show a call as one node.
///
/// ```
/// use backprop_core::{Call, Graph};
///
/// let g = Graph::new();
/// let x = g.input("x", 3.0);
/// let y = g.call("sq", &[x], |_, args| args[0] * args[0]);
/// assert_eq!(
///     g.calls(),
///     [Call { name: "sq", args: vec![0], first: 1, end: 2, output: 1 }]
/// );
/// assert_eq!(y.value(), 9.0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The function's name.
    pub name: &'static str,
    /// The indices of the arguments' nodes, in call order.
    pub args: Vec<usize>,
    /// The index of the first node the call recorded: the graph's length when it began.
    pub first: usize,
    /// One past the index of the last node the call recorded: the graph's length when
    /// it returned.
    pub end: usize,
    /// The index of the call's result. Below `first` if the body returned a node it did
    /// not record (see [`Call::is_empty`]).
    pub output: usize,
}

impl Call {
    /// The indices of the nodes the call recorded, those of its nested calls included.
    ///
    /// ```
    /// use backprop_core::Graph;
    ///
    /// let g = Graph::new();
    /// let x = g.input("x", 0.5);
    /// let _ = g.call("sinsq", &[x], |_, args| args[0].sin().powi(2));
    /// assert_eq!(g.calls()[0].nodes(), 1..3);
    /// ```
    pub fn nodes(&self) -> Range<usize> {
        self.first..self.end
    }

    /// `true` if the call's result is not one of its own nodes: its body recorded nothing,
    /// or returned one of its arguments or another node recorded before the call. Such a
    /// call has no node of its own to stand for it, so the drawings draw the nodes it
    /// recorded, if any, as though it had not been a call.
    ///
    /// ```
    /// use backprop_core::Graph;
    ///
    /// let g = Graph::new();
    /// let x = g.input("x", 2.0);
    /// let same = g.call("identity", &[x], |_, args| args[0]);
    /// let call = &g.calls()[0];
    /// assert!(call.is_empty() && call.nodes().is_empty());
    /// assert_eq!((same.index(), call.output), (x.index(), 0));
    /// ```
    pub fn is_empty(&self) -> bool {
        self.output < self.first
    }
}

/// What the graph keeps beside a custom node: its arguments and its derivative.
pub(super) struct CustomRecord<T> {
    node: u32,
    args: Vec<u32>,
    backward: Box<dyn Fn(T) -> Vec<T> + Send>,
}

impl<T> fmt::Debug for CustomRecord<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The derivative is a closure, which has nothing to print.
        f.debug_struct("Custom")
            .field("node", &self.node)
            .field("args", &self.args)
            .finish_non_exhaustive()
    }
}

impl<T: Float> CustomRecord<T> {
    /// The index of the custom node.
    pub(super) fn node(&self) -> usize {
        self.node as usize
    }

    /// Adds the node's contributions to its arguments' gradients, in the reverse sweep.
    ///
    /// # Panics
    ///
    /// If the derivative returns other than one gradient per argument.
    pub(super) fn pull_back(&self, name: &str, grads: &mut [T]) {
        let local = (self.backward)(grads[self.node()]);
        assert!(
            local.len() == self.args.len(),
            "the backward of `{name}` returned {} gradient(s) for its {} argument(s): it must \
             return one per argument, in the order of the arguments",
            local.len(),
            self.args.len()
        );
        for (&a, g) in self.args.iter().zip(local) {
            grads[a as usize] += g;
        }
    }
}

impl<T: Float> Graph<T> {
    /// Records a call of a differentiable function named `name` on `args` by replaying its
    /// operations: `body` records them on this graph (it is given the graph and the
    /// handles `args`). The nodes it records form one call, which the drawings show as one
    /// node labelled `name` unless asked to show its inside (see
    /// [`draw`](crate::draw)).
    ///
    /// The reverse sweep sees only the replayed operations, so the gradient is the same as
    /// without the call. Calls nest: a body may itself call `call`. A body that records
    /// nothing or returns one of its arguments makes an [empty](Call::is_empty) call,
    /// listed by [`Graph::calls`] but drawn as nothing of its own.
    ///
    /// ```
    /// use backprop_core::Graph;
    ///
    /// let g = Graph::new();
    /// let x = g.input("x", 3.0);
    /// // quad(x) = sq(x)², with sq(x) = x·x called inside it.
    /// let out = g.call("quad", &[x], |g, args| {
    ///     let s = g.call("sq", args, |_, a| a[0] * a[0]);
    ///     s * s
    /// });
    /// assert_eq!(out.value(), 81.0);
    /// assert_eq!(g.backward(out).unwrap()[x], 4.0 * 27.0);
    /// let names: Vec<_> = g.calls().iter().map(|c| c.name).collect();
    /// assert_eq!(names, ["quad", "sq"]);
    /// ```
    ///
    /// # Panics
    ///
    /// If a handle of `args`, or the one `body` returns, belongs to another graph; and
    /// whenever `body` panics.
    pub fn call<'g>(
        &'g self,
        name: &'static str,
        args: &[Var<'g, T>],
        body: impl FnOnce(&'g Graph<T>, &[Var<'g, T>]) -> Var<'g, T>,
    ) -> Var<'g, T> {
        for &arg in args {
            self.check(arg);
        }
        let first = self.len();
        let begun = self.calls_begun.get();
        self.calls_begun.set(begun + 1);
        let output = body(self, args);
        self.check(output);
        // Pushed once the body has returned, so that a body that panics leaves no
        // half-made call behind.
        self.calls.borrow_mut().push((
            begun,
            Call {
                name,
                args: args.iter().map(|a| a.index()).collect(),
                first,
                end: self.len(),
                output: output.index(),
            },
        ));
        output
    }

    /// The calls recorded by [`Graph::call`], in the order they began: a call before the
    /// calls nested in it (see the example on [`Graph::call`]).
    pub fn calls(&self) -> Vec<Call> {
        let calls = self.calls.borrow();
        // Stored in the order they returned; the node they began at does not tell a call
        // that contains another from an empty call before it.
        let mut began: Vec<&(usize, Call)> = calls.iter().collect();
        began.sort_unstable_by_key(|&&(begun, _)| begun);
        began.into_iter().map(|(_, call)| call.clone()).collect()
    }

    /// Records one node for a call of `name`, a function with a user-supplied derivative:
    /// its value `value`, and `backward`, which maps the node's incoming gradient `dout` to
    /// one gradient per argument, in the order of `args`.
    ///
    /// The node's kind is [`NodeKind::Custom`]; it takes any number of arguments, which
    /// [`Graph::args_of`] reads. The reverse sweep calls `backward` with the node's
    /// gradient and adds what it returns into the arguments' gradients. `backward` must be
    /// `Send` so that the graph stays `Send`.
    ///
    /// ```
    /// use backprop_core::{Graph, NodeKind};
    ///
    /// let g = Graph::new();
    /// let (x, y) = (g.input("x", 3.0), g.input("y", 4.0));
    /// let (a, b): (f64, f64) = (x.value(), y.value());
    /// let r = a.hypot(b);
    /// let hypot = g.custom("hypot", &[x, y], r, move |dout| vec![dout * a / r, dout * b / r]);
    /// let out = hypot * 2.0;
    /// assert_eq!(g.nodes()[hypot.index()].kind, NodeKind::Custom("hypot"));
    /// let grads = g.backward(out).unwrap();
    /// assert_eq!((grads[x], grads[y]), (1.2, 1.6));
    /// ```
    ///
    /// # Panics
    ///
    /// If a handle of `args` belongs to another graph; in [`Graph::backward`], if
    /// `backward` returns other than one gradient per argument.
    pub fn custom<'g>(
        &'g self,
        name: &'static str,
        args: &[Var<'g, T>],
        value: T,
        backward: impl Fn(T) -> Vec<T> + Send + 'static,
    ) -> Var<'g, T> {
        for &arg in args {
            self.check(arg);
        }
        let var = self.push(NodeKind::Custom(name), [0; 3], 0, value, T::ZERO);
        self.customs.borrow_mut().push(CustomRecord {
            node: var.index,
            args: args.iter().map(|a| a.index).collect(),
            backward: Box::new(backward),
        });
        var
    }

    /// The arguments of custom node `node`.
    pub(super) fn custom_args(&self, node: usize) -> Vec<usize> {
        let customs = self.customs.borrow();
        let k = customs
            .binary_search_by_key(&node, CustomRecord::node)
            .expect("every custom node has its record");
        customs[k].args.iter().map(|&a| a as usize).collect()
    }
}
