//! Kepler's equation, E − e·sin E = M, solved by Newton's method inside a function with a
//! custom derivative, and differentiated through a body's position in its orbit.
//!
//! A body on an ellipse of semi-major axis a and eccentricity e is, at mean anomaly M (the
//! angle that grows uniformly with time), at eccentric anomaly E, the root of Kepler's
//! equation; its position in the orbit's plane, with the focus at the origin and periapsis
//! on the x axis, is x = a (cos E − e), y = a √(1 − e²) sin E. The equation has no closed
//! form solution, so `eccentric_anomaly(m, e)` runs Newton's iteration until the step is
//! below a few rounding errors: the number of steps depends on M and e, as the table the
//! example prints shows.
//!
//! Why a custom derivative, `#[backprop::differentiable(grad = kepler_grad)]`: the body is
//! a loop whose length is decided at run time, which `grad!` does not differentiate
//! (`while`, `break` and `return` are compile errors), and should not. Differentiating the
//! iterations would record and pull back every step, when only the solution matters: the
//! derivative of the iterates approaches the derivative of the root only as fast as the
//! iterates approach the root (for Newton's method, a step or so behind), so it costs as
//! much again as the solve and is only as exact as the stopping test allows. The
//! implicit-function theorem gives the exact derivative at the solution in one step: with
//! F(E, M, e) = E − e sin E − M = 0,
//!
//! ```text
//! dE/dM = −F_M / F_E = 1 / (1 − e cos E)
//! dE/de = −F_e / F_E = sin E / (1 − e cos E)
//! ```
//!
//! `kepler_grad` receives the output E from the forward pass, so it does not iterate
//! again. The body of `eccentric_anomaly` is any Rust (it is not parsed); `grad!` calls it
//! for the value and `kepler_grad` for the pullback, and the chain rule through cos, sin and
//! the square root around it is generated as usual.
//!
//! The gradients of x and y by (M, e, a) are checked against central differences (which go
//! through the Newton solve, so they test the implicit-function derivative independently)
//! and the runtime graph (which records the call as one node whose derivative is
//! `kepler_grad`'s), with tolerances tighter than the defaults: a derivative written by
//! hand deserves it.
//!
//! Run with `cargo run --example kepler`.

use backprop::{differentiable, grad, Differentiable, GradCheck};

/// A cap on Newton's steps, far above need: from the start below, a grid of M over
/// [−7, 7] and e over [0, 0.9999] never takes more than 11.
const MAX_STEPS: usize = 50;

/// The eccentric anomaly E for the mean anomaly `m` and the eccentricity `e` (0 ≤ e < 1).
#[differentiable(grad = kepler_grad)]
fn eccentric_anomaly(m: f64, e: f64) -> f64 {
    solve_kepler(m, e).0
}

/// The derivative of `eccentric_anomaly` by the implicit-function theorem, at its output
/// `big_e`: `dout` times (dE/dM, dE/de).
fn kepler_grad(_m: f64, e: f64, big_e: f64, dout: f64) -> [f64; 2] {
    // ∂F/∂E of F = E − e sin E − M, positive for e < 1.
    let slope = 1.0 - e * big_e.cos();
    [dout / slope, dout * big_e.sin() / slope]
}

/// Newton's method on E − e sin E − M = 0 from Danby's start, M + 0.85·e·sign(sin M),
/// which stays reliable up to e close to 1; returns E and the number of steps taken.
fn solve_kepler(m: f64, e: f64) -> (f64, usize) {
    let mut big_e = m + 0.85 * e * m.sin().signum();
    for step in 1..=MAX_STEPS {
        let delta = (big_e - e * big_e.sin() - m) / (1.0 - e * big_e.cos());
        big_e -= delta;
        // Convergence is quadratic: once a step is this small, the next would be below
        // rounding.
        if delta.abs() <= 1e-12 * big_e.abs().max(1.0) {
            return (big_e, step);
        }
    }
    (big_e, MAX_STEPS)
}

fn main() {
    println!("Kepler's equation E - e sin E = M by Newton's method: the steps depend on M and e\n");
    println!(
        "{:>6} {:>7} {:>16} {:>10} {:>6}",
        "M", "e", "E", "residual", "steps"
    );
    for (m, e) in [
        (1.0, 0.0167),
        (1.0, 0.6),
        (3.0, 0.6),
        (0.1, 0.967),
        (0.01, 0.999),
    ] {
        let (big_e, steps) = solve_kepler(m, e);
        let residual = big_e - e * big_e.sin() - m;
        println!("{m:>6} {e:>7} {big_e:>16.12} {residual:>10.1e} {steps:>6}");
    }

    let x = grad!(|m: f64, e: f64, a: f64| {
        let big_e = eccentric_anomaly(m, e);
        a * (big_e.cos() - e)
    });
    let y = grad!(|m: f64, e: f64, a: f64| {
        let big_e = eccentric_anomaly(m, e);
        a * (1.0 - e * e).sqrt() * big_e.sin()
    });

    let (m, e, a) = (1.0, 0.6, 2.0);
    let big_e = eccentric_anomaly(m, e);
    let [de_dm, de_de] = kepler_grad(m, e, big_e, 1.0);
    println!("\norbit with a = {a}, e = {e}, at M = {m}: E = {big_e:.12}");
    println!("  from kepler_grad at that E: dE/dM = {de_dm:.12}, dE/de = {de_de:.12}\n");
    println!(
        "{:<9} {:>16} {:>16} {:>16} {:>16}",
        "position", "value", "d/dM", "d/de", "d/da"
    );
    row("x", &x, [m, e, a]);
    row("y", &y, [m, e, a]);

    // Each `grad!` has its own type, so the two go through a generic function.
    check("x", &x, [m, e, a]);
    check("y", &y, [m, e, a]);

    // The call stays a call: the backward pass takes ∂big_e/∂m and ∂big_e/∂e from
    // `kepler_grad`.
    println!("\nx.derivation():\n{}", x.derivation());
}

/// One line of the table: the value and the gradient by (M, e, a).
fn row(name: &str, f: &impl Differentiable<f64, 3>, point: [f64; 3]) {
    let (value, [dm, de, da]) = f.value_and_grad(point);
    println!("{name:<9} {value:>16.12} {dm:>16.12} {de:>16.12} {da:>16.12}");
}

/// The gradient against central differences and the runtime graph, to tighter tolerances
/// than `gradcheck`'s defaults (torch's, `rtol` 1e-3), which would let an error of 0.05 %
/// in a hand-written derivative through; these are still more than a hundred times the
/// central differences' own error here, about 1e-10.
fn check(name: &str, f: &impl Differentiable<f64, 3>, point: [f64; 3]) {
    let report = GradCheck::new().atol(1e-8).rtol(1e-7).check(f, point);
    println!("\n{name}: {report}");
    report.assert_passed();
    let worst = report
        .inputs
        .iter()
        .map(|c| (c.analytic - c.numeric).abs())
        .fold(0.0, f64::max);
    println!("  largest |analytic - numeric| for {name}: {worst:.1e}");
}
