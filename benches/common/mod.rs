//! The benchmark functions and the contenders that need nothing outside this project,
//! shared by the root package's `runtime` bench and the comparison crate in `bench/`,
//! which adds `num-dual` and `symdiff` to the same groups.
//!
//! Rosenbrock and the network also have a `grad!` over array parameters with loops
//! (`grad_array`), next to the one with scalar parameters written out.
//!
//! Every contender computes the same thing from the same point: the value and the
//! gradient (central differences give the gradient alone, `symdiff` is timed both ways;
//! "value" gives the value alone, the cost of one evaluation). Inputs go through `black_box` on every
//! call and criterion's `iter` passes the result through it, so nothing is hoisted out of
//! the loop or thrown away; captured data is `black_box`ed once, where it is made.

// Generated, and checked against its generator by the `bench_sources` test.
#[rustfmt::skip]
pub mod big;
pub mod network;
pub mod report;
pub mod rosenbrock;
pub mod teaching;

use std::hint::black_box;
use std::time::Duration;

use backprop::{numeric, Differentiable, Graph, Var};
use criterion::{measurement::WallTime, BenchmarkGroup, Criterion};

/// The benchmark groups, one per function, in table order.
pub const FUNCTIONS: [&str; 4] = ["teaching", "rosenbrock", "network", "big"];

/// Settings for a 2-core machine shared with other work: enough samples for a stable
/// median, short enough that all groups run in a few minutes.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

/// The number of nodes the runtime graph records for each function, for the cost per
/// node in the report.
pub type NodeCounts = Vec<(&'static str, usize)>;

/// Runs every function's group: the contenders of this module, then `extra(function,
/// group)` for contenders added by the caller.
pub fn run(
    c: &mut Criterion,
    mut extra: impl FnMut(&str, &mut BenchmarkGroup<'_, WallTime>),
) -> NodeCounts {
    let data = black_box(network::DATA);
    let mut nodes = Vec::new();
    for name in FUNCTIONS {
        let mut group = c.benchmark_group(name);
        let n = match name {
            "teaching" => contenders(
                &mut group,
                teaching::X,
                teaching::value,
                teaching::hand,
                teaching::grad_fn(),
                teaching::record,
            ),
            "rosenbrock" => {
                let n = contenders(
                    &mut group,
                    rosenbrock::X,
                    rosenbrock::value,
                    rosenbrock::hand,
                    rosenbrock::grad_fn(),
                    rosenbrock::record,
                );
                array_form(
                    &mut group,
                    rosenbrock::X,
                    rosenbrock::grad_fn(),
                    rosenbrock::grad_array_fn(),
                );
                n
            }
            "network" => {
                let n = contenders(
                    &mut group,
                    network::X,
                    |p| network::value(p, &data),
                    |p| network::hand(p, &data),
                    network::grad_fn(data),
                    |p| network::record(p, &data),
                );
                array_form(
                    &mut group,
                    network::X,
                    network::grad_fn(data),
                    network::grad_array_fn(data),
                );
                n
            }
            _ => contenders(
                &mut group,
                big::X,
                big::value,
                big::hand,
                big::grad_fn(),
                big::record,
            ),
        };
        nodes.push((name, n));
        extra(name, &mut group);
        group.finish();
    }
    nodes
}

/// Benchmarks one function's own contenders and returns the runtime graph's node count.
fn contenders<const N: usize>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    x: [f64; N],
    value: impl Fn([f64; N]) -> f64,
    hand: impl Fn([f64; N]) -> (f64, [f64; N]),
    f: impl Differentiable<f64, N>,
    record: impl for<'g> Fn([Var<'g>; N]) -> Var<'g>,
) -> usize {
    check(x, &value, &hand, &f, &record);
    let nodes = {
        let graph = Graph::new();
        record(x.map(|v| graph.input("x", v)));
        graph.len()
    };
    group.bench_function("value", |b| b.iter(|| value(black_box(x))));
    group.bench_function("grad", |b| b.iter(|| f.value_and_grad(black_box(x))));
    group.bench_function("hand", |b| b.iter(|| hand(black_box(x))));
    group.bench_function("graph", |b| {
        b.iter(|| {
            let graph = Graph::with_capacity(nodes);
            let inputs = black_box(x).map(|v| graph.input("x", v));
            let out = record(inputs);
            let grads = graph.backward(out).expect("recorded on this graph");
            (out.value(), inputs.map(|v| grads[v]))
        });
    });
    group.bench_function("central", |b| {
        b.iter(|| numeric::central_difference(&value, black_box(x), 1e-6));
    });
    nodes
}

