//! Forward mode and second order: `backprop::hessian` against num-dual's `hessian` (its
//! second-order vector duals) and a Hessian written by hand, on Rosenbrock-10 and the
//! 9-parameter network of the first-order benches; and `jvp` and `hvp` against one
//! evaluation and one `value_and_grad` of the same `grad!`. `cargo bench --manifest-path
//! bench/Cargo.toml --bench second_order`; BENCHMARKS.md, "Forward mode and second order".
//!
//! Before timing, the three Hessians must agree to a relative 1e-9 (scaled by the largest
//! entry), `hvp` must equal the hand-written Hessian times the direction, and `jvp` the
//! hand-written gradient dotted with it.

#[allow(dead_code)]
#[path = "../../../benches/common/mod.rs"]
mod common;

mod hand;
mod with_num_dual;

use std::hint::black_box;

use backprop::SecondOrder;
use criterion::Criterion;
use nalgebra::SVector;
use num_dual::Dual2SVec64;

use common::report::{median, ratio, time};
use common::{network, rosenbrock};

/// The benchmark groups, one per function.
const GROUPS: [&str; 2] = ["rosenbrock-2nd", "network-2nd"];

/// Benchmark ids and their column titles.
const CONTENDERS: [(&str, &str); 8] = [
    ("value", "value (hand)"),
    ("grad_value", "`grad!` `value`"),
    ("grad", "`value_and_grad`"),
    ("jvp", "`jvp`"),
    ("hvp", "`hvp`"),
    ("hessian", "`hessian`"),
    ("num_dual_hessian", "num-dual `hessian`"),
    ("hand_hessian", "hand-written Hessian"),
];

fn main() {
    let mut c = common::criterion();
    let data = black_box(network::DATA);
    contenders(
        &mut c,
        GROUPS[0],
        rosenbrock::X,
        rosenbrock::value,
        rosenbrock::hand,
        rosenbrock::grad_fn(),
        with_num_dual::rosenbrock,
        hand::rosenbrock,
    );
    contenders(
        &mut c,
        GROUPS[1],
        network::X,
        |p| network::value(p, &data),
        |p| network::hand(p, &data),
        network::grad_fn(data),
        |p| with_num_dual::network(p, &data),
        |p| hand::network(p, &data),
    );
    c.final_summary();
    print();
}

/// A direction with no zero and no repeated entry.
fn direction<const N: usize>() -> [f64; N] {
    std::array::from_fn(|i| {
        let t = (i + 1) as f64 / N as f64;
        if i % 2 == 0 {
            t
        } else {
            -0.5 * t
        }
    })
}

#[allow(clippy::too_many_arguments)]
fn contenders<const N: usize>(
    c: &mut Criterion,
    name: &str,
    x: [f64; N],
    value: impl Fn([f64; N]) -> f64,
    gradient: impl Fn([f64; N]) -> (f64, [f64; N]),
    f: impl SecondOrder<f64, N>,
    num_dual: impl Fn(SVector<Dual2SVec64<N>, N>) -> Dual2SVec64<N>,
    hand_hessian: impl Fn([f64; N]) -> [[f64; N]; N],
) {
    let v = direction::<N>();
    let num_dual_hessian = |x: [f64; N]| -> (f64, [[f64; N]; N]) {
        let (value, _, h) = num_dual::hessian(&num_dual, &SVector::from(x));
        (
            value,
            std::array::from_fn(|i| std::array::from_fn(|j| h[(i, j)])),
        )
    };
    check(
        name,
        x,
        v,
        &value,
        &gradient,
        &f,
        &num_dual_hessian,
        &hand_hessian,
    );

    let mut group = c.benchmark_group(name);
    group.bench_function("value", |b| b.iter(|| value(black_box(x))));
    group.bench_function("grad_value", |b| b.iter(|| f.value(black_box(x))));
    group.bench_function("grad", |b| b.iter(|| f.value_and_grad(black_box(x))));
    group.bench_function("jvp", |b| {
        b.iter(|| backprop::jvp(&f, black_box(x), black_box(v)))
    });
    group.bench_function("hvp", |b| {
        b.iter(|| backprop::hvp(&f, black_box(x), black_box(v)))
    });
    group.bench_function("hessian", |b| {
        b.iter(|| backprop::hessian(&f, black_box(x)))
    });
    group.bench_function("num_dual_hessian", |b| {
        b.iter(|| num_dual_hessian(black_box(x)))
    });
    group.bench_function("hand_hessian", |b| b.iter(|| hand_hessian(black_box(x))));
    group.finish();
}

