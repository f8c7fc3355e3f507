//! A small layered layout, left to right, in the manner of Sugiyama et al.:
//!
//! 1. layers: an input is in layer 0, an operation one layer right of its rightmost
//!    argument (the longest path from a leaf); a constant sits just left of its first
//!    user, so `2 * x` deep in a graph does not draw a long edge from the far left;
//! 2. a node used more than one layer to its right gets a dummy vertex in each layer in
//!    between, a trunk that all its long edges share (each leaves it in the layer before
//!    its user): the dummies reserve room so that no edge runs through a box, and sharing
//!    keeps their number linear in the graph's size for the usual shapes (a long sum of
//!    inputs is the exception: each input's trunk runs to its own layer);
//! 3. the vertices of each layer are ordered by barycenter sweeps, right then left,
//!    keeping the order with the fewest crossings;
//! 4. each layer's vertical positions are the least-squares fit to the positions of its
//!    neighbours under the layer's order and spacing (pool-adjacent-violators), swept a
//!    few times both ways, so that edges run as straight as the spacing allows.
//!
//! A sweep costs O(s log s) for s segments (crossings are counted by merge sort): a chain
//! of 6000 operations that reuses one input at every step lays out and draws in about a
//! tenth of a second in a release build. A flat sum of n inputs is the costly shape, with
//! n²/2 dummies: a thousand inputs take a couple of seconds.

mod sweep;

use super::{Item, Role};
use sweep::{order, place};

/// The horizontal space between two columns of boxes, room for the arrows and labels.
pub(super) const COLUMN_GAP: f64 = 84.0;
const MARGIN: f64 = 24.0;

/// The drawn positions: every box, every trunk and every edge.
#[derive(Debug)]
pub(super) struct Layout {
    /// The top-left corner of each node's box, by node index.
    pub(super) boxes: Vec<(f64, f64)>,
    pub(super) trunks: Vec<Trunk>,
    pub(super) edges: Vec<Edge>,
    pub(super) width: f64,
    pub(super) height: f64,
}

/// The line that carries node `from`'s value to users more than one column away: from
/// its right side through its dummy in each column between, a polyline with horizontal
/// ends. Drawn once and shared, so that the drawing's size stays linear in the layout's.
#[derive(Debug)]
pub(super) struct Trunk {
    pub(super) from: usize,
    pub(super) points: Vec<(f64, f64)>,
}

/// An edge from argument `from` to node `to`, which takes it as argument `position`:
/// from the source's right side, or from its trunk in the column before `to`, to a point
/// on `to`'s left side.
#[derive(Debug)]
pub(super) struct Edge {
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) position: usize,
    pub(super) start: (f64, f64),
    pub(super) end: (f64, f64),
}

/// One segment between adjacent layers; `port` is where it ends on the target's left
/// side, as a fraction of the box height (0.5 = the middle).
struct Segment {
    from: usize,
    to: usize,
    port: f64,
}

/// The vertices (nodes `0..n`, then dummies), their layers, and the segments between
/// adjacent layers, indexed by the layer of either end.
struct Layered {
    layer: Vec<usize>,
    rows: Vec<Vec<usize>>,
    segments: Vec<Segment>,
    /// The segments ending in each layer.
    into: Vec<Vec<usize>>,
    /// The segments starting in each layer.
    out_of: Vec<Vec<usize>>,
}

