//! Drawing a recorded graph, with each node's value and gradient: as Graphviz DOT text
//! ([`to_dot`]) and as a standalone SVG laid out here, with no external program
//! ([`to_svg`]).
//!
//! Both drawings show every node of the graph, one box per node, with an arrow from each
//! argument to the operation that uses it, except inside calls (below):
//!
//! - an input shows its name, a constant shows `const`, an operation its symbol (`+`,
//!   `*`) or its name (`sin`, `powi(3)`), a call or a custom node the called function's
//!   name;
//! - below that, `value = …` and, when gradients are given, `grad = …`: the gradient of
//!   the output with respect to that node, as [`Graph::backward`] computed it;
//! - the arguments of an operation whose arguments do not commute (`-`, `/`, `atan2`,
//!   `powf`, `log`, `mul_add`) are labelled with the parameter names of the table of
//!   operations (`a`, `b`; `y`, `x`; …), so `a - b` cannot be misread as `b - a`.
//!
//! The *output* is the last recorded node, the usual end of a recording; it is
//! highlighted. Nodes that do not lead to it (recorded but unused) are drawn too, faded
//! and dashed, so the drawing accounts for the whole tape. Numbers are rounded to four
//! significant digits by [`fmt_number`]; the SVG's tooltips hold them in full.
//!
//! # Calls
//!
//! A call recorded by [`Graph::call`] is drawn as one box in place of all the nodes it
//! recorded, titled with the function's name and coloured apart (violet), with arrows from
//! the call's arguments. It shows the value and gradient of the call's output, and the
//! nodes that use the output draw their arrows from it. Only the outermost calls are
//! drawn so; the calls nested in them are inside, hidden with the rest, and nodes inside
//! that lead nowhere outside the call are simply not drawn. Two rarer cases keep the
//! drawing honest: a node the body used without being given it (a captured handle) also
//! draws an arrow into the call, and a handle smuggled out of a body other than its
//! result is drawn as the call. An [empty](crate::Call::is_empty) call, whose body
//! returned a node it did not record, has no box: its nodes, if any, are drawn as they
//! are. When the last recorded node is inside a call, that call is the output.
//!
//! A custom node of [`Graph::custom`] is one node anyway, drawn in the same colour and
//! titled with its name.
//!
//! [`DrawOptions::expand_calls`](DrawOptions#structfield.expand_calls) draws every node
//! instead, the operations inside calls as operations, and the DOT text frames each call
//! in a cluster labelled with its name ([`to_dot_with`], [`to_svg_with`]).
//!
//! ```
//! use backprop_core::Graph;
//!
//! let g = Graph::new();
//! let (x, y, z) = (g.input("x", 100.0), g.input("y", 200.0), g.input("z", 4.0));
//! let out = (x + y) * z;
//! let grads = g.backward(out).unwrap();
//!
//! let dot = g.to_dot(Some(&grads));
//! assert!(dot.contains(r#"label="+\nvalue = 300\ngrad = 4""#));
//! let svg = g.to_svg(Some(&grads));
//! assert!(svg.contains("<text") && svg.contains("grad = 300"));
//!
//! // sin(sq(x)) + x: the call of sq is one box, its `*` is hidden.
//! let g = Graph::new();
//! let x = g.input("x", 3.0);
//! let out = g.call("sq", &[x], |_, a| a[0] * a[0]).sin() + x;
//! let grads = g.backward(out).unwrap();
//! let dot = g.to_dot(Some(&grads));
//! assert!(dot.contains(r#"n1 [label="sq\nvalue = 9\ngrad = -0.9111""#));
//! assert!(dot.contains("n0 -> n1;") && dot.contains("n1 -> n2;"));
//! assert!(!dot.contains(r#"label="*"#));
//! ```

mod dot;
mod layout;
mod svg;

pub use dot::{to_dot, to_dot_with};
pub use svg::{to_svg, to_svg_with};

use core::fmt::Write;
use core::ops::Range;

use crate::{Call, Float, Gradients, Graph, Node, NodeKind, Op};

impl<T: Float> Graph<T> {
    /// The graph as Graphviz DOT text; see [`draw::to_dot`](to_dot).
    ///
    /// ```
    /// use backprop_core::Graph;
    ///
    /// let g = Graph::new();
    /// let x = g.input("x", 2.0);
    /// let _ = x.sin();
    /// assert!(g.to_dot(None).contains(r#"label="sin\nvalue = 0.9093""#));
    /// ```
    ///
    /// # Panics
    ///
    /// If `grads` were computed on another graph.
    pub fn to_dot(&self, grads: Option<&Gradients<T>>) -> String {
        to_dot(self, grads)
    }

