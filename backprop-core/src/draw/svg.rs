//! The standalone SVG writer: boxes and arrows placed by [`layout`](super::layout).

use core::fmt::Write;

use super::layout::{layout, Edge, Trunk, COLUMN_GAP};
use super::{items, DrawOptions, Item, Role};
use crate::{Float, Gradients, Graph};

const FONT: &str = "Helvetica, Arial, sans-serif";
const TITLE_SIZE: f64 = 15.0;
const LINE_SIZE: f64 = 12.5;
// Generous average advances for the font above, so that text stays inside its box
// whatever font the viewer substitutes.
const TITLE_ADVANCE: f64 = 0.64 * TITLE_SIZE;
const LINE_ADVANCE: f64 = 0.58 * LINE_SIZE;
const PADDING: f64 = 14.0;
const MIN_WIDTH: f64 = 96.0;
const TITLE_BASELINE: f64 = 23.0;
const LINE_STEP: f64 = 18.0;
const EDGE_COLOUR: &str = "#64748b";
const VALUE_COLOUR: &str = "#0f172a";
// Red for gradients, as in the classic hand-drawn backpropagation diagrams.
const GRAD_COLOUR: &str = "#b91c1c";

/// The graph as a standalone SVG document, laid out left to right: arguments left of the
/// operations that use them, the output (the last recorded node) rightmost; each call is
/// drawn as one node: [`to_svg_with`] with the default [`DrawOptions`].
///
/// Each node is a `<g class="node …" id="node-{i}">` holding a box, its title, `value = …`
/// and, when `grads` are given, `grad = …`, each line a `<text>` element, and a `<title>`
/// tooltip with the numbers in full; `i` is the node's index, or that of the output of
/// the call it draws. The second class is the node's role: `input` (blue), `constant`
/// (amber), `op` (grey), `call` for a call drawn as one node and `custom` for a node of
/// [`Graph::custom`] (both violet). The output is green with a heavy border and the class
/// `output`; nodes that do not lead to it are faded and dashed, with the class `unused`.
/// Edges are `<g class="edge" data-from="{i}" data-to="{j}">`, by the same indices. See
/// the [module docs](super) for what each label means.
///
/// ```
/// use backprop_core::{draw, Graph};
///
/// let g = Graph::new();
/// let (x, y, z) = (g.input("x", 100.0), g.input("y", 200.0), g.input("z", 4.0));
/// let out = (x + y) * z;
/// let grads = g.backward(out).unwrap();
///
/// let svg = draw::to_svg(&g, Some(&grads));
/// assert!(svg.starts_with("<svg"));
/// assert_eq!(svg.matches(r#"<g class="node"#).count(), g.len());
/// assert!(svg.contains(">value = 1200</text>") && svg.contains(">grad = 300</text>"));
/// // std::fs::write("graph.svg", svg) and open it in a browser.
/// ```
///
/// # Panics
///
/// If `grads` were computed on another graph.
pub fn to_svg<T: Float>(graph: &Graph<T>, grads: Option<&Gradients<T>>) -> String {
    to_svg_with(graph, grads, DrawOptions::default())
}

/// The graph as a standalone SVG document, drawn as `options` ask; see [`to_svg`]. With
/// [`expand_calls`](DrawOptions#structfield.expand_calls), every node is drawn, the
/// operations inside calls as operations.
///
/// ```
/// use backprop_core::{draw, DrawOptions, Graph};
///
/// let g = Graph::new();
/// let x = g.input("x", 0.5);
/// let out = g.call("sinsq", &[x], |_, a| a[0].sin().powi(2)) + x;
///
/// let collapsed = draw::to_svg_with(&g, None, DrawOptions::new());
/// assert!(collapsed.contains(r#"<g class="node call" id="node-2">"#));
/// assert!(!collapsed.contains(">sin</text>"));
/// assert_eq!(collapsed.matches(r#"<g class="node"#).count(), 3); // x, sinsq and +
///
/// let expanded = draw::to_svg_with(&g, None, DrawOptions::new().expand_calls(true));
/// assert!(expanded.contains(">sin</text>") && expanded.contains(">powi(2)</text>"));
/// assert_eq!(expanded.matches(r#"<g class="node"#).count(), g.len());
/// ```
///
/// # Panics
///
/// If `grads` were computed on another graph.
pub fn to_svg_with<T: Float>(
    graph: &Graph<T>,
    grads: Option<&Gradients<T>>,
    options: DrawOptions,
) -> String {
    let items = items(graph, grads, options);
    let lines = if grads.is_some() { 2.0 } else { 1.0 };
    let height = TITLE_BASELINE + lines * LINE_STEP + 10.0;
    // Whole pixels keep the columns on exact, comparable coordinates.
    let width = items
        .iter()
        .map(text_width)
        .fold(MIN_WIDTH, f64::max)
        .ceil();
    let layout = layout(&items, width, height);

    let mut svg = String::new();
    // Writing to a `String` cannot fail, here and below.
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}">"#,
        w = layout.width.ceil(),
        h = layout.height.ceil(),
    );
    let _ = writeln!(
        svg,
        r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{EDGE_COLOUR}"/></marker></defs>"#
    );
    svg.push_str("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    // Lines first, so that boxes cover their ends.
    for trunk in &layout.trunks {
        write_trunk(&mut svg, trunk, &items);
    }
    for edge in &layout.edges {
        write_edge(&mut svg, edge, &items);
    }
    for (item, &(x, y)) in items.iter().zip(&layout.boxes) {
        write_node(&mut svg, item, x, y, width, height);
    }
    svg.push_str("</svg>\n");
    svg
}

