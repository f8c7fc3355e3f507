//! Run time of loops that stay loops, `grad!`'s `value_and_grad` against a hand-written
//! gradient in the same binary, and against the value alone: Rosenbrock over N = 10,000
//! variables, a loop of 9,999 terms; and least squares, `|A x - y|²` with A of 200 × 50
//! over named constants, a loop with an inner sum; and an oscillator, 1,000 steps of a
//! loop with two states (a position and a velocity). `cargo bench --bench loops`.
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

const STEPS: usize = 1000;
const DT: f64 = 0.01;

/// The oscillator's energy after `STEPS` steps of semi-implicit Euler, and its gradient by
/// `(k, x0, v0)`, by hand: the forward pass keeps each step's position, the backward pass
/// runs the steps in reverse.
fn oscillator_hand(k: f64, x0: f64, v0: f64) -> (f64, [f64; 3]) {
    let (mut x, mut v) = (x0, v0);
    let mut xs = [0.0; STEPS];
    for x_before in &mut xs {
        *x_before = x;
        v += DT * (-k * x);
        x += DT * v;
    }
    let (mut d_x, mut d_v, mut d_k) = (2.0 * x, 2.0 * v, 0.0);
    for x_before in xs.iter().rev() {
        let d_v_new = d_v + DT * d_x;
        d_k -= d_v_new * DT * x_before;
        d_x -= DT * k * d_v_new;
        d_v = d_v_new;
    }
    (x * x + v * v, [d_k, d_x, d_v])
}

/// A loop with two states, a position and a velocity: the loss reads both (two calls of
/// the loop) or the position alone (one).
fn oscillator(c: &mut Criterion) {
    let both = grad!(|k: f64, x0: f64, v0: f64| {
        let mut x = x0;
        let mut v = v0;
        for _ in 0..STEPS {
            let a = -k * x;
            v += DT * a;
            x += DT * v;
        }
        x * x + v * v
    });
    let position = grad!(|k: f64, x0: f64, v0: f64| {
        let mut x = x0;
        let mut v = v0;
        for _ in 0..STEPS {
            let a = -k * x;
            v += DT * a;
            x += DT * v;
        }
        x * x
    });
    assert!(both.derivation().contains("kept a loop"));
    let (k, x0, v0) = black_box((1.3, 1.0, 0.2));
    let (value, gradient) = both.value_and_grad(k, x0, v0);
    let (hv, hg) = oscillator_hand(k, x0, v0);
    assert!((value - hv).abs() <= 1e-12 * hv.abs());
    assert!(gradient
        .iter()
        .zip(&hg)
        .all(|(a, b)| (a - b).abs() <= 1e-10 * b.abs().max(1.0)));
    println!(
        "oscillator, pullback of forward: {} B",
        std::mem::size_of_val(&both.forward(k, x0, v0).1)
    );
    let mut group = c.benchmark_group("oscillator-1000");
    group.bench_function("grad", |b| {
        b.iter(|| both.value_and_grad(black_box(k), black_box(x0), black_box(v0)))
    });
    group.bench_function("grad-position-only", |b| {
        b.iter(|| position.value_and_grad(black_box(k), black_box(x0), black_box(v0)))
    });
    group.bench_function("hand", |b| {
        b.iter(|| oscillator_hand(black_box(k), black_box(x0), black_box(v0)))
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
    oscillator(&mut c);
    c.final_summary();
}