    /// The graph as a standalone SVG document; see [`draw::to_svg`](to_svg).
    ///
    /// ```
    /// use backprop_core::Graph;
    ///
    /// let g = Graph::new();
    /// let x = g.input("x", 3.0);
    /// let out = x.powi(2);
    /// let grads = g.backward(out).unwrap();
    /// let svg = g.to_svg(Some(&grads));
    /// assert!(svg.contains(">powi(2)</text>") && svg.contains(">grad = 6</text>"));
    /// ```
    ///
    /// # Panics
    ///
    /// If `grads` were computed on another graph.
    pub fn to_svg(&self, grads: Option<&Gradients<T>>) -> String {
        to_svg(self, grads)
    }

    /// The graph as Graphviz DOT text, drawn as `options` ask; see
    /// [`draw::to_dot_with`](to_dot_with).
    ///
    /// ```
    /// use backprop_core::{DrawOptions, Graph};
    ///
    /// let g = Graph::new();
    /// let x = g.input("x", 2.0);
    /// let _ = g.call("sq", &[x], |_, a| a[0] * a[0]);
    /// assert!(g.to_dot(None).contains(r#"label="sq\nvalue = 4""#));
    /// let expanded = g.to_dot_with(None, DrawOptions::new().expand_calls(true));
    /// assert!(expanded.contains(r#"label="*\nvalue = 4""#));
    /// ```
    ///
    /// # Panics
    ///
    /// If `grads` were computed on another graph.
    pub fn to_dot_with(&self, grads: Option<&Gradients<T>>, options: DrawOptions) -> String {
        to_dot_with(self, grads, options)
    }

    /// The graph as a standalone SVG document, drawn as `options` ask; see
    /// [`draw::to_svg_with`](to_svg_with).
    ///
    /// ```
    /// use backprop_core::{DrawOptions, Graph};
    ///
    /// let g = Graph::new();
    /// let x = g.input("x", 2.0);
    /// let _ = g.call("sq", &[x], |_, a| a[0] * a[0]);
    /// assert!(g.to_svg(None).contains(">sq</text>"));
    /// let expanded = g.to_svg_with(None, DrawOptions::new().expand_calls(true));
    /// assert!(expanded.contains(">*</text>") && !expanded.contains(">sq</text>"));
    /// ```
    ///
    /// # Panics
    ///
    /// If `grads` were computed on another graph.
    pub fn to_svg_with(&self, grads: Option<&Gradients<T>>, options: DrawOptions) -> String {
        to_svg_with(self, grads, options)
    }
}

/// Formats a number compactly for a drawing: at most four significant digits, trailing
/// zeros dropped, and scientific notation outside 0.001 ≤ |x| < 100 000.
///
/// ```
/// use backprop_core::draw::fmt_number;
///
/// assert_eq!(fmt_number(1200.0), "1200");
/// assert_eq!(fmt_number(0.25), "0.25");
/// assert_eq!(fmt_number(2.0_f64.sqrt()), "1.414");
/// assert_eq!(fmt_number(-1.5e-8), "-1.5e-8");
/// assert_eq!(fmt_number(123456.0), "1.235e5");
/// assert_eq!(fmt_number(f64::NEG_INFINITY), "-inf");
/// ```
pub fn fmt_number(x: f64) -> String {
    if x == 0.0 {
        // Also -0, whose sign says nothing in a drawing.
        return "0".to_owned();
    }
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".to_owned()
        } else if x > 0.0 {
            "inf".to_owned()
        } else {
            "-inf".to_owned()
        };
    }
    let magnitude = x.abs();
    if (1e-3..1e5).contains(&magnitude) {
        // `floor(log10)` can be one off near powers of ten; a fifth digit then is harmless.
        let exponent = magnitude.log10().floor() as i32;
        let decimals = usize::try_from(3 - exponent).unwrap_or(0);
        trim_zeros(&format!("{x:.decimals$}")).to_owned()
    } else {
        let text = format!("{x:.3e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        format!("{}e{exponent}", trim_zeros(mantissa))
    }
}