/// Benchmarks `grad!` over array parameters with loops (`array`, id `grad_array`) against
/// the same function with scalar parameters (`scalar`, already checked against the
/// hand-written gradient by [`contenders`]), after checking that they agree: the same
/// additions in the same order, so the value to the bit, and the gradient to a relative
/// 1e-12. Both are called through the flat `Differentiable` view, as `grad` is.
fn array_form<const N: usize>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    x: [f64; N],
    scalar: impl Differentiable<f64, N>,
    array: impl Differentiable<f64, N>,
) {
    let (v, g) = scalar.value_and_grad(x);
    let (av, ag) = array.value_and_grad(x);
    for (name, other) in [("arrays, value", array.value(x)), ("arrays", av)] {
        assert_eq!(v.to_bits(), other.to_bits(), "{name}: {other} is not {v}");
    }
    assert_close("grad! over arrays", v, g, av, ag, 1e-12);
    group.bench_function("grad_array", |b| {
        b.iter(|| array.value_and_grad(black_box(x)));
    });
}

/// Refuses to time contenders that disagree. Every version evaluates the same
/// floating-point expression, so the values must be equal to the bit; the gradients must
/// match the hand-written one to a relative 1e-9 (central differences to 1e-5).
fn check<const N: usize>(
    x: [f64; N],
    value: &impl Fn([f64; N]) -> f64,
    hand: &impl Fn([f64; N]) -> (f64, [f64; N]),
    f: &impl Differentiable<f64, N>,
    record: &impl for<'g> Fn([Var<'g>; N]) -> Var<'g>,
) {
    let (v, g) = hand(x);
    let graph = Graph::new();
    let inputs = x.map(|v| graph.input("x", v));
    let out = record(inputs);
    let grads = graph.backward(out).expect("recorded on this graph");
    for (name, other) in [
        ("value", value(x)),
        ("grad!", f.value(x)),
        ("graph", out.value()),
    ] {
        assert_eq!(v.to_bits(), other.to_bits(), "{name}: {other} is not {v}");
    }
    let candidates = [
        ("grad!", f.value_and_grad(x), 1e-9),
        ("graph", (out.value(), inputs.map(|v| grads[v])), 1e-9),
        (
            "central",
            (value(x), numeric::central_difference(value, x, 1e-6)),
            1e-5,
        ),
    ];
    for (name, (cv, cg), tol) in candidates {
        assert_close(name, v, g, cv, cg, tol);
    }
}

/// Panics unless `(cv, cg)` matches `(v, g)` to the relative tolerance `tol` (scaled by
/// the gradient's largest entry, so that entries near zero do not demand the impossible).
pub fn assert_close<const N: usize>(
    name: &str,
    v: f64,
    g: [f64; N],
    cv: f64,
    cg: [f64; N],
    tol: f64,
) {
    let scale = g.iter().fold(1.0_f64, |m, d| m.max(d.abs()));
    let ok = (v - cv).abs() <= tol * v.abs().max(1.0)
        && g.iter().zip(&cg).all(|(a, b)| (a - b).abs() <= tol * scale);
    assert!(
        ok,
        "{name} disagrees with the hand-written gradient:\n  {v} {g:?}\n  {cv} {cg:?}"
    );
}
