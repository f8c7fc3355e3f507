//! The standalone SVG writer: boxes and arrows placed by [`layout`](super::layout).

use core::fmt::Write;

use super::layout::{layout, Edge, Trunk, COLUMN_GAP};
use super::{items, Item, Role};
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
/// operations that use them, the output (the last recorded node) rightmost.
///
/// Each node is a `<g class="node …">` holding a box, its title, `value = …` and, when
/// `grads` are given, `grad = …`, each line a `<text>` element, and a `<title>` tooltip
/// with the numbers in full. Inputs are blue, constants amber, operations grey; the
/// output is green with a heavy border; nodes that do not lead to the output are faded
/// and dashed. See the [module docs](super) for what each label means.
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
    let items = items(graph, grads);
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
    for (i, (item, &(x, y))) in items.iter().zip(&layout.boxes).enumerate() {
        write_node(&mut svg, i, item, x, y, width, height);
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
    let faded = if items[trunk.from].live {
        ""
    } else {
        r#" opacity="0.45""#
    };
    let _ = writeln!(
        svg,
        r#"<path class="trunk" data-from="{}" d="{}" fill="none" stroke="{EDGE_COLOUR}" stroke-width="1.5"{faded}/>"#,
        trunk.from,
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
        edge.from,
        edge.to,
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

fn write_node(svg: &mut String, i: usize, item: &Item, x: f64, y: f64, w: f64, h: f64) {
    let (role, fill, stroke) = match item.role {
        Role::Input => ("input", "#dbeafe", "#2563eb"),
        Role::Constant => ("constant", "#fef3c7", "#b45309"),
        Role::Op => ("op", "#f1f5f9", "#475569"),
        Role::Call => ("call", "#ede9fe", "#7c3aed"),
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
    let _ = writeln!(svg, r#"<g class="{class}" id="node-{i}"{group_opacity}>"#);
    let mut tooltip = format!("#{i} {}\nvalue = {}", item.title, item.value);
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
