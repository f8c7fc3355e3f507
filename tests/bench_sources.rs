//! The generated benchmark sources are what their generator writes. Run with
//! `BACKPROP_BLESS=1` to rewrite them after changing the generator.

#[allow(dead_code)]
#[path = "../benches/support/generate.rs"]
mod generate;

use std::path::Path;

fn check(path: &str, expected: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    if std::env::var_os("BACKPROP_BLESS").is_some() {
        std::fs::write(&path, expected).expect("the file is writable");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "{} is stale: run `BACKPROP_BLESS=1 cargo test --test bench_sources`",
        path.display()
    );
}

#[test]
fn big_function_matches_its_generator() {
    check("benches/common/big.rs", &generate::bench_source());
}

#[test]
fn big_function_for_other_crates_matches_its_generator() {
    check("bench/benches/compare/big.rs", &generate::compare_source());
}
