//! Runs every example and checks what it prints, so none can rot: the seed's numbers, the
//! gradient checks, the fitted neuron, the XOR loss target, the Greeks, Rosenbrock's
//! minimum, Kepler's equation and its derivatives, the logistic regression on the iris
//! data, the spring fitted to its trajectory, and the pictures they write.
//!
//! The examples run as the binaries Cargo builds for `cargo test`. A `cargo build
//! --examples` first makes sure they are current when this test runs alone
//! (`cargo test --test examples` does not build them); after `cargo test` it has nothing
//! to do.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Every example, by the name `cargo run --example` takes.
const EXAMPLES: [&str; 10] = [
    "seed",
    "chain_rule",
    "neuron",
    "xor",
    "greeks",
    "rosenbrock",
    "robust_regression",
    "kepler",
    "logistic_newton",
    "oscillator",
];

/// `<target>/<profile>`, the directory this test binary was built into (its `deps/`).
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.parent()
        .and_then(Path::parent)
        .expect("the test binary lives in <target>/<profile>/deps")
        .to_owned()
}

/// Builds the examples once per test run, in this binary's target directory and profile.
fn build_examples() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let profile_dir = profile_dir();
        let target_dir = profile_dir.parent().expect("<target>/<profile>");
        let profile = profile_dir
            .file_name()
            .and_then(|name| name.to_str())
            .expect("a profile directory name");
        let mut cargo = Command::new(env!("CARGO"));
        cargo
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["build", "--quiet", "--examples", "--target-dir"])
            .arg(target_dir);
        match profile {
            "debug" => {}
            "release" => {
                cargo.arg("--release");
            }
            other => {
                cargo.args(["--profile", other]);
            }
        }
        let status = cargo.status().expect("cargo runs");
        assert!(status.success(), "cargo build --examples failed");
    });
}

/// What `cargo run --example NAME` prints, given `args`; panics with the output if the
/// example fails.
fn run(name: &str, args: &[&Path]) -> String {
    build_examples();
    let exe = profile_dir()
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let output = Command::new(&exe)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", exe.display()));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "example `{name}` failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A fresh directory for one example's files.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("examples")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The whitespace-separated words of the first line starting with `prefix`.
fn line<'a>(output: &'a str, prefix: &str) -> Vec<&'a str> {
    output
        .lines()
        .find(|line| line.trim_start().starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{output}"))
        .split_whitespace()
        .collect()
}

/// The number that follows `before` in `output`.
fn number_after(output: &str, before: &str) -> f64 {
    let start = output
        .find(before)
        .unwrap_or_else(|| panic!("{before:?} not found in:\n{output}"))
        + before.len();
    let text: String = output[start..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || "+-.e".contains(*c))
        .collect();
    text.trim_end_matches('.')
        .parse()
        .unwrap_or_else(|_| panic!("no number after {before:?}: {text:?}"))
}

fn assert_xml(path: &Path) -> String {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not well-formed XML: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    text
}

#[test]
fn every_example_is_run_here() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples/")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            if path.is_dir() && path.join("main.rs").is_file() {
                Some(path.file_name()?.to_str()?.to_owned())
            } else if path.extension()? == "rs" {
                Some(path.file_stem()?.to_str()?.to_owned())
            } else {
                None
            }
        })
        .collect();
    found.sort();
    let mut listed = EXAMPLES.map(str::to_owned).to_vec();
    listed.sort();
    assert_eq!(
        found, listed,
        "add the new example to EXAMPLES and test what it prints"
    );
}

