//! Run time of a loop that stays a loop: Rosenbrock over N = 10,000 variables, a loop of
//! 9,999 terms, `grad!`'s `value_and_grad` against a hand-written gradient in the same
//! binary, and against the value alone. `cargo bench --bench loops`.
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
    c.final_summary();
}
