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
//! ...` and a chain of method calls `x.sin().cos()...`; and a loss that calls a
//! 20-operation `#[differentiable]` function 1,000 times (`calls-1000`) against the same
//! loss with the function written out in the `grad!` body (`inline-1000`), both from the
//! sources of the `calls` run-time bench (`benches/support/calls/`); and loops that stay
//! loops: Rosenbrock as a loop over N = 10 and N = 10,000 variables at the default
//! threshold (`rosenbrock-10` is unrolled, `rosenbrock-10000` stays a loop), the same
//! with the length a named constant (`named-10`, `named-10000`: `const N`, `[f64; N]`,
//! a loop at any N), and the
//! same loop of 30, 100, 300, 1,000 and 3,000 terms built both ways (`rolled-*` and `unrolled-*`,
//! through `BACKPROP_ROLL_THRESHOLD`), and a tanh RNN of 300, 1,000 and 3,000 steps built
//! both ways (`rnn-*`, `rnnunrolled-*`), whose binaries also time their gradient against a
//! hand-written one; and least squares over named constants, `A` of 10 and 200 rows by
//! 50 columns (`leastsq-*`), a loop with an inner sum. Besides the build
//! times it reports the size of each binary's `.text` section, and the size of the crate
//! after macro expansion (`rustc -Z unpretty=expanded`, through `RUSTC_BOOTSTRAP=1` on
//! stable, in a target directory of its own so that the timed builds are not disturbed).
//!
//! With `-- --first-order`, the crates depend on `backprop` without its default
//! `second-order` feature (so the passes are written in the element type only), in a
//! directory of their own, `<target>/compile-time-first-order/`.
//!
//! In-process: the expansion alone, measured inside the macro crate by its ignored test
//! `expansion_scaling` (see `backprop-macro/src/scaling.rs`), which this runs.

#[allow(dead_code)]
#[path = "support/generate.rs"]
mod generate;
#[path = "support/loop_programs.rs"]
mod loop_programs;

use loop_programs::{least_squares_program, loop_program, recurrence_program};

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const CASES: [(&str, usize); 32] = [
    ("mixed", 1_000),
    ("mixed", 3_000),
    ("mixed", 10_000),
    ("mixed", 30_000),
    ("flat", 10_000),
    ("flat", 30_000),
    ("chain", 10_000),
    ("chain", 30_000),
    ("calls", 1_000),
    ("inline", 1_000),
    // Loops that stay loops: Rosenbrock as a loop of N - 1 terms, at the default
    // threshold (N = 10 is unrolled, N = 10,000 stays a loop).
    ("rosenbrock", 10),
    ("rosenbrock", 10_000),
    // The same with the length a named constant, `const N: usize`, `[f64; N]` and
    // `0..N - 1`: a loop at any N.
    ("named", 10),
    ("named", 10_000),
    // Both sides of the threshold: the same loop of n terms kept a loop, and unrolled.
    ("rolled", 30),
    ("unrolled", 30),
    ("rolled", 100),
    ("unrolled", 100),
    ("rolled", 300),
    ("unrolled", 300),
    ("rolled", 1_000),
    ("unrolled", 1_000),
    ("rolled", 3_000),
    ("unrolled", 3_000),
    // The same for a recurrence, a tanh RNN over data (`h = (w * h + u * xs[t]).tanh()`),
    // which keeps a tape: kept a loop (`rnn-*`) and unrolled (`rnnunrolled-*`).
    ("rnn", 300),
    ("rnnunrolled", 300),
    ("rnn", 1_000),
    ("rnnunrolled", 1_000),
    ("rnn", 3_000),
    ("rnnunrolled", 3_000),
    // Least squares over named constants, rows × 50: a loop with an inner sum.
    ("leastsq", 10),
    ("leastsq", 200),
];