#[test]
fn seed_prints_the_teaching_numbers_three_ways() {
    let dir = scratch("seed");
    let out = run("seed", &[&dir]);
    // The last three columns: the nodes by hand, the runtime graph and grad!.
    let columns = |prefix| {
        let words = line(&out, prefix);
        words[words.len() - 3..].to_vec()
    };
    assert_eq!(columns("forward   t = x + y"), ["300", "300", "-"]);
    assert_eq!(columns("out = t * z"), ["1200", "1200", "1200"]);
    assert_eq!(columns("backward  dout/dx"), ["4", "4", "4"]);
    assert_eq!(columns("dout/dy"), ["4", "4", "4"]);
    assert_eq!(columns("dout/dz"), ["300", "300", "300"]);
    assert!(out.contains("all three agree: out = 1200, (dx, dy, dz) = (4, 4, 300)"));
    let derivation = "forward\n  t0 = x + y\n  out = t0 * z\nbackward\n  d_t0 = dout * z\n  \
                      d_z = dout * t0\n  d_x = d_t0\n  d_y = d_t0\n";
    assert!(
        out.contains(derivation),
        "the derivation is missing:\n{out}"
    );
    // The trace: the teaching text's numbers, from the generated code.
    let trace = "forward\n  t0 = x + y = 100 + 200 = 300\n  out = t0 * z = 300 * 4 = 1200\n\
                 backward (dout = 1)\n  d_t0 = dout * z = 1 * 4 = 4\n  d_z = dout * t0 = 1 * 300 \
                 = 300\n  d_x = d_t0 = 4\n  d_y = d_t0 = 4\n";
    assert!(out.contains(trace), "the trace is missing:\n{out}");

    let svg = assert_xml(&dir.join("seed.svg"));
    for label in ["value = 1200", "grad = 300", "grad = 4"] {
        assert!(svg.contains(label), "the SVG lacks {label:?}");
    }
    let dot = std::fs::read_to_string(dir.join("seed.dot")).expect("seed.dot");
    assert!(dot.starts_with("digraph"), "{dot}");
    // The README shows the output and the picture; they must be what the example gives
    // today. (The output's last lines name the directory it wrote to, which varies.)
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let shown = &out[..out
        .find("\nthe graph with each node")
        .expect("the pictures' lines")
        + 1];
    assert!(
        readme.contains(shown),
        "the README's copy of the seed's output is out of date; it is now:\n{out}"
    );
    // The README shows docs/seed.svg; it must be what the example draws today.
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/seed.svg");
    let committed = std::fs::read_to_string(&committed).expect("docs/seed.svg");
    assert!(
        committed == svg,
        "docs/seed.svg is out of date: redraw it with `cargo run --example seed` and copy \
         target/backprop-examples/seed.svg to docs/"
    );
}

#[test]
fn chain_rule_gradients_pass_the_check() {
    let out = run("chain_rule", &[]);
    assert!(out.contains(
        "value 50; gradient by [\"x1\", \"x2\", \"x3\", \"x4\"]: [15.0, 10.0, 5.0, 10.0]"
    ));
    assert!(out.contains("value 6.25; gradient (dx, dy) = (-5, -5); 2(x + y) = -5"));
    assert!(out.contains("  d_t0 = dout * (2 * t0^(2 - 1)) = 1 * (2 * (-2.5)^(2 - 1)) = -5\n"));
    assert!(out.contains("  d_x4 = dout * t1 = 1 * 10 = 10\n"), "{out}");
    assert_eq!(out.matches("gradcheck passed").count(), 2, "{out}");
}

#[test]
fn neuron_finds_the_weights_that_made_the_data() {
    let out = run("neuron", &[]);
    let summary = line(&out, "loss fell from").join(" ");
    let first = number_after(&summary, "from");
    let last = number_after(&summary, " to ");
    assert!(last < 1e-8 * first, "{first} -> {last}");
    let w = number_after(&summary, "found w =");
    let b = number_after(&summary, ", b =");
    assert!(
        (w - 3.0).abs() < 1e-3 && (b + 1.5).abs() < 1e-3,
        "w = {w}, b = {b}"
    );
}

