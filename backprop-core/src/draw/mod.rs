//! Drawing a recorded graph, with each node's value and gradient: as Graphviz DOT text
//! ([`to_dot`]) and as a standalone SVG laid out here, with no external program
//! ([`to_svg`]).
//!
//! Both drawings show every node of the graph, one box per node, with an arrow from each
//! argument to the operation that uses it:
//!
//! - an input shows its name, a constant shows `const`, an operation its symbol (`+`,
//!   `*`) or its name (`sin`, `powi(3)`);
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
//! ```

mod dot;
mod layout;
mod svg;

pub use dot::to_dot;
pub use svg::to_svg;

use crate::{Float, Gradients, Graph, NodeKind, Op};

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

/// What a node is, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Input,
    Constant,
    Op,
    /// A call of a named function: a custom node, or a call drawn collapsed.
    Call,
}

/// One node as both drawings show it.
#[derive(Debug)]
struct Item {
    title: String,
    role: Role,
    value: f64,
    grad: Option<f64>,
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
}

/// The graph read into [`Item`]s, the common ground of the DOT and SVG writers.
fn items<T: Float>(graph: &Graph<T>, grads: Option<&Gradients<T>>) -> Vec<Item> {
    if let Some(grads) = grads {
        assert!(
            grads.graph_id() == graph.id(),
            "gradients of graph #{} were given to draw graph #{}: draw a graph with its own \
             gradients",
            grads.graph_id(),
            graph.id()
        );
    }
    let nodes = graph.nodes();
    let args: Vec<Vec<usize>> = (0..nodes.len()).map(|i| graph.args_of(i)).collect();
    let mut live = vec![false; nodes.len()];
    if let Some(last) = live.last_mut() {
        *last = true;
    }
    for i in (0..nodes.len()).rev() {
        if live[i] {
            for &a in &args[i] {
                live[a] = true;
            }
        }
    }
    nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let (title, role, arg_labels) = match node.kind {
                NodeKind::Input(name) => (name.to_owned(), Role::Input, None),
                NodeKind::Constant => ("const".to_owned(), Role::Constant, None),
                NodeKind::Op(op) => (op_title(op), Role::Op, arg_labels(op)),
                NodeKind::Custom(name) => (name.to_owned(), Role::Call, None),
            };
            Item {
                title,
                role,
                value: node.value.to_f64(),
                // Nodes recorded after `backward` ran have no gradient to show.
                grad: grads.and_then(|g| g.as_slice().get(i)).map(|g| g.to_f64()),
                args: args[i].clone(),
                arg_labels,
                is_output: i + 1 == nodes.len(),
                live: live[i],
            }
        })
        .collect()
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
