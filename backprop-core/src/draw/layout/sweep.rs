//! The two sweeping steps of the layout: ordering each layer's vertices to reduce
//! crossings, and placing them vertically so that edges run straight.

use super::{port_offset, Layered};

const ROW_GAP: f64 = 28.0;
const DUMMY_GAP: f64 = 16.0;
const ORDER_SWEEPS: usize = 8;
const PLACE_SWEEPS: usize = 12;

/// The layers to visit in one sweep: rightward from layer 1 (each keyed by the layer on
/// its left), or leftward from the last but one (keyed by the layer on its right).
fn sweep(depth: usize, rightward: bool) -> Vec<usize> {
    if rightward {
        (1..depth).collect()
    } else {
        (0..depth.saturating_sub(1)).rev().collect()
    }
}

/// Orders each layer by barycenter sweeps, keeping the order with the fewest crossings.
pub(super) fn order(graph: &mut Layered) {
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

/// The vertical centre of every vertex, given the order of each layer.
pub(super) fn place(graph: &Layered, size: &dyn Fn(usize) -> f64, height: f64) -> Vec<f64> {
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
