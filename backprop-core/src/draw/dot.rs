//! The Graphviz DOT writer.

use core::fmt::Write;

use super::{items, DrawOptions, Role};
use crate::{Call, Float, Gradients, Graph};

/// The graph as Graphviz DOT text, flowing left to right (`dot -Tsvg graph.dot`), each
/// call drawn as one node: [`to_dot_with`] with the default [`DrawOptions`].
///
/// Node `n{i}` is the node of index `i`, or the call whose output it is; its label is its
/// title (input name, `const`, operation, or the called function's name), `value = …`
/// and, when `grads` are given, `grad = …`, one per line. Edges run from each argument to
/// its user, labelled at the head with the parameter name where the arguments of an
/// operation do not commute. Colours and highlighting are those of
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
    to_dot_with(graph, grads, DrawOptions::default())
}

/// The graph as Graphviz DOT text, drawn as `options` ask; see [`to_dot`].
///
/// With [`expand_calls`](DrawOptions#structfield.expand_calls), every node is drawn and
/// each call that recorded any is framed in a cluster, `subgraph cluster_{k}`, labelled
/// with the function's name (`k` counts the calls in the order they began, as
/// [`Graph::calls`] lists them); nested calls are nested clusters.
///
/// ```
/// use backprop_core::{draw, DrawOptions, Graph};
///
/// let g = Graph::new();
/// let x = g.input("x", 3.0);
/// let out = g.call("sq", &[x], |_, a| a[0] * a[0]);
/// let grads = g.backward(out).unwrap();
///
/// let collapsed = draw::to_dot_with(&g, Some(&grads), DrawOptions::new());
/// assert!(collapsed.contains(r#"n1 [label="sq\nvalue = 9\ngrad = 1""#));
/// assert!(collapsed.contains("n0 -> n1;") && !collapsed.contains("cluster"));
///
/// let expanded = draw::to_dot_with(&g, Some(&grads), DrawOptions::new().expand_calls(true));
/// assert!(expanded.contains(r#"n1 [label="*\nvalue = 9\ngrad = 1""#));
/// assert!(expanded.contains("subgraph cluster_0 {"));
/// assert!(expanded.contains(r#"label="sq";"#));
/// ```
///
/// # Panics
///
/// If `grads` were computed on another graph.
pub fn to_dot_with<T: Float>(
    graph: &Graph<T>,
    grads: Option<&Gradients<T>>,
    options: DrawOptions,
) -> String {
    let items = items(graph, grads, options);
    let mut dot = String::from("digraph backprop {\n");
    dot.push_str("  rankdir=LR;\n");
    dot.push_str(
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=12];\n",
    );
    dot.push_str(
        "  edge [color=\"#64748b\", arrowsize=0.7, fontsize=10, fontcolor=\"#475569\"];\n",
    );
    for item in &items {
        let mut label = format!("{}\n{}", item.title, item.value_line());
        if let Some(grad) = item.grad_line() {
            label.push('\n');
            label.push_str(&grad);
        }
        let (fill, stroke) = match item.role {
            Role::Input => ("#dbeafe", "#2563eb"),
            Role::Constant => ("#fef3c7", "#b45309"),
            Role::Op => ("#f1f5f9", "#475569"),
            Role::Call | Role::Custom => ("#ede9fe", "#7c3aed"),
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
        let _ = writeln!(
            dot,
            "  n{} [label=\"{}\"{attributes}];",
            item.index,
            escape(&label)
        );
    }
    if options.expand_calls {
        write_clusters(&mut dot, &graph.calls(), graph.len());
    }
    for item in &items {
        let i = item.index;
        for (k, &a) in item.args.iter().enumerate() {
            let a = items[a].index;
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

/// Frames each call's nodes in a cluster, nested as the calls are; a node is listed in
/// the innermost call that recorded it. `calls` are in the order they began.
fn write_clusters(dot: &mut String, calls: &[Call], nodes: usize) {
    // The ends of the clusters open around the current node, innermost last.
    let mut open: Vec<usize> = Vec::new();
    let mut calls = calls.iter().enumerate().peekable();
    for i in 0..nodes {
        close_clusters(dot, &mut open, i);
        while let Some((k, call)) = calls.next_if(|(_, c)| c.first == i) {
            // A call that recorded nothing has nothing to frame.
            if call.nodes().is_empty() {
                continue;
            }
            let indent = "  ".repeat(open.len() + 1);
            let _ = writeln!(dot, "{indent}subgraph cluster_{k} {{");
            let _ = writeln!(
                dot,
                "{indent}  label=\"{}\"; style=\"rounded,dashed\"; color=\"#7c3aed\"; \
                 fontcolor=\"#6d28d9\"; fontname=\"Helvetica\";",
                escape(call.name)
            );
            open.push(call.end);
        }
        if !open.is_empty() {
            let _ = writeln!(dot, "{}n{i};", "  ".repeat(open.len() + 1));
        }
    }
    close_clusters(dot, &mut open, nodes);
}

/// Closes the clusters that end at or before node `i`.
fn close_clusters(dot: &mut String, open: &mut Vec<usize>, i: usize) {
    while open.last().is_some_and(|&end| end <= i) {
        open.pop();
        let _ = writeln!(dot, "{}}}", "  ".repeat(open.len() + 1));
    }
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
