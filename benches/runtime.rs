//! Run time of the gradient: `grad!` against the value alone, a hand-written gradient,
//! the runtime graph and central differences, on four functions. `cargo bench --bench
//! runtime`; the comparison with other crates is `bench/` (see BENCHMARKS.md).

mod common;

fn main() {
    let mut c = common::criterion();
    let nodes = common::run(&mut c, |_, _| {});
    c.final_summary();
    common::report::print(&nodes);
}
