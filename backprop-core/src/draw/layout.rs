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

use super::{Item, Role};

/// The horizontal space between two columns of boxes, room for the arrows and labels.
pub(super) const COLUMN_GAP: f64 = 84.0;
const ROW_GAP: f64 = 28.0;
const DUMMY_GAP: f64 = 16.0;
const MARGIN: f64 = 24.0;
const ORDER_SWEEPS: usize = 8;
const PLACE_SWEEPS: usize = 12;

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

/// The layers to visit in one sweep: rightward from layer 1 (each keyed by the layer on
/// its left), or leftward from the last but one (keyed by the layer on its right).
fn sweep(depth: usize, rightward: bool) -> Vec<usize> {
    if rightward {
        (1..depth).collect()
    } else {
        (0..depth.saturating_sub(1)).rev().collect()
    }
}

fn order(graph: &mut Layered) {
    let vertices = graph.layer.len();
    let mut position = vec![0.0; vertices];
    let renumber = |rows: &[Vec<usize>], position: &mut [f64]| {
        for row in rows {
            for (k, &v) in row.iter().enumerate() {
                position[v] = k as f64;
            }
        }
    };
    renumber(&graph.rows, &mut position);
    let mut best = (crossings(graph, &position), graph.rows.clone());
    let (mut sum, mut count) = (vec![0.0; vertices], vec![0.0; vertices]);
    for round in 0..ORDER_SWEEPS {
        let rightward = round % 2 == 0;
        for l in sweep(graph.rows.len(), rightward) {
            let list = if rightward {
                &graph.into[l]
            } else {
                &graph.out_of[l]
            };
            for &k in list {
                let s = &graph.segments[k];
                // The port keeps the arguments of one operation in their written order.
                let (v, at) = if rightward {
                    (s.to, position[s.from])
                } else {
                    (s.from, position[s.to] + 0.5 * (s.port - 0.5))
                };
                sum[v] += at;
                count[v] += 1.0;
            }
            let mut keyed: Vec<(f64, usize)> = graph.rows[l]
                .iter()
                .map(|&v| {
                    let key = if count[v] > 0.0 {
                        sum[v] / count[v]
                    } else {
                        position[v]
                    };
                    (sum[v], count[v]) = (0.0, 0.0);
                    (key, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (k, &(_, v)) in keyed.iter().enumerate() {
                graph.rows[l][k] = v;
                position[v] = k as f64;
            }
        }
        let crossed = crossings(graph, &position);
        if crossed < best.0 {
            best = (crossed, graph.rows.clone());
        }
    }
    graph.rows = best.1;
}

fn crossings(graph: &Layered, position: &[f64]) -> usize {
    graph
        .out_of
        .iter()
        .map(|list| {
            let mut ends: Vec<(f64, f64)> = list
                .iter()
                .map(|&k| {
                    let s = &graph.segments[k];
                    (position[s.from], position[s.to] + s.port)
                })
                .collect();
            ends.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
            // Two segments cross when their starts and their ends are in opposite order.
            inversions(&mut ends.into_iter().map(|e| e.1).collect::<Vec<_>>())
        })
        .sum()
}

/// Counts the pairs `i < j` with `values[i] > values[j]`, sorting `values` (merge sort).
fn inversions(values: &mut [f64]) -> usize {
    if values.len() < 2 {
        return 0;
    }
    let (left, right) = values.split_at_mut(values.len() / 2);
    let mut count = inversions(left) + inversions(right);
    let mut merged = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if right[j] < left[i] {
            count += left.len() - i;
            merged.push(right[j]);
            j += 1;
        } else {
            merged.push(left[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&left[i..]);
    merged.extend_from_slice(&right[j..]);
    values.copy_from_slice(&merged);
    count
}

fn place(graph: &Layered, size: &dyn Fn(usize) -> f64, height: f64) -> Vec<f64> {
    let vertices = graph.layer.len();
    let mut y = vec![0.0; vertices];
    let gap = |a: usize, b: usize| {
        let gap = if size(a) > 0.0 && size(b) > 0.0 {
            ROW_GAP
        } else {
            DUMMY_GAP
        };
        (size(a) + size(b)) / 2.0 + gap
    };
    for row in &graph.rows {
        let mut at = 0.0;
        for (k, &v) in row.iter().enumerate() {
            if k > 0 {
                at += gap(row[k - 1], v);
            }
            y[v] = at;
        }
        for &v in row {
            y[v] -= at / 2.0;
        }
    }
    let (mut sum, mut count) = (vec![0.0; vertices], vec![0.0; vertices]);
    for round in 0..PLACE_SWEEPS {
        let rightward = round % 2 == 0;
        for l in sweep(graph.rows.len(), rightward) {
            let list = if rightward {
                &graph.into[l]
            } else {
                &graph.out_of[l]
            };
            for &k in list {
                let s = &graph.segments[k];
                let offset = port_offset(s.port, height);
                let (v, want) = if rightward {
                    (s.to, y[s.from] - offset)
                } else {
                    (s.from, y[s.to] + offset)
                };
                sum[v] += want;
                count[v] += 1.0;
            }
            let row = &graph.rows[l];
            let desired: Vec<f64> = row
                .iter()
                .map(|&v| {
                    let want = if count[v] > 0.0 {
                        sum[v] / count[v]
                    } else {
                        y[v]
                    };
                    (sum[v], count[v]) = (0.0, 0.0);
                    want
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
    use super::{fit, inversions};

    #[test]
    fn inversions_count_strictly_out_of_order_pairs() {
        assert_eq!(inversions(&mut [1.0, 2.0, 3.0]), 0);
        assert_eq!(inversions(&mut [3.0, 2.0, 1.0]), 3);
        assert_eq!(inversions(&mut [2.0, 2.0, 1.0, 3.0]), 2);
        assert_eq!(inversions(&mut []), 0);
    }

    #[test]
    fn fit_keeps_order_and_gaps_closest_to_wishes() {
        assert_eq!(fit(&[0.0, 100.0], &[10.0]), [0.0, 100.0]);
        // Both want 0: they split the difference.
        assert_eq!(fit(&[0.0, 0.0], &[10.0]), [-5.0, 5.0]);
        assert_eq!(fit(&[5.0, 0.0, 50.0], &[10.0, 10.0]), [-2.5, 7.5, 50.0]);
        assert!(fit(&[], &[]).is_empty());
    }
}