/// Lays out `items` as boxes of `width` × `height`.
pub(super) fn layout(items: &[Item], width: f64, height: f64) -> Layout {
    let n = items.len();
    let mut layer = layers(items);
    let mut reach = layer.clone();
    for (to, item) in items.iter().enumerate() {
        for &from in &item.args {
            reach[from] = reach[from].max(layer[to]);
        }
    }
    let mut segments = Vec::new();
    // trunk[u][k]: the dummy of node u in layer layer[u] + 1 + k.
    let mut trunk = vec![Vec::new(); n];
    for u in 0..n {
        let mut previous = u;
        for l in layer[u] + 1..reach[u] {
            layer.push(l);
            let d = layer.len() - 1;
            trunk[u].push(d);
            segments.push(Segment {
                from: previous,
                to: d,
                port: 0.5,
            });
            previous = d;
        }
    }
    let mut chains = Vec::new();
    for (to, item) in items.iter().enumerate() {
        for (position, &from) in item.args.iter().enumerate() {
            let via = &trunk[from][..layer[to] - layer[from] - 1];
            segments.push(Segment {
                from: via.last().copied().unwrap_or(from),
                to,
                port: port(position, item.args.len()),
            });
            chains.push((from, to, position, via));
        }
    }
    let depth = layer.iter().max().map_or(0, |&l| l + 1);
    let mut graph = Layered {
        rows: vec![Vec::new(); depth],
        into: vec![Vec::new(); depth],
        out_of: vec![Vec::new(); depth],
        layer,
        segments,
    };
    for (v, &l) in graph.layer.iter().enumerate() {
        graph.rows[l].push(v);
    }
    for (k, s) in graph.segments.iter().enumerate() {
        graph.into[graph.layer[s.to]].push(k);
        graph.out_of[graph.layer[s.from]].push(k);
    }
    order(&mut graph);

    let size = |v: usize| if v < n { height } else { 0.0 };
    let y = place(&graph, &size, height);
    let vertices = 0..graph.layer.len();
    let top = vertices
        .clone()
        .map(|v| y[v] - size(v) / 2.0)
        .fold(f64::INFINITY, f64::min);
    let bottom = vertices
        .map(|v| y[v] + size(v) / 2.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let shift = MARGIN - if top.is_finite() { top } else { 0.0 };
    let left = |v: usize| MARGIN + graph.layer[v] as f64 * (width + COLUMN_GAP);
    let right = |v: usize| (left(v) + width, y[v] + shift);

    let trunks = trunk
        .iter()
        .enumerate()
        .filter(|(_, dummies)| !dummies.is_empty())
        .map(|(from, dummies)| {
            let mut points = vec![right(from)];
            for &d in dummies {
                points.push((left(d), y[d] + shift));
                points.push(right(d));
            }
            Trunk { from, points }
        })
        .collect();
    let edges = chains
        .into_iter()
        .map(|(from, to, position, via)| {
            let port = port(position, items[to].args.len());
            Edge {
                from,
                to,
                position,
                start: right(via.last().copied().unwrap_or(from)),
                end: (left(to), y[to] + shift + port_offset(port, height)),
            }
        })
        .collect();
    Layout {
        boxes: (0..n)
            .map(|v| (left(v), y[v] + shift - height / 2.0))
            .collect(),
        trunks,
        edges,
        width: 2.0 * MARGIN + depth as f64 * width + depth.saturating_sub(1) as f64 * COLUMN_GAP,
        height: if n == 0 {
            2.0 * MARGIN
        } else {
            bottom + shift + MARGIN
        },
    }
}

/// Where argument `position` of `arity` arrives on its user's left side, spread evenly so
/// that `x * x` shows two arrows, not one.
fn port(position: usize, arity: usize) -> f64 {
    (position as f64 + 1.0) / (arity as f64 + 1.0)
}

fn port_offset(port: f64, height: f64) -> f64 {
    (port - 0.5) * height
}

fn layers(items: &[Item]) -> Vec<usize> {
    let mut layer = vec![0; items.len()];
    for (i, item) in items.iter().enumerate() {
        if let Some(&deepest) = item.args.iter().map(|&a| &layer[a]).max() {
            layer[i] = deepest + 1;
        }
    }
    let mut first_user = vec![usize::MAX; items.len()];
    for (i, item) in items.iter().enumerate() {
        for &a in &item.args {
            first_user[a] = first_user[a].min(layer[i]);
        }
    }
    for (i, item) in items.iter().enumerate() {
        if item.role == Role::Constant && first_user[i] != usize::MAX {
            layer[i] = first_user[i] - 1;
        }
    }
    layer
}
