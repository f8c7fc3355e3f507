//! The summary tables printed after a run: criterion's median for every contender, read
//! back from the estimates it saves, and the ratios BENCHMARKS.md reports.

use std::path::PathBuf;

use super::{NodeCounts, FUNCTIONS};

/// Benchmark ids and the column titles they are reported under.
const CONTENDERS: [(&str, &str); 9] = [
    ("value", "value (hand)"),
    ("grad", "`grad!`"),
    ("grad_array", "`grad!`, arrays and loops"),
    ("hand", "hand-written"),
    ("graph", "runtime graph"),
    ("num_dual", "num-dual"),
    ("symdiff", "symdiff"),
    ("symdiff_grad", "symdiff, gradient only"),
    ("central", "central diff."),
];

/// Where criterion keeps its results, found the way criterion finds it (a bench binary
/// lives in `<target>/<profile>/deps/`).
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
pub fn median(function: &str, id: &str) -> Option<f64> {
    let path = criterion_dir()?
        .join(function)
        .join(id)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    // `{"mean":{...},"median":{"confidence_interval":{...},"point_estimate":X,...},...}`
    let median = &text[text.find("\"median\"")?..];
    let value = &median[median.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = value.find([',', '}'])?;
    value[..end].trim().parse().ok()
}

pub fn time(ns: Option<f64>) -> String {
    match ns {
        None => "—".into(),
        Some(ns) if ns < 1e3 => format!("{ns:.2} ns"),
        Some(ns) if ns < 1e6 => format!("{:.2} µs", ns / 1e3),
        Some(ns) => format!("{:.2} ms", ns / 1e6),
    }
}

pub fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:.2}", a / b),
        _ => "—".into(),
    }
}

/// Prints the medians, the ratios and the runtime graph's cost per node as Markdown.
pub fn print(nodes: &NodeCounts) {
    let Some(dir) = criterion_dir() else { return };
    println!(
        "\nMedian time per call (criterion's estimates in {}):\n",
        dir.display()
    );
    let titles: Vec<&str> = CONTENDERS.iter().map(|c| c.1).collect();
    println!("| function | {} |", titles.join(" | "));
    println!("|---|{}", "---:|".repeat(titles.len()));
    for function in FUNCTIONS {
        let cells: Vec<String> = CONTENDERS
            .iter()
            .map(|c| time(median(function, c.0)))
            .collect();
        println!("| {function} | {} |", cells.join(" | "));
    }
    println!("\nRatios of medians:\n");
    println!(
        "| function | `grad!` / hand | `grad!` / value | arrays and loops / `grad!` | graph / \
         `grad!` | num-dual / `grad!` | symdiff / `grad!` | symdiff gradient only / `grad!` \
         | graph nodes | graph per node |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for function in FUNCTIONS {
        let m = |id| median(function, id);
        let n = nodes
            .iter()
            .find(|(f, _)| *f == function)
            .map_or(0, |&(_, n)| n);
        println!(
            "| {function} | {} | {} | {} | {} | {} | {} | {} | {n} | {} |",
            ratio(m("grad"), m("hand")),
            ratio(m("grad"), m("value")),
            ratio(m("grad_array"), m("grad")),
            ratio(m("graph"), m("grad")),
            ratio(m("num_dual"), m("grad")),
            ratio(m("symdiff"), m("grad")),
            ratio(m("symdiff_grad"), m("grad")),
            time(m("graph").map(|t| t / n as f64)),
        );
    }
}
