//! Drawing recorded graphs as DOT and SVG: every node with its value and gradient, worked
//! out by hand; calls drawn as one node or expanded; the SVG parsed as XML to read its
//! labels and boxes.

use backprop_core::{draw, DrawOptions, Gradients, Graph, Var};

/// One drawn node of an SVG: its node index (from its id), classes, `<text>` lines and box.
#[derive(Debug)]
struct SvgNode {
    index: usize,
    classes: Vec<String>,
    texts: Vec<String>,
    rect: [f64; 4],
}

fn svg_nodes(svg: &str) -> Vec<SvgNode> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && classes(n).iter().any(|c| c == "node"))
        .map(|g| {
            let rect = g
                .children()
                .find(|c| c.has_tag_name("rect"))
                .expect("a box");
            let number = |a: &str| rect.attribute(a).unwrap().parse::<f64>().unwrap();
            let id = g.attribute("id").expect("an id");
            SvgNode {
                index: id.strip_prefix("node-").unwrap().parse().unwrap(),
                classes: classes(&g),
                texts: g
                    .children()
                    .filter(|c| c.has_tag_name("text"))
                    .map(|t| t.text().unwrap_or("").to_owned())
                    .collect(),
                rect: [number("x"), number("y"), number("width"), number("height")],
            }
        })
        .collect()
}

fn classes(node: &roxmltree::Node) -> Vec<String> {
    node.attribute("class")
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// The (from, to) node indices and the port label, if any, of every SVG edge.
fn svg_edges(svg: &str) -> Vec<(usize, usize, Option<String>)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("edge"))
        .map(|g| {
            let end = |a: &str| g.attribute(a).unwrap().parse().unwrap();
            let label = g.children().find(|c| c.has_tag_name("text"));
            (
                end("data-from"),
                end("data-to"),
                label.map(|t| t.text().unwrap().to_owned()),
            )
        })
        .collect()
}

fn lines(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|t| (*t).to_owned()).collect()
}

/// Boxes do not overlap, and each argument's box lies left of its user's.
fn assert_clean_layout(svg: &str) {
    let nodes = svg_nodes(svg);
    for (i, a) in nodes.iter().enumerate() {
        for b in &nodes[i + 1..] {
            let apart = a.rect[0] + a.rect[2] <= b.rect[0]
                || b.rect[0] + b.rect[2] <= a.rect[0]
                || a.rect[1] + a.rect[3] <= b.rect[1]
                || b.rect[1] + b.rect[3] <= a.rect[1];
            assert!(apart, "{a:?} overlaps {b:?}");
        }
    }
    // Edges name nodes by index, which is not their place in the document once calls
    // are drawn as one node.
    let node = |index: usize| nodes.iter().find(|n| n.index == index).unwrap();
    for (from, to, _) in svg_edges(svg) {
        assert!(node(from).rect[0] + node(from).rect[2] < node(to).rect[0]);
    }
}

/// The teaching example: out = (x + y) * z at x = 100, y = 200, z = 4.
fn teaching(g: &Graph) -> Gradients<f64> {
    let (x, y, z) = (g.input("x", 100.0), g.input("y", 200.0), g.input("z", 4.0));
    let out = (x + y) * z;
    g.backward(out).unwrap()
}

#[test]
fn teaching_graph_dot() {
    let g = Graph::new();
    let grads = teaching(&g);
    let dot = g.to_dot(Some(&grads));
    assert!(dot.starts_with("digraph backprop {\n  rankdir=LR;"));
    for line in [
        r#"n0 [label="x\nvalue = 100\ngrad = 4""#,
        r#"n1 [label="y\nvalue = 200\ngrad = 4""#,
        r#"n2 [label="z\nvalue = 4\ngrad = 300""#,
        r#"n3 [label="+\nvalue = 300\ngrad = 4""#,
        r##"n4 [label="*\nvalue = 1200\ngrad = 1", fillcolor="#dcfce7", color="#15803d", penwidth=2.5]"##,
        // `+` and `*` commute, so their edges carry no labels.
        "n0 -> n3;\n",
        "n1 -> n3;\n",
        "n3 -> n4;\n",
        "n2 -> n4;\n",
    ] {
        assert!(dot.contains(line), "no {line} in\n{dot}");
    }
    assert_eq!(dot.matches(" -> ").count(), 4);
    assert_eq!(dot.matches("[label=").count(), g.len());
    assert_eq!(
        dot.matches("penwidth").count(),
        1,
        "only the output is highlighted"
    );
    assert_eq!(dot, draw::to_dot(&g, Some(&grads)));
}