fn text_width(item: &Item) -> f64 {
    let chars = |s: &str| s.chars().count() as f64;
    let title = chars(&item.title) * TITLE_ADVANCE;
    let value = chars(&item.value_line()) * LINE_ADVANCE;
    let grad = item.grad_line().map_or(0.0, |g| chars(&g) * LINE_ADVANCE);
    title.max(value).max(grad) + 2.0 * PADDING
}

/// A path through `points` whose every piece leaves and arrives horizontally, which keeps
/// arrowheads level and curves calm.
fn path(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    if let Some((x, y)) = points.first() {
        let _ = write!(d, "M{x:.1},{y:.1}");
    }
    for pair in points.windows(2) {
        let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
        let mid = (ax + bx) / 2.0;
        let _ = write!(d, " C{mid:.1},{ay:.1} {mid:.1},{by:.1} {bx:.1},{by:.1}");
    }
    d
}

fn write_trunk(svg: &mut String, trunk: &Trunk, items: &[Item]) {
    let source = &items[trunk.from];
    let faded = if source.live {
        ""
    } else {
        r#" opacity="0.45""#
    };
    let _ = writeln!(
        svg,
        r#"<path class="trunk" data-from="{}" d="{}" fill="none" stroke="{EDGE_COLOUR}" stroke-width="1.5"{faded}/>"#,
        source.index,
        path(&trunk.points),
    );
}

fn write_edge(svg: &mut String, edge: &Edge, items: &[Item]) {
    let target = &items[edge.to];
    let faded = if target.live {
        ""
    } else {
        r#" opacity="0.45""#
    };
    let _ = writeln!(
        svg,
        r#"<g class="edge" data-from="{}" data-to="{}"{faded}><path d="{}" fill="none" stroke="{EDGE_COLOUR}" stroke-width="1.5" marker-end="url(#arrow)"/>"#,
        items[edge.from].index,
        target.index,
        path(&[edge.start, edge.end]),
    );
    if let Some(label) = target.arg_labels.and_then(|l| l.get(edge.position)) {
        let (x, y) = edge.end;
        let x = x - 12.0_f64.min(COLUMN_GAP / 4.0);
        let _ = writeln!(
            svg,
            r##"<text class="port" x="{x:.1}" y="{:.1}" text-anchor="end" font-size="11" font-style="italic" fill="#475569">{}</text>"##,
            y - 4.0,
            escape(label),
        );
    }
    svg.push_str("</g>\n");
}

fn write_node(svg: &mut String, item: &Item, x: f64, y: f64, w: f64, h: f64) {
    let (role, fill, stroke) = match item.role {
        Role::Input => ("input", "#dbeafe", "#2563eb"),
        Role::Constant => ("constant", "#fef3c7", "#b45309"),
        Role::Op => ("op", "#f1f5f9", "#475569"),
        Role::Call => ("call", "#ede9fe", "#7c3aed"),
        Role::Custom => ("custom", "#ede9fe", "#7c3aed"),
    };
    let (fill, stroke, stroke_width) = if item.is_output {
        ("#dcfce7", "#15803d", 3.0)
    } else {
        (fill, stroke, 1.5)
    };
    let mut class = format!("node {role}");
    if item.is_output {
        class.push_str(" output");
    }
    let mut extra = String::new();
    if !item.live {
        class.push_str(" unused");
        extra.push_str(r#" stroke-dasharray="5 3""#);
    }
    let group_opacity = if item.live { "" } else { r#" opacity="0.45""# };
    let _ = writeln!(
        svg,
        r#"<g class="{class}" id="node-{}"{group_opacity}>"#,
        item.index
    );
    let mut tooltip = format!("{}\nvalue = {}", item.heading(), item.value);
    if let Some(g) = item.grad {
        let _ = write!(tooltip, "\ngrad = {g}");
    }
    let _ = writeln!(svg, "<title>{}</title>", escape(&tooltip));
    let _ = writeln!(
        svg,
        r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="8" fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"{extra}/>"#
    );
    let cx = x + w / 2.0;
    let _ = writeln!(
        svg,
        r#"<text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="{TITLE_SIZE}" font-weight="bold" fill="{VALUE_COLOUR}">{}</text>"#,
        y + TITLE_BASELINE,
        escape(&item.title),
    );
    let mut lines = vec![(item.value_line(), VALUE_COLOUR)];
    if let Some(grad) = item.grad_line() {
        lines.push((grad, GRAD_COLOUR));
    }
    for (k, (line, colour)) in lines.iter().enumerate() {
        let _ = writeln!(
            svg,
            r#"<text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="{LINE_SIZE}" fill="{colour}">{}</text>"#,
            y + TITLE_BASELINE + (k as f64 + 1.0) * LINE_STEP,
            escape(line),
        );
    }
    svg.push_str("</g>\n");
}

/// Escapes text for XML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even as references.
            c if c.is_control() && !matches!(c, '\n' | '\t') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}
