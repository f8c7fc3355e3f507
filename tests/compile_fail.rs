//! Every mistake in tests/ui/ must fail to compile with the message and span in its
//! `.stderr` snapshot. Regenerate the snapshots with
//! `TRYBUILD=overwrite cargo test --test compile_fail`, then read each one.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