/// Refuses to time contenders that disagree.
#[allow(clippy::too_many_arguments)]
fn check<const N: usize>(
    name: &str,
    x: [f64; N],
    v: [f64; N],
    value: &impl Fn([f64; N]) -> f64,
    gradient: &impl Fn([f64; N]) -> (f64, [f64; N]),
    f: &impl SecondOrder<f64, N>,
    num_dual_hessian: &impl Fn([f64; N]) -> (f64, [[f64; N]; N]),
    hand_hessian: &impl Fn([f64; N]) -> [[f64; N]; N],
) {
    let hand = hand_hessian(x);
    let scale = hand.iter().flatten().fold(1.0_f64, |m, h| m.max(h.abs()));
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * scale;
    let (nv, nh) = num_dual_hessian(x);
    for (who, h) in [
        ("backprop::hessian", backprop::hessian(f, x)),
        ("num-dual", nh),
    ] {
        for i in 0..N {
            for j in 0..N {
                assert!(
                    close(h[i][j], hand[i][j]),
                    "{name}: {who} H[{i}][{j}] = {} against the hand-written {}",
                    h[i][j],
                    hand[i][j]
                );
            }
        }
    }
    let hv = backprop::hvp(f, x, v);
    for i in 0..N {
        let expected: f64 = (0..N).map(|j| hand[i][j] * v[j]).sum();
        assert!(
            close(hv[i], expected),
            "{name}: hvp[{i}] = {} against {expected}",
            hv[i]
        );
    }
    let (fv, g) = gradient(x);
    let (jv, slope) = backprop::jvp(f, x, v);
    let expected: f64 = g.iter().zip(&v).map(|(g, v)| g * v).sum();
    let gscale = g.iter().fold(1.0_f64, |m, g| m.max(g.abs()));
    assert!(
        (slope - expected).abs() <= 1e-9 * gscale,
        "{name}: jvp {slope} against {expected}"
    );
    assert_eq!(jv.to_bits(), f.value(x).to_bits(), "{name}: jvp's value");
    assert_eq!(fv.to_bits(), value(x).to_bits(), "{name}: value");
    assert!(
        (nv - fv).abs() <= 1e-12 * fv.abs().max(1.0),
        "{name}: num-dual's value"
    );
}

/// Prints the medians and the ratios BENCHMARKS.md reports, as Markdown.
fn print() {
    println!("\nMedian time per call:\n");
    let titles: Vec<&str> = CONTENDERS.iter().map(|c| c.1).collect();
    println!("| function | {} |", titles.join(" | "));
    println!("|---|{}", "---:|".repeat(titles.len()));
    for group in GROUPS {
        let cells: Vec<String> = CONTENDERS
            .iter()
            .map(|c| time(median(group, c.0)))
            .collect();
        println!("| {group} | {} |", cells.join(" | "));
    }
    println!("\nRatios of medians:\n");
    println!(
        "| function | num-dual `hessian` / `hessian` | `hessian` / hand | `hvp` / \
         `value_and_grad` | `jvp` / `grad!` `value` | `jvp` / value (hand) | `hessian` / \
         `value_and_grad` |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for group in GROUPS {
        let m = |id| median(group, id);
        println!(
            "| {group} | {} | {} | {} | {} | {} | {} |",
            ratio(m("num_dual_hessian"), m("hessian")),
            ratio(m("hessian"), m("hand_hessian")),
            ratio(m("hvp"), m("grad")),
            ratio(m("jvp"), m("grad_value")),
            ratio(m("jvp"), m("value")),
            ratio(m("hessian"), m("grad")),
        );
    }
}