#[test]
fn teaching_graph_svg() {
    let g = Graph::new();
    let grads = teaching(&g);
    let svg = g.to_svg(Some(&grads));
    let nodes = svg_nodes(&svg);
    assert_eq!(nodes.len(), g.len());
    let expected = [
        (["x", "value = 100", "grad = 4"], "node input"),
        (["y", "value = 200", "grad = 4"], "node input"),
        (["z", "value = 4", "grad = 300"], "node input"),
        (["+", "value = 300", "grad = 4"], "node op"),
        (["*", "value = 1200", "grad = 1"], "node op output"),
    ];
    for (node, (texts, class)) in nodes.iter().zip(expected) {
        assert_eq!(node.texts, lines(&texts));
        assert_eq!(node.classes.join(" "), class);
    }
    let mut edges = svg_edges(&svg);
    edges.sort();
    assert_eq!(
        edges,
        [(0, 3, None), (1, 3, None), (2, 4, None), (3, 4, None)]
    );
    assert_clean_layout(&svg);
    // Inputs in recording order, top to bottom; each operation right of its arguments.
    let top = |i: usize| nodes[i].rect[1];
    assert!(top(0) < top(1) && top(1) < top(2));
    assert_eq!(svg, draw::to_svg(&g, Some(&grads)));
}

/// A larger graph with `sin`, `powi`, a constant, a non-commuting `-`, fan-out of x and y,
/// and an unused node. At x = 0.5, y = 2:
///
/// a = sin x = 0.479426, b = y³ = 8, c = 3y = 6, d = b - c = 2, e = a·d = 0.958851,
/// out = e + x = 1.458851; backward from d out = 1: de = 1, da = d = 2, dd = a,
/// db = a, dc = -a, dconst = y·dc = -0.958851, dy = 3y²·a - 3a = 9a = 4.314833,
/// dx = 1 + cos(0.5)·2 = 2.755165, and the unused exp(x) = 1.648721 gets 0.
fn larger(g: &Graph) -> Gradients<f64> {
    let x = g.input("x", 0.5);
    let y = g.input("y", 2.0);
    let a = x.sin();
    let b = y.powi(3);
    let c = 3.0 * y;
    let d = b - c;
    let _unused = x.exp();
    let e = a * d;
    let out = e + x;
    g.backward(out).unwrap()
}

const LARGER: [([&str; 3], &str); 10] = [
    (["x", "value = 0.5", "grad = 2.755"], "node input"),
    (["y", "value = 2", "grad = 4.315"], "node input"),
    (["sin", "value = 0.4794", "grad = 2"], "node op"),
    (["powi(3)", "value = 8", "grad = 0.4794"], "node op"),
    (["const", "value = 3", "grad = -0.9589"], "node constant"),
    (["*", "value = 6", "grad = -0.4794"], "node op"),
    (["-", "value = 2", "grad = 0.4794"], "node op"),
    (["exp", "value = 1.649", "grad = 0"], "node op unused"),
    (["*", "value = 0.9589", "grad = 1"], "node op"),
    (["+", "value = 1.459", "grad = 1"], "node op output"),
];

