//! The Graphviz DOT writer.

use core::fmt::Write;

use super::{items, Role};
use crate::{Float, Gradients, Graph};

/// The graph as Graphviz DOT text, flowing left to right (`dot -Tsvg graph.dot`).
///
/// Node `n{i}` is the node of index `i`; its label is its title (input name, `const`, or
/// operation), `value = …` and, when `grads` are given, `grad = …`, one per line. Edges
/// run from each argument to its operation, labelled at the head with the parameter name
/// where the arguments do not commute. Colours and highlighting are those of
/// [`to_svg`](super::to_svg); see the [module docs](super).
///
/// ```
/// use backprop_core::{draw, Graph};
///
/// let g = Graph::new();
/// let x = g.input("x", 3.0);
/// let out = x - 1.0;
/// let grads = g.backward(out).unwrap();
///
/// let dot = draw::to_dot(&g, Some(&grads));
/// assert!(dot.starts_with("digraph backprop {"));
/// assert!(dot.contains(r#"n0 [label="x\nvalue = 3\ngrad = 1""#));
/// assert!(dot.contains(r#"n1 [label="const\nvalue = 1\ngrad = -1""#));
/// assert!(dot.contains(r#"n1 -> n2 [headlabel="b"]"#));
/// ```
///
/// # Panics
///
/// If `grads` were computed on another graph.
pub fn to_dot<T: Float>(graph: &Graph<T>, grads: Option<&Gradients<T>>) -> String {
    let items = items(graph, grads);
    let mut dot = String::from("digraph backprop {\n");
    dot.push_str("  rankdir=LR;\n");
    dot.push_str(
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=12];\n",
    );
    dot.push_str(
        "  edge [color=\"#64748b\", arrowsize=0.7, fontsize=10, fontcolor=\"#475569\"];\n",
    );
    for (i, item) in items.iter().enumerate() {
        let mut label = format!("{}\n{}", item.title, item.value_line());
        if let Some(grad) = item.grad_line() {
            label.push('\n');
            label.push_str(&grad);
        }
        let (fill, stroke) = match item.role {
            Role::Input => ("#dbeafe", "#2563eb"),
            Role::Constant => ("#fef3c7", "#b45309"),
            Role::Op => ("#f1f5f9", "#475569"),
            Role::Call => ("#ede9fe", "#7c3aed"),
        };
        let attributes = if item.is_output {
            r##", fillcolor="#dcfce7", color="#15803d", penwidth=2.5"##.to_owned()
        } else if item.live {
            format!(r#", fillcolor="{fill}", color="{stroke}""#)
        } else {
            r##", fillcolor="#f8fafc", color="#94a3b8", fontcolor="#94a3b8", style="rounded,filled,dashed""##
                .to_owned()
        };
        // Writing to a `String` cannot fail.
        let _ = writeln!(dot, "  n{i} [label=\"{}\"{attributes}];", escape(&label));
    }
    for (i, item) in items.iter().enumerate() {
        for (k, &a) in item.args.iter().enumerate() {
            let mut attributes = Vec::new();
            if let Some(label) = item.arg_labels.and_then(|l| l.get(k)) {
                attributes.push(format!("headlabel=\"{}\"", escape(label)));
            }
            if !item.live {
                attributes.push(r##"style=dashed, color="#cbd5e1""##.to_owned());
            }
            let _ = if attributes.is_empty() {
                writeln!(dot, "  n{a} -> n{i};")
            } else {
                writeln!(dot, "  n{a} -> n{i} [{}];", attributes.join(", "))
            };
        }
    }
    dot.push_str("}\n");
    dot
}

/// Escapes text for a double-quoted DOT string; `\n` is DOT's centred line break.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            // A lone backslash would start a DOT escape such as `\N` (the node's name).
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}