#[test]
fn xor_reaches_the_loss_target_and_plots_it() {
    let dir = scratch("xor");
    let out = run("xor", &[&dir]);
    let loss = number_after(&out, "final mean loss");
    assert!(loss < 0.01, "final mean loss {loss}");
    for (x, y) in [("0, 0", 0.0), ("0, 1", 1.0), ("1, 0", 1.0), ("1, 1", 0.0)] {
        let prediction = number_after(&out, &format!("xor({x}) = {y}   network:"));
        assert!(
            (prediction - y).abs() < 0.1,
            "xor({x}) predicted {prediction}"
        );
    }
    let svg = assert_xml(&dir.join("xor-loss.svg"));
    let doc = roxmltree::Document::parse(&svg).expect("checked above");
    let polyline = doc
        .descendants()
        .find(|node| node.has_tag_name("polyline"))
        .expect("a polyline");
    let points = polyline
        .attribute("points")
        .expect("points")
        .split(' ')
        .count();
    assert!(points > 500, "the curve has {points} points");
    assert!(svg.contains(">epoch</text>") && svg.contains(">0.01</text>"));
}

#[test]
fn rosenbrock_descends_to_the_minimum_at_all_ones() {
    let out = run("rosenbrock", &[]);
    assert!(
        out.starts_with("gradcheck passed: 10 gradient(s) agree"),
        "{out}"
    );
    assert_eq!(number_after(&out, "f ="), 2057.0, "the value at the start");
    let last = &out[out.find("\nfinal x = [").expect("the final point") + 1..];
    // Observed: f = 9.9e-13, |grad| = 1.0e-6, every x[i] within 1.8e-6 of 1, after 16598
    // steps.
    let f = number_after(last, "f =");
    let gradient = number_after(last, "|grad| =");
    assert!(f < 1e-10, "final f = {f}");
    assert!(gradient < 1e-6, "final |grad| = {gradient}");
    let point = &last["final x = [".len()..last.find(']').expect("the point's end")];
    let x: Vec<f64> = point
        .split(", ")
        .map(|xi| xi.parse().expect("a number"))
        .collect();
    assert_eq!(x.len(), 10, "{point}");
    assert!(x.iter().all(|xi| (xi - 1.0).abs() < 1e-4), "{x:?}");
    assert!(number_after(last, "distance to the minimum at all ones:") < 1e-4);
}

#[test]
fn greeks_agree_with_the_closed_form() {
    let out = run("greeks", &[]);
    let worst = number_after(&out, "largest relative difference");
    assert!(worst < 1e-4, "{worst}");
    // The values quoted for this at-the-money option, to the digits usually given.
    for (name, expected) in [
        ("price", 10.4506),
        ("delta", 0.6368),
        ("vega", 37.524),
        ("rho", 53.232),
        ("theta", -6.414),
    ] {
        let from_grad: f64 = line(&out, name)[1].parse().expect("a number");
        assert!(
            ((from_grad - expected) / expected).abs() < 1e-4,
            "{name}: {from_grad} against {expected}"
        );
    }
    assert!(out.contains("gradcheck passed"), "{out}");
}

#[test]
fn huber_recovers_the_line_that_least_squares_loses_to_outliers() {
    let out = run("robust_regression", &[]);
    // Near (2, 1) with the Huber loss; least squares pulled far off by three outliers.
    assert!(
        out.contains("Huber loss (delta = 1):  y = 1.9803x + 1.1645"),
        "{out}"
    );
    assert!(
        out.contains("least squares:            y = 1.9179x + 2.4011"),
        "{out}"
    );
    let line = line(&out, "distance from (2, 1):").join(" ");
    let huber = number_after(&line, "Huber");
    let squares = number_after(&line, "squares");
    assert!(huber < 0.2 && squares > 1.0, "{line}");
    assert!(out.contains("converged after"), "{out}");
}

/// E from M and e by bisection on E − e·sin E − M, which increases with E and changes sign
/// between M − e and M + e: a solve independent of the example's Newton iteration, exact
/// to the last bit or two.
fn kepler_by_bisection(m: f64, e: f64) -> f64 {
    let (mut lo, mut hi) = (m - e, m + e);
    loop {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            return mid;
        }
        if mid - e * mid.sin() - m < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
}

