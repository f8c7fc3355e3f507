//! A small layered layout, left to right, in the manner of Sugiyama et al.:
//!
//! 1. layers: an input is in layer 0, an operation one layer right of its rightmost
//!    argument (the longest path from a leaf); a constant sits just left of its first
//!    user, so `2 * x` deep in a graph does not draw a long edge from the far left;
//! 2. an edge that spans several layers passes through a dummy vertex in each layer in
//!    between, which reserves its room so that it never runs through a box;
//! 3. the vertices of each layer are ordered by barycenter sweeps, right then left,
//!    keeping the order with the fewest crossings;
//! 4. each layer's vertical positions are the least-squares fit to the positions of its
//!    neighbours under the layer's order and spacing (pool-adjacent-violators), swept a
//!    few times both ways, so that edges run as straight as the spacing allows.

use super::{Item, Role};

/// The horizontal space between two columns of boxes, room for the arrows and labels.
pub(super) const COLUMN_GAP: f64 = 84.0;
const ROW_GAP: f64 = 28.0;
const DUMMY_GAP: f64 = 16.0;
const MARGIN: f64 = 24.0;
const ORDER_SWEEPS: usize = 8;
const PLACE_SWEEPS: usize = 12;

/// The drawn positions: every box, and every edge as a polyline with horizontal ends.
#[derive(Debug)]
pub(super) struct Layout {
    /// The top-left corner of each node's box, by node index.
    pub(super) boxes: Vec<(f64, f64)>,
    pub(super) edges: Vec<Edge>,
    pub(super) width: f64,
    pub(super) height: f64,
}

/// An edge from argument `from` to node `to`, which takes it as argument `position`.
#[derive(Debug)]
pub(super) struct Edge {
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) position: usize,
    /// From the source's right side through each dummy's column to the target's left side.
    pub(super) points: Vec<(f64, f64)>,
}

/// One segment between adjacent layers; `port` is where it ends on the target's left
/// side, as a fraction of the box height (0.5 = the middle).
struct Segment {
    from: usize,
    to: usize,
    port: f64,
}