#[test]
fn larger_graph_svg() {
    let g = Graph::new();
    let grads = larger(&g);
    let svg = g.to_svg(Some(&grads));
    let nodes = svg_nodes(&svg);
    assert_eq!(nodes.len(), g.len());
    for (node, (texts, class)) in nodes.iter().zip(LARGER) {
        assert_eq!(node.texts, lines(&texts));
        assert_eq!(node.classes.join(" "), class);
    }
    let mut edges = svg_edges(&svg);
    edges.sort();
    let b = |s: &str| Some(s.to_owned());
    assert_eq!(
        edges,
        [
            (0, 2, None),
            (0, 7, None),
            (0, 9, None),
            (1, 3, None),
            (1, 5, None),
            (2, 8, None),
            (3, 6, b("a")),
            (4, 5, None),
            (5, 6, b("b")),
            (6, 8, None),
            (8, 9, None),
        ]
    );
    assert_clean_layout(&svg);
    // x reaches + four columns right and sin reaches * two columns right, each through
    // one shared trunk line.
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let trunks: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("trunk"))
        .map(|n| n.attribute("data-from").unwrap())
        .collect();
    assert_eq!(trunks, ["0", "2"]);
    // Columns: x, y and the constant; sin, powi, * and exp; -; *; +.
    let column = |i: usize| nodes[i].rect[0];
    let pitch = column(2) - column(0);
    assert!(pitch > nodes[0].rect[2]);
    for (i, c) in [0, 0, 1, 1, 0, 1, 2, 1, 3, 4].into_iter().enumerate() {
        assert_eq!(column(i), column(0) + f64::from(c) * pitch, "node {i}");
    }
}