/// The derivative of `f` at `x` by central differences with Richardson extrapolation,
/// (4·D(h/2) − D(h)) / 3, whose error is O(h⁴): about 1e-12 here, with rounding.
fn richardson(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let central = |h: f64| (f(x + h) - f(x - h)) / (2.0 * h);
    let h = 1e-3;
    (4.0 * central(h / 2.0) - central(h)) / 3.0
}

#[test]
fn kepler_solves_the_equation_and_differentiates_the_position() {
    let out = run("kepler", &[]);
    // The table of solves: E against bisection, and the number of Newton steps varies.
    let mut steps = Vec::new();
    for (m, e) in [
        (1.0, 0.0167),
        (1.0, 0.6),
        (3.0, 0.6),
        (0.1, 0.967),
        (0.01, 0.999),
    ] {
        let words = out
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>())
            .find(|words| {
                words.len() == 5
                    && words[0].parse::<f64>() == Ok(m)
                    && words[1].parse::<f64>() == Ok(e)
            })
            .unwrap_or_else(|| panic!("no row for M = {m}, e = {e} in:\n{out}"));
        let big_e: f64 = words[2].parse().expect("E");
        let expected = kepler_by_bisection(m, e);
        assert!(
            (big_e - expected).abs() < 1e-11,
            "M = {m}, e = {e}: E = {big_e}, bisection {expected}"
        );
        let residual: f64 = words[3].parse().expect("the residual");
        assert!(
            residual.abs() < 1e-15,
            "M = {m}, e = {e}: residual {residual}"
        );
        steps.push(words[4].parse::<usize>().expect("the steps"));
    }
    assert!(
        steps.iter().any(|&s| s != steps[0]),
        "the step counts should depend on M and e: {steps:?}"
    );

    // The orbit at (M, e, a) = (1, 0.6, 2): E, dE/dM and dE/de, the position and its
    // gradient, all against bisection and extrapolated central differences of it.
    let (m, e, a) = (1.0, 0.6, 2.0);
    let big_e = kepler_by_bisection(m, e);
    let close = |got: f64, expected: f64, what: &str| {
        assert!(
            (got - expected).abs() < 1e-9,
            "{what}: printed {got}, expected {expected}\n{out}"
        );
    };
    close(number_after(&out, "at M = 1: E ="), big_e, "E");
    close(
        number_after(&out, "dE/dM ="),
        richardson(|m| kepler_by_bisection(m, e), m),
        "dE/dM",
    );
    close(
        number_after(&out, "dE/de ="),
        richardson(|e| kepler_by_bisection(m, e), e),
        "dE/de",
    );
    let x = |m: f64, e: f64, a: f64| a * (kepler_by_bisection(m, e).cos() - e);
    let y = |m: f64, e: f64, a: f64| a * (1.0 - e * e).sqrt() * kepler_by_bisection(m, e).sin();
    for (name, f) in [("x ", &x as &dyn Fn(f64, f64, f64) -> f64), ("y ", &y)] {
        let words = line(&out, name);
        assert_eq!(words.len(), 5, "{words:?}");
        let printed: Vec<f64> = words[1..]
            .iter()
            .map(|w| w.parse().expect("a number"))
            .collect();
        let expected = [
            f(m, e, a),
            richardson(|m| f(m, e, a), m),
            richardson(|e| f(m, e, a), e),
            richardson(|a| f(m, e, a), a),
        ];
        for (k, what) in ["value", "d/dM", "d/de", "d/da"].iter().enumerate() {
            close(printed[k], expected[k], &format!("{}{what}", name));
        }
    }

    // The gradient checks of x and y passed, and agree with central differences to well
    // within their tolerance.
    assert_eq!(
        out.matches("gradcheck passed: 3 gradient(s) agree").count(),
        2,
        "{out}"
    );
    for name in ["x", "y"] {
        let worst = number_after(&out, &format!("largest |analytic - numeric| for {name}:"));
        assert!(worst < 1e-8, "{name}: {worst}");
    }
    // The derivation keeps the call, with the custom derivative named.
    assert!(out.contains("  big_e = eccentric_anomaly(m, e)\n"), "{out}");
    assert!(out.contains("  d_m = d_big_e * ∂big_e/∂m\n"), "{out}");
    assert!(
        out.contains("its gradient is `kepler_grad(..., out, dout)`"),
        "{out}"
    );
}

