//! Compile time of `grad!`, end to end and in-process. `cargo bench --bench
//! compile_time` runs it all; arguments that do not start with `--` pick parts by name:
//! a case (`-- mixed-10000`), a shape (`-- chain`), or `expansion`.
//!
//! End to end: for each case it writes a crate whose only content is one `grad!` of a
//! generated expression (a binary that calls `value_and_grad`, so the code is generated
//! and optimized, not just type-checked) under `<target>/compile-time/`, outside the
//! source tree, and times `cargo build` and `cargo build --release` of that crate alone,
//! with the dependencies built beforehand. Then it runs each binary. The cases: the mixed
//! shape at 1,000 to 30,000 operations (for the exponent of the end-to-end time), and
//! the two deep shapes at 10,000 and 30,000 operations: a flat sum `x0 * x1 + x1 * x2 +
//! ...` and a chain of method calls `x.sin().cos()...`.
//!
//! In-process: the expansion alone, measured inside the macro crate by its ignored test
//! `expansion_scaling` (see `backprop-macro/src/scaling.rs`), which this runs.

#[allow(dead_code)]
#[path = "support/generate.rs"]
mod generate;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const CASES: [(&str, usize); 8] = [
    ("mixed", 1_000),
    ("mixed", 3_000),
    ("mixed", 10_000),
    ("mixed", 30_000),
    ("flat", 10_000),
    ("flat", 30_000),
    ("chain", 10_000),
    ("chain", 30_000),
];

fn main() {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |name: &str| {
        let shape = name.split('-').next();
        filters.is_empty()
            || filters
                .iter()
                .any(|f| f == name || Some(f.as_str()) == shape)
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = target_dir(root);
    let work = target.join("compile-time");
    let mut failed = false;

    let cases: Vec<(String, String)> = CASES
        .iter()
        .map(|&(shape, ops)| (format!("{shape}-{ops}"), program(shape, ops)))
        .filter(|(name, _)| wanted(name))
        .collect();
    if !cases.is_empty() {
        failed |= !end_to_end(root, &work, &cases);
    }
    if wanted("expansion") {
        println!("\nExpansion alone, in-process (backprop-macro's `expansion_scaling`):\n");
        let status = Command::new(cargo())
            .current_dir(root)
            .args([
                "test",
                "-p",
                "backprop-macro",
                "--release",
                "--lib",
                "--target-dir",
            ])
            .arg(work.join("target"))
            .args([
                "--",
                "--ignored",
                "expansion_scaling",
                "--nocapture",
                "--quiet",
            ])
            .status()
            .expect("cargo runs");
        failed |= !status.success();
    }
    if failed {
        std::process::exit(1);
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The target directory this bench was built into (`<target>/release/deps/<bench>`).
fn target_dir(root: &Path) -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.ancestors().nth(3)?.to_path_buf()))
        .unwrap_or_else(|| root.join("target"))
}

/// `main.rs` of a case: one `grad!`, called once on inputs the optimizer cannot see.
fn program(shape: &str, ops: usize) -> String {
    let (inputs, closure) = match shape {
        "mixed" => {
            let m = generate::Mixed::new(ops, generate::BENCH_SEED);
            let n = generate::MIXED_INPUTS;
            (
                n,
                format!("{} {}", generate::params(n), m.expr(|i| format!("x{i}"))),
            )
        }
        "flat" => {
            let n = generate::FLAT_INPUTS;
            (
                n,
                format!("{} {}", generate::params(n), generate::flat_sum(ops)),
            )
        }
        _ => (1, format!("|x| {}", generate::chain(ops))),
    };
    let mut out = String::new();
    let _ = writeln!(out, "fn main() {{");
    let _ = writeln!(out, "    let f = backprop::grad!({closure});");
    let _ = writeln!(out, "    let x = std::hint::black_box([0.5; {inputs}]);");
    let _ = writeln!(
        out,
        "    let (value, grad) = backprop::Differentiable::value_and_grad(&f, x);"
    );
    let _ = writeln!(
        out,
        "    println!(\"{{value}} {{}}\", grad.iter().sum::<f64>());\n}}"
    );
    out
}