/// Lays out `items` as boxes of `width` × `height`.
pub(super) fn layout(items: &[Item], width: f64, height: f64) -> Layout {
    let mut layer = layers(items);
    let n = items.len();
    let mut real = vec![true; n];
    let mut segments = Vec::new();
    let mut chains = Vec::new();
    for (to, item) in items.iter().enumerate() {
        for (position, &from) in item.args.iter().enumerate() {
            let mut chain = vec![from];
            for l in layer[from] + 1..layer[to] {
                layer.push(l);
                real.push(false);
                chain.push(layer.len() - 1);
            }
            chain.push(to);
            for pair in chain.windows(2) {
                let port = if pair[1] == to {
                    port(position, item.args.len())
                } else {
                    0.5
                };
                segments.push(Segment {
                    from: pair[0],
                    to: pair[1],
                    port,
                });
            }
            chains.push((from, to, position, chain));
        }
    }
    let depth = layer.iter().max().map_or(0, |&l| l + 1);
    let mut rows = vec![Vec::new(); depth];
    for (v, &l) in layer.iter().enumerate() {
        rows[l].push(v);
    }
    order(&mut rows, &layer, &segments);

    let size = |v: usize| if real[v] { height } else { 0.0 };
    let y = place(&rows, &layer, &segments, &size, height);
    let top = (0..layer.len())
        .map(|v| y[v] - size(v) / 2.0)
        .fold(f64::INFINITY, f64::min);
    let bottom = (0..layer.len())
        .map(|v| y[v] + size(v) / 2.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let shift = MARGIN - if top.is_finite() { top } else { 0.0 };
    let left = |v: usize| MARGIN + layer[v] as f64 * (width + COLUMN_GAP);

    let edges = chains
        .into_iter()
        .map(|(from, to, position, chain)| {
            let port = port(position, items[to].args.len());
            let mut points = vec![(left(from) + width, y[from] + shift)];
            for &d in &chain[1..chain.len() - 1] {
                points.push((left(d), y[d] + shift));
                points.push((left(d) + width, y[d] + shift));
            }
            points.push((left(to), y[to] + shift + port_offset(port, height)));
            Edge {
                from,
                to,
                position,
                points,
            }
        })
        .collect();
    Layout {
        boxes: (0..n)
            .map(|v| (left(v), y[v] + shift - height / 2.0))
            .collect(),
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

fn order(rows: &mut [Vec<usize>], layer: &[usize], segments: &[Segment]) {
    let vertices = layer.len();
    let mut position = vec![0.0; vertices];
    let index = |rows: &[Vec<usize>], position: &mut [f64]| {
        for row in rows {
            for (k, &v) in row.iter().enumerate() {
                position[v] = k as f64;
            }
        }
    };
    index(rows, &mut position);
    let mut best = (crossings(rows, layer, segments, &position), rows.to_vec());
    for sweep in 0..ORDER_SWEEPS {
        let rightward = sweep % 2 == 0;
        let sequence: Vec<usize> = if rightward {
            (1..rows.len()).collect()
        } else {
            (0..rows.len().saturating_sub(1)).rev().collect()
        };
        for l in sequence {
            let mut sum = vec![0.0; vertices];
            let mut count = vec![0.0; vertices];
            for s in segments {
                // The port keeps the arguments of one operation in their written order.
                let (v, at) = if rightward {
                    (s.to, position[s.from])
                } else {
                    (s.from, position[s.to] + 0.5 * (s.port - 0.5))
                };
                if layer[v] == l {
                    sum[v] += at;
                    count[v] += 1.0;
                }
            }
            let key = |v: usize| {
                if count[v] > 0.0 {
                    sum[v] / count[v]
                } else {
                    position[v]
                }
            };
            rows[l].sort_by(|&a, &b| key(a).total_cmp(&key(b)));
            for (k, &v) in rows[l].iter().enumerate() {
                position[v] = k as f64;
            }
        }
        let count = crossings(rows, layer, segments, &position);
        if count < best.0 {
            best = (count, rows.to_vec());
        }
    }
    rows.clone_from_slice(&best.1);
}

fn crossings(
    rows: &[Vec<usize>],
    layer: &[usize],
    segments: &[Segment],
    position: &[f64],
) -> usize {
    let mut between = vec![Vec::new(); rows.len()];
    for s in segments {
        between[layer[s.from]].push((position[s.from], position[s.to] + s.port));
    }
    let mut total = 0;
    for pairs in &between {
        for (i, a) in pairs.iter().enumerate() {
            total += pairs[i + 1..]
                .iter()
                .filter(|b| (a.0 - b.0) * (a.1 - b.1) < 0.0)
                .count();
        }
    }
    total
}

fn place(
    rows: &[Vec<usize>],
    layer: &[usize],
    segments: &[Segment],
    size: &dyn Fn(usize) -> f64,
    height: f64,
) -> Vec<f64> {
    let mut y = vec![0.0; layer.len()];
    let gap = |a: usize, b: usize| {
        let gap = if size(a) > 0.0 && size(b) > 0.0 {
            ROW_GAP
        } else {
            DUMMY_GAP
        };
        (size(a) + size(b)) / 2.0 + gap
    };
    for row in rows {
        let mut at = 0.0;
        for (k, &v) in row.iter().enumerate() {
            if k > 0 {
                at += gap(row[k - 1], v);
            }
            y[v] = at;
        }
        let middle = at / 2.0;
        for &v in row {
            y[v] -= middle;
        }
    }
    for sweep in 0..PLACE_SWEEPS {
        let rightward = sweep % 2 == 0;
        let sequence: Vec<usize> = if rightward {
            (1..rows.len()).collect()
        } else {
            (0..rows.len().saturating_sub(1)).rev().collect()
        };
        for l in sequence {
            let mut sum = vec![0.0; layer.len()];
            let mut count = vec![0.0; layer.len()];
            for s in segments {
                let offset = port_offset(s.port, height);
                let (v, want) = if rightward {
                    (s.to, y[s.from] - offset)
                } else {
                    (s.from, y[s.to] + offset)
                };
                if layer[v] == l {
                    sum[v] += want;
                    count[v] += 1.0;
                }
            }
            let row = &rows[l];
            let desired: Vec<f64> = row
                .iter()
                .map(|&v| {
                    if count[v] > 0.0 {
                        sum[v] / count[v]
                    } else {
                        y[v]
                    }
                })
                .collect();
            let gaps: Vec<f64> = row.windows(2).map(|p| gap(p[0], p[1])).collect();
            for (&v, fitted) in row.iter().zip(fit(&desired, &gaps)) {
                y[v] = fitted;
            }
        }
    }
    y
}

/// The positions closest to `desired` (least squares) in the same order with at least
/// `gaps[k]` between positions `k` and `k + 1`: subtracting the cumulative gaps turns
/// this into isotonic regression, solved by pooling adjacent violators.
fn fit(desired: &[f64], gaps: &[f64]) -> Vec<f64> {
    let mut offset = vec![0.0; desired.len()];
    for k in 1..desired.len() {
        offset[k] = offset[k - 1] + gaps[k - 1];
    }
    // Each block: (sum, count) of the shifted targets it pools.
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for (d, o) in desired.iter().zip(&offset) {
        blocks.push((d - o, 1));
        while blocks.len() > 1 {
            let (s2, c2) = blocks[blocks.len() - 1];
            let (s1, c1) = blocks[blocks.len() - 2];
            if s1 / c1 as f64 <= s2 / c2 as f64 {
                break;
            }
            blocks.pop();
            *blocks.last_mut().expect("two blocks were there") = (s1 + s2, c1 + c2);
        }
    }
    blocks
        .iter()
        .flat_map(|&(s, c)| std::iter::repeat_n(s / c as f64, c))
        .zip(&offset)
        .map(|(base, o)| base + o)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn fit_keeps_order_and_gaps_closest_to_wishes() {
        assert_eq!(fit(&[0.0, 100.0], &[10.0]), [0.0, 100.0]);
        // Both want 0: they split the difference.
        assert_eq!(fit(&[0.0, 0.0], &[10.0]), [-5.0, 5.0]);
        assert_eq!(fit(&[5.0, 0.0, 50.0], &[10.0, 10.0]), [-2.5, 7.5, 50.0]);
        assert!(fit(&[], &[]).is_empty());
    }
}