/// The iris rows the example fits: standardised features (population standard deviation)
/// and labels, 1 for virginica.
fn iris() -> Vec<([f64; 4], f64)> {
    let csv = include_str!("../examples/data/iris-versicolor-virginica.csv");
    let mut rows: Vec<([f64; 4], f64)> = csv
        .lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with("sepal_length"))
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let x = [0, 1, 2, 3].map(|j| fields[j].parse::<f64>().expect("a number"));
            (x, f64::from(u8::from(fields[4] == "Iris-virginica")))
        })
        .collect();
    assert_eq!(rows.len(), 100);
    let n = rows.len() as f64;
    for j in 0..4 {
        let mean = rows.iter().map(|(x, _)| x[j]).sum::<f64>() / n;
        let var = rows.iter().map(|(x, _)| (x[j] - mean).powi(2)).sum::<f64>() / n;
        for (x, _) in &mut rows {
            x[j] = (x[j] - mean) / var.sqrt();
        }
    }
    rows
}

/// The ridge-regularised logistic regression fitted by Newton's method with the closed
/// forms, x̃ = (x, 1) and λ on the weights only:
/// g = (1/n) Σ (p − y) x̃ + λ (w, 0),  H = (1/n) Σ p(1 − p) x̃ x̃ᵀ + λ diag(1, 1, 1, 1, 0),
/// each step solved by Gaussian elimination with partial pivoting. Returns the parameters
/// (w, b) and the objective's value there.
fn logistic_fit(rows: &[([f64; 4], f64)], lambda: f64) -> ([f64; 5], f64) {
    let n = rows.len() as f64;
    let mut theta = [0.0; 5];
    for _ in 0..50 {
        let mut g = [0.0; 5];
        let mut h = [[0.0; 5]; 5];
        for (x, y) in rows {
            let xt = [x[0], x[1], x[2], x[3], 1.0];
            let z: f64 = xt.iter().zip(&theta).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            for i in 0..5 {
                g[i] += (p - y) * xt[i] / n;
                for j in 0..5 {
                    h[i][j] += p * (1.0 - p) * xt[i] * xt[j] / n;
                }
            }
        }
        for i in 0..4 {
            g[i] += lambda * theta[i];
            h[i][i] += lambda;
        }
        if g.iter().map(|v| v * v).sum::<f64>().sqrt() < 1e-13 {
            break;
        }
        // Gaussian elimination on [H | g].
        for col in 0..5 {
            let pivot = (col..5)
                .max_by(|&a, &b| h[a][col].abs().total_cmp(&h[b][col].abs()))
                .expect("a row");
            h.swap(col, pivot);
            g.swap(col, pivot);
            for r in col + 1..5 {
                let factor = h[r][col] / h[col][col];
                let pivot_row = h[col];
                for (entry, p) in h[r][col..].iter_mut().zip(&pivot_row[col..]) {
                    *entry -= factor * p;
                }
                g[r] -= factor * g[col];
            }
        }
        let mut delta = [0.0; 5];
        for r in (0..5).rev() {
            let rest: f64 = (r + 1..5).map(|c| h[r][c] * delta[c]).sum();
            delta[r] = (g[r] - rest) / h[r][r];
        }
        for i in 0..5 {
            theta[i] -= delta[i];
        }
    }
    let loss = rows
        .iter()
        .map(|(x, y)| {
            let z = x.iter().zip(&theta).map(|(a, b)| a * b).sum::<f64>() + theta[4];
            (1.0 + z.exp()).ln() - y * z
        })
        .sum::<f64>()
        / n
        + 0.5 * lambda * theta[..4].iter().map(|w| w * w).sum::<f64>();
    (theta, loss)
}

