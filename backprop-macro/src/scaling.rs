//! Expansion time and generated-code size against expression size: the in-process half
//! of the compile-time benchmark (the end-to-end half is `benches/compile_time.rs`).
//! `expand` is private to this proc-macro crate, so the measurement is an ignored test:
//!
//! ```text
//! cargo test -p backprop-macro --release --lib -- --ignored expansion_scaling --nocapture
//! ```
//!
//! It expands generated expressions of 100, 1,000 and 10,000 operations (the three
//! shapes of `benches/support/generate.rs`), takes the fastest of several runs, and fits
//! the exponent k of time ∝ opsᵏ and size ∝ opsᵏ by least squares on the logarithms.

#[allow(dead_code)]
#[path = "../../benches/support/generate.rs"]
mod generate;

use std::time::{Duration, Instant};

use proc_macro2::{TokenStream, TokenTree};

const SIZES: [usize; 3] = [100, 1_000, 10_000];

/// rustc runs proc macros on its main thread, whose stack is 8 MiB; the test thread's
/// default is smaller, and the point is to measure what the compiler will see.
const COMPILER_STACK: usize = 8 << 20;

fn source(shape: &str, ops: usize) -> String {
    match shape {
        "mixed" => {
            let m = generate::Mixed::new(ops, generate::BENCH_SEED);
            let params = generate::params(generate::MIXED_INPUTS);
            format!("{params} {}", m.expr(|i| format!("x{i}")))
        }
        "flat" => format!(
            "{} {}",
            generate::params(generate::FLAT_INPUTS),
            generate::flat_sum(ops)
        ),
        _ => format!("|x| {}", generate::chain(ops)),
    }
}

fn tokens(stream: TokenStream) -> usize {
    stream
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(g) => 2 + tokens(g.stream()),
            _ => 1,
        })
        .sum()
}

/// The fastest of enough runs to fill about a second, and the expansion itself.
fn measure(source: &str) -> (Duration, TokenStream) {
    let input: TokenStream = source.parse().expect("the generator writes valid tokens");
    let mut best = Duration::MAX;
    let mut output = TokenStream::new();
    let started = Instant::now();
    let mut runs = 0;
    while runs < 3 || (started.elapsed() < Duration::from_secs(1) && runs < 50) {
        let t = Instant::now();
        output = super::expand(input.clone());
        best = best.min(t.elapsed());
        runs += 1;
    }
    (best, output)
}

/// The slope of the least-squares line through (ln x, ln y).
fn exponent(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let (lx, ly): (Vec<f64>, Vec<f64>) = points.iter().map(|(x, y)| (x.ln(), y.ln())).unzip();
    let (mx, my) = (lx.iter().sum::<f64>() / n, ly.iter().sum::<f64>() / n);
    let sxy: f64 = lx.iter().zip(&ly).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = lx.iter().map(|x| (x - mx) * (x - mx)).sum();
    sxy / sxx
}

fn run() {
    println!("| shape | operations | expansion | tokens out | bytes out |");
    println!("|---|---:|---:|---:|---:|");
    let mut fits = Vec::new();
    for shape in ["mixed", "flat", "chain"] {
        let (mut times, mut token_counts, mut byte_counts) = (Vec::new(), Vec::new(), Vec::new());
        for ops in SIZES {
            let (time, output) = measure(&source(shape, ops));
            let text = output.to_string();
            assert!(
                !text.contains("compile_error"),
                "{shape} {ops}: {text:.300}"
            );
            let count = tokens(output);
            println!(
                "| {shape} | {ops} | {:.2} ms | {count} | {} |",
                time.as_secs_f64() * 1e3,
                text.len()
            );
            times.push((ops as f64, time.as_secs_f64()));
            token_counts.push((ops as f64, count as f64));
            byte_counts.push((ops as f64, text.len() as f64));
        }
        fits.push((
            shape,
            exponent(&times),
            exponent(&token_counts),
            exponent(&byte_counts),
        ));
    }
    println!("\n| shape | exponent: time | tokens | bytes |");
    println!("|---|---:|---:|---:|");
    for (shape, t, k, b) in fits {
        println!("| {shape} | {t:.3} | {k:.3} | {b:.3} |");
    }
}

#[test]
#[ignore = "a measurement, not a test: run it in release with --nocapture"]
fn expansion_scaling() {
    std::thread::Builder::new()
        .stack_size(COMPILER_STACK)
        .spawn(run)
        .expect("a thread can be started")
        .join()
        .expect("the measurement finishes");
}