fn write(path: &Path, contents: &str) {
    std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("mkdir");
    std::fs::write(path, contents).expect("the file is writable");
}

/// Builds every case in both profiles and prints the table; `false` if any failed.
fn end_to_end(root: &Path, work: &Path, cases: &[(String, String)]) -> bool {
    let mut members = vec!["\"warmup\"".to_string()];
    members.extend(cases.iter().map(|(name, _)| format!("\"{name}\"")));
    write(
        &work.join("Cargo.toml"),
        &format!(
            "[workspace]\nmembers = [{}]\nresolver = \"2\"\n",
            members.join(", ")
        ),
    );
    let crates = std::iter::once(("warmup".to_string(), program("mixed", 10)));
    for (name, main) in crates.chain(cases.iter().cloned()) {
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nbackprop = {{ path = {:?} }}\n",
            root.display().to_string()
        );
        write(&work.join(&name).join("Cargo.toml"), &manifest);
        write(&work.join(&name).join("src/main.rs"), &main);
    }
    println!("End to end: `cargo build` of a crate holding one `grad!` (dependencies prebuilt)\n");
    for profile in ["dev", "release"] {
        if build(work, "warmup", profile).is_err() {
            eprintln!("the dependencies do not build");
            return false;
        }
    }
    println!("| case | operations | debug build | release build | runs |");
    println!("|---|---:|---:|---:|---|");
    let mut ok = true;
    let mut fit = Vec::new();
    for (name, _) in cases {
        let ops: f64 = name
            .rsplit('-')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0.0);
        let mut cells = Vec::new();
        let mut runs = "yes";
        for profile in ["dev", "release"] {
            match build(work, name, profile) {
                Ok(seconds) => {
                    cells.push(format!("{seconds:.1} s"));
                    if name.starts_with("mixed") {
                        fit.push((profile, ops, seconds));
                    }
                    let dir = if profile == "dev" { "debug" } else { "release" };
                    let exe = work.join("target").join(dir).join(name);
                    if !Command::new(&exe)
                        .output()
                        .is_ok_and(|o| o.status.success())
                    {
                        runs = "no";
                        ok = false;
                    }
                }
                Err(error) => {
                    cells.push("failed".into());
                    eprintln!("{name} ({profile}):\n{error}");
                    ok = false;
                }
            }
        }
        println!("| {name} | {ops} | {} | {} | {runs} |", cells[0], cells[1]);
    }
    for profile in ["dev", "release"] {
        let points: Vec<(f64, f64)> = fit
            .iter()
            .filter(|p| p.0 == profile)
            .map(|p| (p.1, p.2))
            .collect();
        if points.len() > 1 {
            println!(
                "\nFitted exponent of the {profile} build time over the mixed cases: {:.2}",
                exponent(&points)
            );
        }
    }
    ok
}

/// Touches the case's source and builds it; the wall time in seconds, or cargo's stderr.
fn build(work: &Path, name: &str, profile: &str) -> Result<f64, String> {
    let main = work.join(name).join("src/main.rs");
    let contents = std::fs::read(&main).map_err(|e| e.to_string())?;
    std::fs::write(&main, contents).map_err(|e| e.to_string())?;
    let started = Instant::now();
    // Without incremental compilation (on by default in debug), which would replay the
    // previous build of the same source instead of measuring a first build.
    let output = Command::new(cargo())
        .current_dir(work)
        .env("CARGO_INCREMENTAL", "0")
        .args(["build", "--quiet", "--profile", profile, "-p", name])
        .output()
        .map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    if output.status.success() {
        Ok(seconds)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
        Err(tail.into_iter().rev().collect::<Vec<_>>().join("\n"))
    }
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