#[test]
fn logistic_newton_fits_iris_in_a_handful_of_newton_steps() {
    let out = run("logistic_newton", &[]);
    let rows = iris();
    let (expected, loss) = logistic_fit(&rows, 0.01);

    // The parameters, against the closed-form fit.
    let w = &out[out.find("  w = [").expect("the weights") + "  w = [".len()..];
    let w: Vec<f64> = w[..w.find(']').expect("the weights' end")]
        .split(", ")
        .map(|v| v.parse().expect("a number"))
        .collect();
    let b = number_after(&out, "  b =");
    assert_eq!(w.len(), 4, "{out}");
    for (i, got) in w.iter().chain([&b]).enumerate() {
        assert!(
            (got - expected[i]).abs() < 1e-6,
            "parameter {i}: printed {got}, closed form {}\n{out}",
            expected[i]
        );
    }
    // The objective at the fit: the last row of Newton's table.
    let table = &out[out.find("Newton's method\n").expect("Newton's table")..];
    let table = &table[..table.find("converged after").expect("the table's end")];
    let last: Vec<&str> = table
        .lines()
        .last()
        .expect("a row")
        .split_whitespace()
        .collect();
    let printed_loss: f64 = last[1].parse().expect("the loss");
    assert!(
        (printed_loss - loss).abs() < 1e-12,
        "{printed_loss} against {loss}"
    );

    // The training accuracy, counted here.
    let correct = rows
        .iter()
        .filter(|(x, y)| {
            let z = x.iter().zip(&expected).map(|(a, b)| a * b).sum::<f64>() + expected[4];
            (z > 0.0) == (*y == 1.0)
        })
        .count();
    assert!(
        out.contains(&format!("training accuracy: {correct}/100 = {correct}%")),
        "{correct} correct here\n{out}"
    );

    // Newton's method in a handful of iterations, gradient descent in 100 times as many.
    let newton = number_after(&out, "converged after");
    assert!((1.0..=10.0).contains(&newton), "{newton} Newton iterations");
    assert!(
        out.contains("gradient descent reached |gradient| < 1e-10 after"),
        "{out}"
    );
    let descent = number_after(&out, "gradient descent reached |gradient| < 1e-10 after");
    assert!(
        descent >= 100.0 * newton,
        "gradient descent took {descent} steps, Newton's method {newton}"
    );
    // The sums ran on rayon, and the Hessian passed its check.
    assert!(
        out.contains("with rayon (par_iter().map().reduce()"),
        "{out}"
    );
    assert!(
        out.contains("the first sample's Hessian at the fit: gradgradcheck passed"),
        "{out}"
    );
}

#[test]
fn oscillator_recovers_the_spring_in_a_few_newton_steps() {
    let out = run("oscillator", &[]);
    assert!(
        out.starts_with("for i in 0..STEPS { (v, x, sum) = e(v, x, sum) }"),
        "{out}"
    );
    assert!(
        out.contains("gradcheck passed: 2 gradient(s) agree"),
        "{out}"
    );
    // Observed: 9 steps, k = 2.000002 and c = 0.300000 (the noise moves the fit by
    // 2e-6), a gradient norm of 1e-15.
    let steps = out.matches("\nstep ").count();
    assert!((5..=15).contains(&steps), "{steps} steps:\n{out}");
    let last = out
        .lines()
        .rfind(|line| line.starts_with("step "))
        .expect("a step");
    let (k, c) = (number_after(last, "k ="), number_after(last, "c ="));
    assert!((k - 2.0).abs() < 1e-4 && (c - 0.3).abs() < 1e-4, "{last}");
    assert!(number_after(last, "|grad| =") < 1e-12, "{last}");
}
