//! Run time of a loss that calls a 20-operation `#[differentiable]` function 1,000 times
//! (`benches/support/calls/`): `grad!`'s `value_and_grad` with the calls, against the
//! same loss with the function written out in the `grad!` body, against a hand-written
//! value and gradient, and against the value alone. `cargo bench --bench calls`.
//!
//! Before timing it checks that every version computes the same value (to the bit: the
//! same operations in the same order) and that both `grad!` gradients equal the
//! hand-written one to a relative 1e-12 (scaled by the largest entry).

#[path = "support/calls/inline.rs"]
mod inline;
#[path = "support/calls/unit.rs"]
mod unit;
#[path = "support/calls/with_calls.rs"]
mod with_calls;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use backprop::Differentiable;
use criterion::Criterion;

const GROUP: &str = "calls";

/// Benchmark ids and the column titles they are reported under.
const CONTENDERS: [(&str, &str); 4] = [
    ("value", "value (plain)"),
    ("grad", "`grad!`, calls"),
    ("grad_inline", "`grad!`, written out"),
    ("hand", "hand-written"),
];

fn assert_close(name: &str, (v, g): (f64, [f64; 6]), (cv, cg): (f64, [f64; 6])) {
    let tol = 1e-12;
    let scale = g.iter().fold(1.0_f64, |m, d| m.max(d.abs()));
    let ok = (v - cv).abs() <= tol * v.abs().max(1.0)
        && g.iter().zip(&cg).all(|(a, b)| (a - b).abs() <= tol * scale);
    assert!(
        ok,
        "{name} disagrees with the hand-written gradient:\n  {v} {g:?}\n  {cv} {cg:?}"
    );
}

fn main() {
    let d = black_box(unit::data());
    let w = unit::W;
    let calls = with_calls::grad_fn(d);
    let written_out = inline::grad_fn(d);

    let hand = unit::hand(w, &d);
    let plain = unit::value(w, &d);
    for (name, other) in [
        ("hand-written", hand.0),
        ("grad!, calls, value", calls.value(w)),
        ("grad!, calls", calls.value_and_grad(w).0),
        ("grad!, written out, value", written_out.value(w)),
        ("grad!, written out", written_out.value_and_grad(w).0),
    ] {
        assert_eq!(
            plain.to_bits(),
            other.to_bits(),
            "{name}: {other} is not {plain}"
        );
    }
    assert_close("grad!, calls", hand, calls.value_and_grad(w));
    assert_close("grad!, written out", hand, written_out.value_and_grad(w));
    println!("value {plain}, gradient {:?}", hand.1);
    let callee = unit::unit::__forward(w, d[0][0], d[0][1], d[0][2]).1;
    println!(
        "pullbacks: the callee's {} B, the caller's with calls {} B, written out {} B",
        std::mem::size_of_val(&callee),
        std::mem::size_of_val(&calls.forward(w).1),
        std::mem::size_of_val(&written_out.forward(w).1),
    );

    let mut c = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut group = c.benchmark_group(GROUP);
    group.bench_function("value", |b| b.iter(|| unit::value(black_box(w), &d)));
    group.bench_function("grad", |b| b.iter(|| calls.value_and_grad(black_box(w))));
    group.bench_function("grad_inline", |b| {
        b.iter(|| written_out.value_and_grad(black_box(w)))
    });
    group.bench_function("hand", |b| b.iter(|| unit::hand(black_box(w), &d)));
    group.finish();
    c.final_summary();
    report();
}

/// Where criterion keeps its results (a bench binary lives in `<target>/<profile>/deps/`).
fn criterion_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(home.into());
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(target).join("criterion"));
    }
    let exe = std::env::current_exe().ok()?;
    Some(exe.ancestors().nth(3)?.join("criterion"))
}

/// The median of one benchmark's latest run, in nanoseconds.
fn median(id: &str) -> Option<f64> {
    let path = criterion_dir()?
        .join(GROUP)
        .join(id)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let median = &text[text.find("\"median\"")?..];
    let value = &median[median.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = value.find([',', '}'])?;
    value[..end].trim().parse().ok()
}

/// The medians and their ratios as Markdown (a contender filtered out prints `—`).
fn report() {
    let time = |ns: Option<f64>| ns.map_or("—".into(), |ns| format!("{:.2} µs", ns / 1e3));
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => format!("{:.2}", a / b),
        _ => "—".into(),
    };
    let titles: Vec<&str> = CONTENDERS.iter().map(|c| c.1).collect();
    println!(
        "\n| {} | calls / hand | written out / hand | calls / written out | calls / value |",
        titles.join(" | ")
    );
    println!("|{}---:|---:|---:|---:|", "---:|".repeat(titles.len()));
    let cells: Vec<String> = CONTENDERS.iter().map(|c| time(median(c.0))).collect();
    let m = median;
    println!(
        "| {} | {} | {} | {} | {} |",
        cells.join(" | "),
        ratio(m("grad"), m("hand")),
        ratio(m("grad_inline"), m("hand")),
        ratio(m("grad"), m("grad_inline")),
        ratio(m("grad"), m("value")),
    );
}
