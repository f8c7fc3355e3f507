//! Drawing recorded graphs as DOT and SVG: every node with its value and gradient, worked
//! out by hand; the SVG parsed as XML to read its labels and boxes.

use backprop_core::{draw, Gradients, Graph};

/// One drawn node of an SVG: its classes, its `<text>` lines and its box.
#[derive(Debug)]
struct SvgNode {
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
            SvgNode {
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
    for (from, to, _) in svg_edges(svg) {
        assert!(nodes[from].rect[0] + nodes[from].rect[2] < nodes[to].rect[0]);
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