/// The loss of the `calls` bench, copied verbatim into the crates of the two call cases.
const CALLS_UNIT: &str = include_str!("support/calls/unit.rs");
const CALLS_WITH_CALLS: &str = include_str!("support/calls/with_calls.rs");
const CALLS_INLINE: &str = include_str!("support/calls/inline.rs");

/// The operations of a case as written out: the calls' function has 20.
fn operations(shape: &str, n: usize) -> usize {
    match shape {
        "calls" | "inline" => 20 * n,
        // Seven operations a term, written out.
        "rosenbrock" | "named" => 7 * (n - 1),
        "rolled" | "unrolled" => 7 * n,
        "rnn" | "rnnunrolled" => 4 * n,
        "leastsq" => 2 * 50 * n + 2 * n,
        _ => n,
    }
}

/// The loop threshold a case's build is given (`BACKPROP_ROLL_THRESHOLD`), if any: 1 keeps
/// every loop a loop, a million unrolls every one.
fn threshold(shape: &str) -> Option<&'static str> {
    match shape {
        "rolled" | "rnn" => Some("1"),
        "unrolled" | "rnnunrolled" => Some("1000000"),
        _ => None,
    }
}

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
    let first_order = std::env::args().any(|a| a == "--first-order");
    let work = target.join(if first_order {
        "compile-time-first-order"
    } else {
        "compile-time"
    });
    let mut failed = false;

    let cases: Vec<Case> = CASES
        .iter()
        .filter(|&&(shape, n)| wanted(&format!("{shape}-{n}")))
        .map(|&(shape, n)| Case {
            name: format!("{shape}-{n}"),
            ops: operations(shape, n),
            files: sources(shape, n),
            threshold: threshold(shape),
        })
        .collect();
    if !cases.is_empty() {
        failed |= !end_to_end(root, &work, &cases, first_order);
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

/// One crate to build: its name, its operations, and its files (paths under the crate).
struct Case {
    name: String,
    ops: usize,
    files: Vec<(String, String)>,
    /// `BACKPROP_ROLL_THRESHOLD` for its build, if set.
    threshold: Option<&'static str>,
}

/// The files of a case: `src/main.rs`, and for the call cases the modules of the `calls`
/// bench it uses.
fn sources(shape: &str, n: usize) -> Vec<(String, String)> {
    let loss = match shape {
        "calls" => ("with_calls", CALLS_WITH_CALLS),
        "inline" => ("inline", CALLS_INLINE),
        "rosenbrock" => return vec![("src/main.rs".to_string(), loop_program(n - 1, false))],
        "named" => return vec![("src/main.rs".to_string(), loop_program(n - 1, true))],
        "rolled" | "unrolled" => return vec![("src/main.rs".to_string(), loop_program(n, false))],
        "rnn" | "rnnunrolled" => return vec![("src/main.rs".to_string(), recurrence_program(n))],
        "leastsq" => return vec![("src/main.rs".to_string(), least_squares_program(n))],
        _ => return vec![("src/main.rs".to_string(), program(shape, n))],
    };
    assert_eq!(
        n, 1_000,
        "the sources of the `calls` bench make 1,000 calls"
    );
    let mut main = String::new();
    let _ = writeln!(main, "mod unit;\nmod {};\n", loss.0);
    let _ = writeln!(main, "fn main() {{");
    let _ = writeln!(
        main,
        "    let f = {}::grad_fn(std::hint::black_box(unit::data()));",
        loss.0
    );
    let _ = writeln!(main, "    let w = std::hint::black_box(unit::W);");
    let _ = writeln!(
        main,
        "    let (value, grad) = backprop::Differentiable::value_and_grad(&f, w);"
    );
    let _ = writeln!(
        main,
        "    println!(\"{{value}} {{}}\", grad.iter().sum::<f64>());\n}}"
    );
    vec![
        ("src/main.rs".to_string(), main),
        ("src/unit.rs".to_string(), CALLS_UNIT.to_string()),
        (format!("src/{}.rs", loss.0), loss.1.to_string()),
    ]
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
fn end_to_end(root: &Path, work: &Path, cases: &[Case], first_order: bool) -> bool {
    let mut members = vec!["\"warmup\"".to_string()];
    members.extend(cases.iter().map(|case| format!("\"{}\"", case.name)));
    write(
        &work.join("Cargo.toml"),
        &format!(
            "[workspace]\nmembers = [{}]\nresolver = \"2\"\n",
            members.join(", ")
        ),
    );
    let warmup = vec![("src/main.rs".to_string(), program("mixed", 10))];
    let crates = std::iter::once(("warmup", &warmup))
        .chain(cases.iter().map(|case| (case.name.as_str(), &case.files)));
    let features = if first_order {
        ", default-features = false"
    } else {
        ""
    };
    for (name, files) in crates {
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nbackprop = {{ path = {:?}{features} }}\n",
            root.display().to_string()
        );
        write(&work.join(name).join("Cargo.toml"), &manifest);
        for (path, contents) in files {
            write(&work.join(name).join(path), contents);
        }
    }
    println!("End to end: `cargo build` of a crate holding one `grad!` (dependencies prebuilt)\n");
    for profile in ["dev", "release"] {
        if build(work, "warmup", profile, None).is_err() {
            eprintln!("the dependencies do not build");
            return false;
        }
    }
    let baseline: Vec<String> = ["debug", "release"]
        .iter()
        .map(|dir| text_size(&work.join("target").join(dir).join("warmup")).map_or("—".into(), kib))
        .collect();
    println!(
        "For scale, `.text` of a crate holding a 10-operation `grad!` (std included): {} debug, \
         {} release.\n",
        baseline[0], baseline[1]
    );
    println!(
        "| case | operations | debug build | release build | `.text` debug | `.text` release \
         | expanded source | runs |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    let mut ok = true;
    let mut fit = Vec::new();
    let mut timings: Vec<(String, String)> = Vec::new();
    for case in cases {
        let (name, ops) = (&case.name, case.ops as f64);
        let mut cells = Vec::new();
        let mut texts = Vec::new();
        let mut runs = "yes";
        for profile in ["dev", "release"] {
            match build(work, name, profile, case.threshold) {
                Ok(seconds) => {
                    cells.push(format!("{seconds:.1} s"));
                    if name.starts_with("mixed") {
                        fit.push((profile, ops, seconds));
                    }
                    let dir = if profile == "dev" { "debug" } else { "release" };
                    let exe = work.join("target").join(dir).join(name);
                    texts.push(text_size(&exe).map_or("—".into(), kib));
                    match Command::new(&exe).output() {
                        Ok(o) if o.status.success() => {
                            let stdout = String::from_utf8_lossy(&o.stdout);
                            if let Some(line) = stdout.lines().find(|l| l.starts_with("timing ")) {
                                if profile == "release" {
                                    timings.push((name.clone(), line[7..].to_string()));
                                }
                            }
                        }
                        _ => {
                            runs = "no";
                            ok = false;
                        }
                    }
                }
                Err(error) => {
                    cells.push("failed".into());
                    texts.push("—".into());
                    eprintln!("{name} ({profile}):\n{error}");
                    ok = false;
                }
            }
        }
        let expanded = match expanded_size(work, name, case.threshold) {
            Ok((bytes, lines)) => format!("{} in {lines} lines", kib(bytes)),
            Err(error) => {
                eprintln!("{name} (expansion):\n{error}");
                "—".into()
            }
        };
        println!(
            "| {name} | {ops} | {} | {} | {} | {} | {expanded} | {runs} |",
            cells[0], cells[1], texts[0], texts[1]
        );
    }
    if !timings.is_empty() {
        println!(
            "\nRun time of the loop cases' release binaries, in the same binary: \
             `value_and_grad` and a hand-written gradient (median of 21 batches)\n"
        );
        println!("| case | `grad!` | hand-written | ratio |");
        println!("|---|---:|---:|---:|");
        for (name, line) in &timings {
            let numbers: Vec<f64> = line
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect();
            if let [grad, hand] = numbers[..] {
                println!(
                    "| {name} | {grad:.0} ns | {hand:.0} ns | {:.2} |",
                    grad / hand
                );
            }
        }
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
fn build(work: &Path, name: &str, profile: &str, threshold: Option<&str>) -> Result<f64, String> {
    let main = work.join(name).join("src/main.rs");
    let contents = std::fs::read(&main).map_err(|e| e.to_string())?;
    std::fs::write(&main, contents).map_err(|e| e.to_string())?;
    let started = Instant::now();
    // Without incremental compilation (on by default in debug), which would replay the
    // previous build of the same source instead of measuring a first build.
    // The target directory under `work` that the binaries are looked for in, even when
    // this bench runs with `CARGO_TARGET_DIR` set (which the child would inherit).
    let mut command = Command::new(cargo());
    command
        .current_dir(work)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .args(["build", "--quiet", "--profile", profile, "-p", name]);
    set_threshold(&mut command, threshold);
    let output = command.output().map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    if output.status.success() {
        Ok(seconds)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
        Err(tail.into_iter().rev().collect::<Vec<_>>().join("\n"))
    }
}

/// The crate after macro expansion, pretty-printed by rustc: its bytes and lines. Built
/// in `<work>/target-expand`: `RUSTC_BOOTSTRAP` would otherwise change the fingerprints
/// of dependencies that read it (proc-macro2's build script does) and make the next timed
/// build rebuild them.
fn expanded_size(work: &Path, name: &str, threshold: Option<&str>) -> Result<(u64, usize), String> {
    let mut command = Command::new(cargo());
    command
        .current_dir(work)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["rustc", "--quiet", "--profile", "check", "-p", name])
        .arg("--target-dir")
        .arg(work.join("target-expand"))
        .args(["--", "-Zunpretty=expanded"]);
    set_threshold(&mut command, threshold);
    let output = command.output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let lines = output.stdout.iter().filter(|&&b| b == b'\n').count();
    Ok((output.stdout.len() as u64, lines))
}

/// Passes the loop threshold on to the macro, or makes sure none is inherited.
fn set_threshold(command: &mut Command, threshold: Option<&str>) {
    match threshold {
        Some(t) => command.env("BACKPROP_ROLL_THRESHOLD", t),
        None => command.env_remove("BACKPROP_ROLL_THRESHOLD"),
    };
}

fn kib(bytes: u64) -> String {
    format!("{:.0} KiB", bytes as f64 / 1024.0)
}

/// The size of the `.text` section of a 64-bit little-endian ELF file (what Linux builds),
/// read from its section headers; `None` for anything else.
fn text_size(path: &Path) -> Option<u64> {
    let elf = std::fs::read(path).ok()?;
    let u16_at = |at: usize| Some(u16::from_le_bytes(elf.get(at..at + 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_le_bytes(elf.get(at..at + 4)?.try_into().ok()?));
    let u64_at = |at: usize| Some(u64::from_le_bytes(elf.get(at..at + 8)?.try_into().ok()?));
    if elf.get(..6)? != b"\x7fELF\x02\x01" {
        return None;
    }
    let table = usize::try_from(u64_at(0x28)?).ok()?;
    let (entry, count, names) = (
        usize::from(u16_at(0x3a)?),
        usize::from(u16_at(0x3c)?),
        usize::from(u16_at(0x3e)?),
    );
    let header = |k: usize| table + k * entry;
    let strings = usize::try_from(u64_at(header(names) + 0x18)?).ok()?;
    (0..count).find_map(|k| {
        let name = strings + usize::try_from(u32_at(header(k))?).ok()?;
        let end = name + elf.get(name..)?.iter().position(|&b| b == 0)?;
        (&elf[name..end] == b".text").then(|| u64_at(header(k) + 0x20))?
    })
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
