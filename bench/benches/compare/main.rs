//! `grad!` against num-dual (forward mode, its `gradient` function) and symdiff
//! (symbolic differentiation by a proc macro), together with every contender of the root
//! package's `runtime` bench, so that one run gives every ratio of BENCHMARKS.md.

#[allow(dead_code)]
#[path = "../../../benches/common/mod.rs"]
mod common;

// symdiff's generated gradients multiply by −1, which clippy flags in their expansion.
#[rustfmt::skip]
#[allow(clippy::neg_multiply)]
mod big;
mod with_num_dual;
#[allow(clippy::neg_multiply)]
mod with_symdiff;

use std::hint::black_box;

use criterion::{measurement::WallTime, BenchmarkGroup};
use nalgebra::SVector;
use num_dual::DualSVec64;

use common::{assert_close, network, rosenbrock, teaching};

fn main() {
    let mut c = common::criterion();
    let data = black_box(network::DATA);
    let flat: Vec<f64> = data.iter().flatten().copied().collect();
    let nodes = common::run(&mut c, |function, group| match function {
        "teaching" => {
            let expected = teaching::hand(teaching::X);
            num_dual(group, teaching::X, expected, with_num_dual::teaching);
            symdiff(
                group,
                teaching::X,
                expected,
                with_symdiff::teaching,
                with_symdiff::teaching_gradient,
            );
        }
        "rosenbrock" => {
            let expected = rosenbrock::hand(rosenbrock::X);
            num_dual(group, rosenbrock::X, expected, with_num_dual::rosenbrock);
            symdiff(
                group,
                rosenbrock::X,
                expected,
                with_symdiff::rosenbrock,
                with_symdiff::rosenbrock_gradient,
            );
        }
        "network" => {
            let expected = network::hand(network::X, &data);
            num_dual(group, network::X, expected, |p| {
                with_num_dual::network(p, &data)
            });
            symdiff(
                group,
                network::X,
                expected,
                |p| with_symdiff::network(p, &flat),
                |p| with_symdiff::network_gradient(p, &flat),
            );
        }
        _ => {
            let expected = common::big::hand(common::big::X);
            num_dual(group, common::big::X, expected, big::num_dual);
            symdiff(
                group,
                common::big::X,
                expected,
                big::symdiff,
                big::symdiff_gradient,
            );
        }
    });
    c.final_summary();
    common::report::print(&nodes);
}

fn num_dual<const N: usize>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    x: [f64; N],
    (v, g): (f64, [f64; N]),
    f: impl Fn(SVector<DualSVec64<N>, N>) -> DualSVec64<N>,
) {
    let run = |x: [f64; N]| {
        let (value, grad) = num_dual::gradient(&f, &SVector::from(x));
        (value, grad.into())
    };
    let (cv, cg) = run(x);
    assert_close("num-dual", v, g, cv, cg, 1e-9);
    group.bench_function("num_dual", |b| b.iter(|| run(black_box(x))));
}

/// symdiff generates the gradient alone; the value is a call of the original function.
/// Timed both ways: value and gradient ("symdiff", what every other contender returns)
/// and the gradient alone ("symdiff_grad").
fn symdiff<const N: usize>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    x: [f64; N],
    (v, g): (f64, [f64; N]),
    value: impl Fn(&[f64]) -> f64,
    gradient: impl Fn(&[f64]) -> [f64; N],
) {
    assert_close("symdiff", v, g, value(&x), gradient(&x), 1e-9);
    group.bench_function("symdiff", |b| {
        b.iter(|| {
            let x = black_box(x);
            (value(&x), gradient(&x))
        });
    });
    group.bench_function("symdiff_grad", |b| b.iter(|| gradient(&black_box(x))));
}