#[test]
fn larger_graph_dot() {
    let g = Graph::new();
    let grads = larger(&g);
    let dot = g.to_dot(Some(&grads));
    for (i, (texts, _)) in LARGER.iter().enumerate() {
        let label = format!(r#"n{i} [label="{}""#, texts.join(r"\n"));
        assert!(dot.contains(&label), "no {label} in\n{dot}");
    }
    for line in [
        "n3 -> n6 [headlabel=\"a\"];",
        "n5 -> n6 [headlabel=\"b\"];",
        "n4 -> n5;",
        "n0 -> n7 [style=dashed",
        "n0 -> n9;",
    ] {
        assert!(dot.contains(line), "no {line} in\n{dot}");
    }
    assert_eq!(dot.matches(" -> ").count(), 11);
}

#[test]
fn without_gradients_no_grad_lines() {
    let g = Graph::new();
    teaching(&g);
    let svg = g.to_svg(None);
    let nodes = svg_nodes(&svg);
    assert_eq!(nodes.len(), 5);
    assert_eq!(nodes[3].texts, ["+", "value = 300"]);
    assert!(nodes.iter().all(|n| n.texts.len() == 2));
    let dot = g.to_dot(None);
    assert!(dot.contains(r#"n4 [label="*\nvalue = 1200""#));
    assert!(!svg.contains("grad") && !dot.contains("grad"));
}

#[test]
fn names_are_escaped() {
    let g = Graph::new();
    let x = g.input("a<&>\"b'", 1.0);
    let y = g.input(r"\N", 2.0);
    let out = x * y;
    let grads = g.backward(out).unwrap();

    let svg = g.to_svg(Some(&grads));
    assert!(svg.contains(">a&lt;&amp;&gt;&quot;b&apos;</text>"));
    let nodes = svg_nodes(&svg);
    assert_eq!(nodes[0].texts, ["a<&>\"b'", "value = 1", "grad = 2"]);
    assert_eq!(nodes[1].texts, [r"\N", "value = 2", "grad = 1"]);

    let dot = g.to_dot(Some(&grads));
    assert!(
        dot.contains(r#"n0 [label="a<&>\"b'\nvalue = 1\ngrad = 2""#),
        "{dot}"
    );
    assert!(
        dot.contains(r#"n1 [label="\\N\nvalue = 2\ngrad = 1""#),
        "{dot}"
    );
}

#[test]
fn single_input_draws() {
    let g = Graph::new();
    g.input("only", 1.5);
    let svg = g.to_svg(None);
    let nodes = svg_nodes(&svg);
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0].texts, ["only", "value = 1.5"]);
    assert_eq!(nodes[0].classes.join(" "), "node input output");
    assert!(svg_edges(&svg).is_empty());
    let dot = g.to_dot(None);
    assert!(dot.contains(r#"n0 [label="only\nvalue = 1.5""#));
    assert!(!dot.contains("->"));
}

#[test]
fn empty_graph_draws_nothing_validly() {
    let g = Graph::<f64>::new();
    assert!(svg_nodes(&g.to_svg(None)).is_empty());
    assert_eq!(
        g.to_dot(None),
        "digraph backprop {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", \
         fontname=\"Helvetica\", fontsize=12];\n  edge [color=\"#64748b\", arrowsize=0.7, \
         fontsize=10, fontcolor=\"#475569\"];\n}\n"
    );
}

#[test]
fn repeated_argument_and_f32() {
    // x * x at x = 0.1 in f32: value 0.01, gradient 2x = 0.2, two edges into one node.
    let g = Graph::<f32>::new();
    let x = g.input("x", 0.1);
    let out = x * x;
    let grads = g.backward(out).unwrap();
    let svg = g.to_svg(Some(&grads));
    let nodes = svg_nodes(&svg);
    assert_eq!(nodes[0].texts, ["x", "value = 0.1", "grad = 0.2"]);
    assert_eq!(nodes[1].texts, ["*", "value = 0.01", "grad = 1"]);
    assert_eq!(svg_edges(&svg), [(0, 1, None), (0, 1, None)]);
    // The two arrows end at separate points of the box's side, not on top of each other.
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let paths: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("marker-end").is_some())
        .map(|n| n.attribute("d").unwrap().to_owned())
        .collect();
    assert_eq!(paths.len(), 2);
    assert_ne!(paths[0], paths[1]);
    assert_clean_layout(&svg);
    assert_eq!(g.to_dot(Some(&grads)).matches("n0 -> n1;").count(), 2);
}

#[test]
fn nodes_recorded_after_backward_have_no_gradient() {
    let g = Graph::new();
    let grads = teaching(&g);
    let x = g.input("w", 7.0);
    let _ = x.exp();
    let nodes = svg_nodes(&g.to_svg(Some(&grads)));
    assert_eq!(nodes.len(), 7);
    assert_eq!(nodes[4].texts, ["*", "value = 1200", "grad = 1"]);
    assert_eq!(nodes[5].texts, ["w", "value = 7"]);
    // The drawing's output is the last recorded node.
    assert_eq!(nodes[6].classes.join(" "), "node op output");
    assert_eq!(nodes[4].classes.join(" "), "node op unused");
}

#[test]
fn a_deep_graph_lays_out_cleanly() {
    let g = Graph::new();
    let w = g.input("w", 0.3);
    let b = g.input("b", -0.1);
    let mut h = w;
    for k in 0..4 {
        h = (h * w + b).tanh() + h.sigmoid() * f64::from(k);
    }
    let out = h.atan2(w).mul_add(b, w) / (w * w);
    let grads = g.backward(out).unwrap();
    let svg = g.to_svg(Some(&grads));
    let nodes = svg_nodes(&svg);
    assert_eq!(nodes.len(), g.len());
    assert_clean_layout(&svg);
    // Each constant sits one column left of its user, not far left with the inputs.
    let pitch = nodes[2].rect[0] - nodes[0].rect[0];
    let edges = svg_edges(&svg);
    let constants: Vec<_> = (0..nodes.len())
        .filter(|&i| nodes[i].classes.iter().any(|c| c == "constant"))
        .collect();
    assert_eq!(constants.len(), 4);
    for c in constants {
        let user = edges.iter().find(|e| e.0 == c).unwrap().1;
        assert_eq!(
            nodes[user].rect[0] - nodes[c].rect[0],
            pitch,
            "constant {c}"
        );
    }
    let labels: Vec<_> = edges.into_iter().filter_map(|e| e.2).collect();
    // atan2 (y, x), mul_add (a, b, c) and / (a, b).
    assert_eq!(labels.len(), 7);
}

#[test]
#[should_panic(expected = "were given to draw graph")]
fn gradients_of_another_graph_are_refused() {
    let g = Graph::new();
    teaching(&g);
    let other = Graph::new();
    let grads = teaching(&other);
    let _ = g.to_svg(Some(&grads));
}

// Calls of differentiable functions.

fn expanded() -> DrawOptions {
    DrawOptions::new().expand_calls(true)
}

/// out = sin(sq(x)) + x at x = 0.7, with sq(x) = x·x recorded as a call: nodes x, the
/// call's `*`, sin, +. sq = 0.49, sin = 0.470626, out = 1.170626; d out/d sin = 1,
/// d out/d sq = cos 0.49 = 0.882333, d out/dx = 2x·cos(x²) + 1 = 2.235266.
fn sine_of_square(g: &Graph) -> Gradients<f64> {
    let x = g.input("x", 0.7);
    let out = g.call("sq", &[x], |_, a| a[0] * a[0]).sin() + x;
    g.backward(out).unwrap()
}

#[test]
fn a_call_is_one_node_in_dot() {
    let g = Graph::new();
    let grads = sine_of_square(&g);
    let dot = g.to_dot(Some(&grads));
    for line in [
        r#"n0 [label="x\nvalue = 0.7\ngrad = 2.235""#,
        r##"n1 [label="sq\nvalue = 0.49\ngrad = 0.8823", fillcolor="#ede9fe", color="#7c3aed"];"##,
        r#"n2 [label="sin\nvalue = 0.4706\ngrad = 1""#,
        r#"n3 [label="+\nvalue = 1.171\ngrad = 1""#,
        "n0 -> n1;\n",
        "n1 -> n2;\n",
        "n2 -> n3;\n",
        "n0 -> n3;\n",
    ] {
        assert!(dot.contains(line), "no {line} in\n{dot}");
    }
    // One node for the call; its `*` and the two arrows into it are not drawn.
    assert_eq!(dot.matches("[label=").count(), 4);
    assert!(!dot.contains(r#"label="*"#), "{dot}");
    assert_eq!(dot.matches(" -> ").count(), 4);
    assert!(!dot.contains("cluster"));
    assert_eq!(dot.matches("penwidth").count(), 1);
    assert_eq!(dot, draw::to_dot_with(&g, Some(&grads), DrawOptions::new()));
}

#[test]
fn an_expanded_call_shows_its_operations_in_a_cluster() {
    let g = Graph::new();
    let grads = sine_of_square(&g);
    let dot = g.to_dot_with(Some(&grads), expanded());
    for line in [
        r##"n1 [label="*\nvalue = 0.49\ngrad = 0.8823", fillcolor="#f1f5f9""##,
        "n0 -> n1;\n  n0 -> n1;\n",
        "n1 -> n2;\n",
        "  subgraph cluster_0 {\n    label=\"sq\"; style=\"rounded,dashed\"",
        "    n1;\n  }\n",
    ] {
        assert!(dot.contains(line), "no {line} in\n{dot}");
    }
    assert_eq!(dot.matches("[label=").count(), g.len());
    assert!(!dot.contains(r#"label="sq\n"#));
    assert_eq!(dot.matches(" -> ").count(), 5);
    assert_eq!(dot, draw::to_dot_with(&g, Some(&grads), expanded()));
}

#[test]
fn a_call_is_one_node_in_svg() {
    let g = Graph::new();
    let grads = sine_of_square(&g);
    let svg = g.to_svg(Some(&grads));
    let nodes = svg_nodes(&svg);
    let expected = [
        (0, ["x", "value = 0.7", "grad = 2.235"], "node input"),
        (1, ["sq", "value = 0.49", "grad = 0.8823"], "node call"),
        (2, ["sin", "value = 0.4706", "grad = 1"], "node op"),
        (3, ["+", "value = 1.171", "grad = 1"], "node op output"),
    ];
    assert_eq!(nodes.len(), expected.len());
    for (node, (index, texts, class)) in nodes.iter().zip(expected) {
        assert_eq!(node.index, index);
        assert_eq!(node.texts, lines(&texts));
        assert_eq!(node.classes.join(" "), class);
    }
    let mut edges = svg_edges(&svg);
    edges.sort();
    assert_eq!(
        edges,
        [(0, 1, None), (0, 3, None), (1, 2, None), (2, 3, None)]
    );
    assert!(svg.contains("<title>#1 sq (a call: nodes #1 to #1)\nvalue = 0.48999"));
    assert_clean_layout(&svg);

    let svg = g.to_svg_with(Some(&grads), expanded());
    let nodes = svg_nodes(&svg);
    assert_eq!(nodes.len(), g.len());
    assert_eq!(
        nodes[1].texts,
        lines(&["*", "value = 0.49", "grad = 0.8823"])
    );
    assert_eq!(nodes[1].classes.join(" "), "node op");
    assert_eq!(svg_edges(&svg).len(), 5);
    assert_clean_layout(&svg);
}

/// out = outer(x, y)·hypot(x, y) at x = 1.5, y = -2, with outer(x, y) = sq(x) + sq(y)
/// replayed (nodes 2..5) and hypot a custom node (node 5): outer = 6.25, hypot = 2.5,
/// out = 15.625; d out/d outer = 2.5, d out/d hypot = 6.25,
/// dx = 2.5·2x + 6.25·x/2.5 = 11.25, dy = 2.5·2y + 6.25·y/2.5 = -15.
fn outer_times_hypot(g: &Graph) -> Gradients<f64> {
    fn sq<'g>(g: &'g Graph, v: Var<'g>) -> Var<'g> {
        g.call("sq", &[v], |_, a| a[0] * a[0])
    }
    let (x, y) = (g.input("x", 1.5), g.input("y", -2.0));
    let outer = g.call("outer", &[x, y], |g, a| sq(g, a[0]) + sq(g, a[1]));
    let h = g.custom("hypot", &[x, y], 2.5, |dout| {
        vec![dout * 1.5 / 2.5, dout * -2.0 / 2.5]
    });
    let out = outer * h;
    g.backward(out).unwrap()
}

#[test]
fn nested_calls_draw_as_their_outermost_call() {
    let g = Graph::new();
    let grads = outer_times_hypot(&g);
    assert_eq!(grads.as_slice()[..2], [11.25, -15.0]);
    let dot = g.to_dot(Some(&grads));
    for line in [
        r#"n0 [label="x\nvalue = 1.5\ngrad = 11.25""#,
        r#"n1 [label="y\nvalue = -2\ngrad = -15""#,
        r##"n4 [label="outer\nvalue = 6.25\ngrad = 2.5", fillcolor="#ede9fe""##,
        r##"n5 [label="hypot\nvalue = 2.5\ngrad = 6.25", fillcolor="#ede9fe""##,
        "n0 -> n4;\n  n1 -> n4;\n  n0 -> n5;\n  n1 -> n5;\n  n4 -> n6;\n  n5 -> n6;\n",
    ] {
        assert!(dot.contains(line), "no {line} in\n{dot}");
    }
    assert!(!dot.contains("sq"), "{dot}");
    assert_eq!(dot.matches("[label=").count(), 5);

    let svg = g.to_svg(Some(&grads));
    let classes: Vec<String> = svg_nodes(&svg)
        .iter()
        .map(|n| format!("{} {}", n.index, n.classes.join(" ")))
        .collect();
    assert_eq!(
        classes,
        [
            "0 node input",
            "1 node input",
            "4 node call",
            "5 node custom",
            "6 node op output"
        ]
    );
    assert_clean_layout(&svg);
}

#[test]
fn nested_calls_expand_to_nested_clusters() {
    let g = Graph::new();
    let grads = outer_times_hypot(&g);
    let dot = g.to_dot_with(Some(&grads), expanded());
    let style =
        r##"style="rounded,dashed"; color="#7c3aed"; fontcolor="#6d28d9"; fontname="Helvetica";"##;
    let clusters = [
        "  subgraph cluster_0 {".to_owned(),
        format!("    label=\"outer\"; {style}"),
        "    subgraph cluster_1 {".to_owned(),
        format!("      label=\"sq\"; {style}"),
        "      n2;".to_owned(),
        "    }".to_owned(),
        "    subgraph cluster_2 {".to_owned(),
        format!("      label=\"sq\"; {style}"),
        "      n3;".to_owned(),
        "    }".to_owned(),
        "    n4;".to_owned(),
        "  }\n".to_owned(),
    ]
    .join("\n");
    assert!(dot.contains(&clusters), "no\n{clusters}\nin\n{dot}");
    // The custom node is one node either way, outside every cluster.
    assert!(dot.contains(r#"n5 [label="hypot\nvalue = 2.5\ngrad = 6.25""#));
    assert_eq!(dot.matches("[label=").count(), g.len());
    assert_eq!(dot.matches("subgraph").count(), 3);
    assert_eq!(dot.matches('{').count(), dot.matches('}').count());
}

#[test]
fn a_call_that_is_the_output_is_highlighted() {
    let g = Graph::new();
    let x = g.input("x", 2.0);
    let out = g.call("f", &[x], |_, a| (a[0] * 3.0).exp());
    let grads = g.backward(out).unwrap();
    let dot = g.to_dot(Some(&grads));
    assert!(dot.contains(
        r##"n3 [label="f\nvalue = 403.4\ngrad = 1", fillcolor="#dcfce7", color="#15803d", penwidth=2.5];"##
    ));
    // The constant 3 is recorded inside the call, so it is hidden with the `*`.
    assert_eq!(dot.matches("[label=").count(), 2);
    let svg = g.to_svg(Some(&grads));
    let nodes = svg_nodes(&svg);
    assert_eq!(nodes[1].classes.join(" "), "node call output");
    assert_eq!(svg_edges(&svg), [(0, 3, None)]);
}

#[test]
fn nodes_inside_a_call_that_lead_nowhere_are_hidden_unless_expanded() {
    // The body records an unused exp; the call after it is not used either.
    let g = Graph::new();
    let x = g.input("x", 1.0);
    let s = g.call("sq", &[x], |_, a| {
        let _ = a[0].exp();
        a[0] * a[0]
    });
    let _unused = g.call("cube", &[x], |_, a| a[0].powi(3));
    let out = s + 1.0;
    let grads = g.backward(out).unwrap();

    let svg = g.to_svg(Some(&grads));
    let nodes = svg_nodes(&svg);
    let summary: Vec<(usize, String)> = nodes
        .iter()
        .map(|n| (n.index, n.classes.join(" ")))
        .collect();
    let expect = |pairs: &[(usize, &str)]| -> Vec<(usize, String)> {
        pairs.iter().map(|&(i, c)| (i, c.to_owned())).collect()
    };
    assert_eq!(
        summary,
        expect(&[
            (0, "node input"),
            (2, "node call"),
            (3, "node call unused"),
            (4, "node constant"),
            (5, "node op output"),
        ])
    );
    assert_clean_layout(&svg);

    let svg = g.to_svg_with(Some(&grads), expanded());
    let summary: Vec<(usize, String)> = svg_nodes(&svg)
        .iter()
        .map(|n| (n.index, n.classes.join(" ")))
        .collect();
    assert_eq!(
        summary,
        expect(&[
            (0, "node input"),
            (1, "node op unused"),
            (2, "node op"),
            (3, "node op unused"),
            (4, "node constant"),
            (5, "node op output"),
        ])
    );
}

#[test]
fn an_empty_call_draws_its_nodes_as_they_are() {
    // `ignore` records an exp but returns its argument; `identity` records nothing.
    let g = Graph::new();
    let x = g.input("x", 0.0);
    let same = g.call("identity", &[x], |_, a| a[0]);
    let ignored = g.call("ignore", &[same], |_, a| {
        let _ = a[0].exp();
        a[0]
    });
    let out = ignored.sin();
    let grads = g.backward(out).unwrap();
    let dot = g.to_dot(Some(&grads));
    // The same drawing as without the calls.
    let plain = Graph::new();
    let x = plain.input("x", 0.0);
    let _ = x.exp();
    let out = x.sin();
    assert_eq!(dot, plain.to_dot(Some(&plain.backward(out).unwrap())));
    assert!(dot.contains(r##"n1 [label="exp\nvalue = 1\ngrad = 0", fillcolor="#f8fafc""##));
    assert!(dot.contains(r#"n2 [label="sin\nvalue = 0\ngrad = 1""#));
    assert!(!dot.contains("identity") && !dot.contains("ignore"));
    // Expanded, `ignore` frames its exp; `identity` recorded nothing to frame.
    let dot = g.to_dot_with(Some(&grads), expanded());
    assert!(dot.contains("label=\"ignore\";") && !dot.contains("identity"));
}

#[test]
fn a_captured_handle_draws_an_arrow_into_the_call() {
    // scaled(x) = x·k with k captured, not given: the call depends on k too.
    let g = Graph::new();
    let (x, k) = (g.input("x", 3.0), g.input("k", 5.0));
    let out = g.call("scaled", &[x], |_, a| a[0] * k).sin();
    let grads = g.backward(out).unwrap();
    let svg = g.to_svg(Some(&grads));
    let mut edges = svg_edges(&svg);
    edges.sort();
    assert_eq!(edges, [(0, 2, None), (1, 2, None), (2, 3, None)]);
    assert!(svg_nodes(&svg)
        .iter()
        .all(|n| !n.classes.contains(&"unused".to_owned())));
}

#[test]
fn a_handle_smuggled_out_of_a_call_is_drawn_as_the_call() {
    let g = Graph::new();
    let x = g.input("x", 0.5);
    let mut inner: Option<Var> = None;
    let f = g.call("f", &[x], |_, a| {
        let s = a[0].sin();
        inner = Some(s);
        s * 2.0
    });
    let out = f + inner.unwrap();
    let grads = g.backward(out).unwrap();
    let dot = g.to_dot(Some(&grads));
    // Nodes: x, sin, const, * (the call's output), +.
    assert!(
        dot.contains("n0 -> n3;\n  n3 -> n4;\n  n3 -> n4;\n"),
        "{dot}"
    );
    assert_eq!(dot.matches("[label=").count(), 3);
}

#[test]
fn a_custom_node_is_one_node_with_its_arguments_in_order() {
    let g = Graph::new();
    let (a, b, c) = (g.input("a", 1.0), g.input("b", 2.0), g.input("c", 3.0));
    let total = g.custom("sum3", &[c, a, b], 6.0, |dout| vec![dout; 3]);
    let grads = g.backward(total).unwrap();
    for options in [DrawOptions::new(), expanded()] {
        let dot = g.to_dot_with(Some(&grads), options);
        assert!(dot.contains(r#"n3 [label="sum3\nvalue = 6\ngrad = 1""#));
        assert!(
            dot.contains("n2 -> n3;\n  n0 -> n3;\n  n1 -> n3;\n"),
            "{dot}"
        );
        let svg = g.to_svg_with(Some(&grads), options);
        assert_eq!(svg_nodes(&svg)[3].classes.join(" "), "node custom output");
        assert_clean_layout(&svg);
    }
}
