//! Run time of loops that stay loops, `grad!`'s `value_and_grad` against a hand-written
//! gradient in the same binary, and against the value alone: Rosenbrock over N = 10,000
//! variables, a loop of 9,999 terms; and least squares, `|A x - y|²` with A of 200 × 50
//! over named constants, a loop with an inner sum. `cargo bench --bench loops`.
//!
//! Before timing it checks that the values are the same to the bit (the same operations
//! in the same order) and that the gradients agree to a relative 1e-12.

use std::hint::black_box;
use std::time::Duration;

use backprop::grad;
use criterion::Criterion;

const N: usize = 10_000;

/// The value and gradient as a person writes them: one pass, no tape.
fn hand(x: &[f64; N]) -> (f64, [f64; N]) {
    let mut s = 0.0;
    let mut g = [0.0; N];
    for i in 0..N - 1 {
        let t = x[i + 1] - x[i] * x[i];
        let u = 1.0 - x[i];
        s += 100.0 * (t * t) + u * u;
        g[i] += -400.0 * t * x[i] - 2.0 * u;
        g[i + 1] += 200.0 * t;
    }
    (s, g)
}

/// The value alone, the same sum in plain Rust.
fn value(x: &[f64; N]) -> f64 {
    let mut s = 0.0;
    for i in 0..N - 1 {
        s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
    }
    s
}

const ROWS: usize = 200;
const COLS: usize = 50;

/// `|A x - y|²` and its gradient, as a person writes them: each residual, then one pass
/// over its row of `A` for the gradients by `A` and `x`.
fn least_squares_hand(
    a: &[f64; ROWS * COLS],
    x: &[f64; COLS],
    y: &[f64; ROWS],
) -> (f64, [f64; ROWS * COLS], [f64; COLS], [f64; ROWS]) {
    let mut s = 0.0;
    let mut da = [0.0; ROWS * COLS];
    let mut dx = [0.0; COLS];
    let mut dy = [0.0; ROWS];
    for i in 0..ROWS {
        let mut t = 0.0;
        for j in 0..COLS {
            t += a[i * COLS + j] * x[j];
        }
        let r = t - y[i];
        s += r * r;
        dy[i] = -2.0 * r;
        for j in 0..COLS {
            da[i * COLS + j] += 2.0 * r * x[j];
            dx[j] += 2.0 * r * a[i * COLS + j];
        }
    }
    (s, da, dx, dy)
}

fn least_squares(c: &mut Criterion) {
    let f = grad!(|a: [f64; ROWS * COLS], x: [f64; COLS], y: [f64; ROWS]| {
        let mut s = 0.0;
        for i in 0..ROWS {
            let mut t = 0.0;
            for j in 0..COLS {
                t += a[i * COLS + j] * x[j];
            }
            s += (t - y[i]).powi(2);
        }
        s
    });
    assert!(f.derivation().contains("kept a loop on every iteration"));
    let a: [f64; ROWS * COLS] = black_box(core::array::from_fn(|k| 0.01 * (k % 17) as f64));
    let x: [f64; COLS] = black_box(core::array::from_fn(|k| 0.5 - 0.01 * k as f64));
    let y: [f64; ROWS] = black_box(core::array::from_fn(|k| 0.1 * (k % 5) as f64));
    let (v, (da, dx, dy)) = f.value_and_grad(a, x, y);
    let (hv, hda, hdx, hdy) = least_squares_hand(&a, &x, &y);
    let mut plain = 0.0;
    for i in 0..ROWS {
        let mut t = 0.0;
        for j in 0..COLS {
            t += a[i * COLS + j] * x[j];
        }
        plain += (t - y[i]).powi(2);
    }
    assert_eq!(v.to_bits(), plain.to_bits());
    assert!((v - hv).abs() <= 1e-12 * hv.abs());
    let near = |g: &[f64], h: &[f64]| {
        let scale = h.iter().fold(1.0_f64, |m, d| m.max(d.abs()));
        g.iter().zip(h).all(|(p, q)| (p - q).abs() <= 1e-12 * scale)
    };
    assert!(near(&da, &hda) && near(&dx, &hdx) && near(&dy, &hdy));
    println!(
        "least squares, pullback of forward: {} B",
        std::mem::size_of_val(&f.forward(a, x, y).1)
    );
    let mut group = c.benchmark_group("least-squares-200x50");
    group.bench_function("grad", |b| {
        b.iter(|| f.value_and_grad(black_box(a), black_box(x), black_box(y)))
    });
    group.bench_function("hand", |b| {
        b.iter(|| least_squares_hand(black_box(&a), black_box(&x), black_box(&y)))
    });
    group.finish();
}

fn main() {
    let f = grad!(|x: [f64; 10_000]| {
        let mut s = 0.0;
        for i in 0..9_999 {
            s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
        }
        s
    });
    assert!(f.derivation().contains("kept a loop"));
    let x: [f64; N] = black_box(core::array::from_fn(|k| 0.5 + 0.001 * k as f64));
    let (v, g) = f.value_and_grad(x);
    let (hv, hg) = hand(&x);
    assert_eq!(v.to_bits(), value(&x).to_bits());
    let scale = hg.iter().fold(1.0_f64, |m, d| m.max(d.abs()));
    assert!((v - hv).abs() <= 1e-12 * hv.abs());
    assert!(g
        .iter()
        .zip(&hg)
        .all(|(a, b)| (a - b).abs() <= 1e-12 * scale));
    println!(
        "pullback of forward: {} B",
        std::mem::size_of_val(&f.forward(x).1)
    );

    let mut c = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut group = c.benchmark_group("rosenbrock-10000");
    group.bench_function("grad", |b| b.iter(|| f.value_and_grad(black_box(x))));
    group.bench_function("hand", |b| b.iter(|| hand(black_box(&x))));
    group.bench_function("value", |b| b.iter(|| value(black_box(&x))));
    group.finish();
    least_squares(&mut c);
    c.final_summary();
}