fn trim_zeros(fixed: &str) -> &str {
    if fixed.contains('.') {
        fixed.trim_end_matches('0').trim_end_matches('.')
    } else {
        fixed
    }
}

/// How to draw a graph: the options of [`to_dot_with`] and [`to_svg_with`]. The default
/// draws each call as one node.
///
/// ```
/// use backprop_core::DrawOptions;
///
/// assert!(!DrawOptions::default().expand_calls);
/// assert!(DrawOptions::new().expand_calls(true).expand_calls);
/// ```
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DrawOptions {
    /// Draw the nodes inside calls recorded by [`Graph::call`] too, every node of the
    /// graph as without calls; the DOT text then frames each call in a cluster labelled
    /// with the function's name. By default (`false`) each outermost call is one node.
    pub expand_calls: bool,
}

impl DrawOptions {
    /// The default options: calls drawn as one node each (see the example on
    /// [`DrawOptions`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// These options with [`expand_calls`](DrawOptions#structfield.expand_calls) set to
    /// `expand` (see the example on [`DrawOptions`]).
    #[must_use]
    pub fn expand_calls(self, expand: bool) -> Self {
        DrawOptions {
            expand_calls: expand,
        }
    }
}

/// What a node is, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Input,
    Constant,
    Op,
    /// A call recorded by [`Graph::call`], drawn as one node.
    Call,
    /// A node recorded by [`Graph::custom`]; coloured like a call.
    Custom,
}

/// One drawn node, as both drawings show it: a node of the graph, or a call drawn as one
/// node in its place.
#[derive(Debug)]
struct Item {
    /// The index of the node it draws: for a call, that of its output, whose value and
    /// gradient it shows. Drawings name nodes by it.
    index: usize,
    /// The nodes it stands for: its own index, or all a call recorded.
    nodes: Range<usize>,
    title: String,
    role: Role,
    value: f64,
    grad: Option<f64>,
    /// The items of the arguments, which come before it.
    args: Vec<usize>,
    /// A label per argument, for operations whose arguments do not commute.
    arg_labels: Option<&'static [&'static str]>,
    is_output: bool,
    /// Whether the node leads to the output (or is it).
    live: bool,
}

impl Item {
    fn value_line(&self) -> String {
        format!("value = {}", fmt_number(self.value))
    }

    fn grad_line(&self) -> Option<String> {
        self.grad.map(|g| format!("grad = {}", fmt_number(g)))
    }

    /// The first line of the tooltip: the node's index and title, and for a call the
    /// nodes drawn inside it.
    fn heading(&self) -> String {
        let mut heading = format!("#{} {}", self.index, self.title);
        if self.role == Role::Call {
            let _ = write!(
                heading,
                " (a call: nodes #{} to #{})",
                self.nodes.start,
                self.nodes.end - 1
            );
        }
        heading
    }
}

/// The graph read into [`Item`]s, the common ground of the DOT and SVG writers: one per
/// node, but one per outermost call instead of its nodes unless `options` expand calls.
fn items<T: Float>(
    graph: &Graph<T>,
    grads: Option<&Gradients<T>>,
    options: DrawOptions,
) -> Vec<Item> {
    if let Some(grads) = grads {
        assert!(
            grads.graph_id() == graph.id(),
            "gradients of graph #{} were given to draw graph #{}: draw a graph with its own \
             gradients",
            grads.graph_id(),
            graph.id()
        );
    }
    let reading = Reading {
        nodes: graph.nodes(),
        args: (0..graph.len()).map(|i| graph.args_of(i)).collect(),
        // Nodes recorded after `backward` ran have no gradient to show.
        grads: grads.map(|g| g.as_slice().iter().map(|g| g.to_f64()).collect()),
    };
    let collapsed = if options.expand_calls {
        Vec::new()
    } else {
        outermost(graph.calls())
    };
    let mut collapsed = collapsed.into_iter().peekable();
    // item[i]: the item that draws node i, or the call that hides it.
    let mut item = vec![0; reading.nodes.len()];
    let mut items = Vec::new();
    let mut i = 0;
    while i < reading.nodes.len() {
        let next = if let Some(call) = collapsed.next_if(|c| c.first == i) {
            reading.call(&call, &item)
        } else {
            reading.node(i, &item)
        };
        item[next.nodes.clone()].fill(items.len());
        i = next.nodes.end;
        items.push(next);
    }
    mark_live(&mut items);
    items
}

/// The calls to draw as one node each: the outermost of those with a node of their own
/// to stand for them (an [empty](crate::Call::is_empty) call draws its nodes as they are).
/// `calls` are in the order they began, so a call comes before those nested in it.
fn outermost(calls: Vec<Call>) -> Vec<Call> {
    let mut drawn: Vec<Call> = Vec::new();
    for call in calls {
        let inside_drawn = drawn.last().is_some_and(|outer| call.first < outer.end);
        if !call.is_empty() && !inside_drawn {
            drawn.push(call);
        }
    }
    drawn
}

/// What the drawings read from a graph, by node index.
struct Reading<T> {
    nodes: Vec<Node<T>>,
    args: Vec<Vec<usize>>,
    grads: Option<Vec<f64>>,
}

impl<T: Float> Reading<T> {
    fn grad(&self, i: usize) -> Option<f64> {
        self.grads.as_ref().and_then(|g| g.get(i).copied())
    }

    /// Node `i` drawn as itself; `item` maps the nodes before it to their items.
    fn node(&self, i: usize, item: &[usize]) -> Item {
        let node = &self.nodes[i];
        let (title, role, arg_labels) = match node.kind {
            NodeKind::Input(name) => (name.to_owned(), Role::Input, None),
            NodeKind::Constant => ("const".to_owned(), Role::Constant, None),
            NodeKind::Op(op) => (op_title(op), Role::Op, arg_labels(op)),
            NodeKind::Custom(name) => (name.to_owned(), Role::Custom, None),
        };
        Item {
            index: i,
            nodes: i..i + 1,
            title,
            role,
            value: node.value.to_f64(),
            grad: self.grad(i),
            args: self.args[i].iter().map(|&a| item[a]).collect(),
            arg_labels,
            is_output: i + 1 == self.nodes.len(),
            live: false,
        }
    }

    /// `call` drawn as one node in place of all it recorded, with the value and gradient
    /// of its output.
    ///
    /// Its arrows come from its arguments, then from any earlier node its body used
    /// without being given it (a handle the body captured), so that nothing it depends on
    /// looks unused. An earlier node hidden in another call is drawn as that call.
    fn call(&self, call: &Call, item: &[usize]) -> Item {
        let mut args: Vec<usize> = call.args.iter().map(|&a| item[a]).collect();
        for inside in call.nodes() {
            for &a in &self.args[inside] {
                if a < call.first && !args.contains(&item[a]) {
                    args.push(item[a]);
                }
            }
        }
        Item {
            index: call.output,
            nodes: call.nodes(),
            title: call.name.to_owned(),
            role: Role::Call,
            value: self.nodes[call.output].value.to_f64(),
            grad: self.grad(call.output),
            args,
            arg_labels: None,
            is_output: call.end == self.nodes.len(),
            live: false,
        }
    }
}

/// Marks the items that lead to the output, the last item (the one that draws the last
/// recorded node), as the drawing shows them: a call's arguments lead to it even if its
/// body ignored them.
fn mark_live(items: &mut [Item]) {
    if let Some(last) = items.last_mut() {
        last.live = true;
    }
    for i in (0..items.len()).rev() {
        let (before, rest) = items.split_at_mut(i);
        if rest[0].live {
            for &a in &rest[0].args {
                before[a].live = true;
            }
        }
    }
}

fn op_title(op: Op) -> String {
    let info = op.info();
    match op {
        Op::Powi(n) => format!("{}({n})", info.name),
        _ => info.symbol.unwrap_or(info.name).to_owned(),
    }
}

fn arg_labels(op: Op) -> Option<&'static [&'static str]> {
    let info = op.info();
    (info.signature.arity() > 1 && !info.commutes).then_some(info.params)
}

#[cfg(test)]
mod tests {
    use super::fmt_number;

    #[test]
    fn numbers_are_compact() {
        let cases = [
            (1200.0, "1200"),
            (300.0, "300"),
            (4.0, "4"),
            (0.25, "0.25"),
            (1.5e-8, "1.5e-8"),
            (-0.0, "0"),
            (0.001, "0.001"),
            (0.000_999_9, "9.999e-4"),
            (99_999.0, "99999"),
            (100_000.0, "1e5"),
            (0.999_96, "1"),
            (-2.755_165, "-2.755"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "inf"),
        ];
        for (x, text) in cases {
            assert_eq!(fmt_number(x), text, "{x}");
        }
    }
}
