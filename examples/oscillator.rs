//! Fitting a damped spring to its trajectory: the stiffness `k` and the damping `c` of
//! `x'' = -k x - c x'`, from 2,000 noisy observations of the position, by Newton's
//! method on the least-squares loss.
//!
//! The loss runs the simulation inside `grad!`: semi-implicit Euler, a loop with three
//! states (the position, the velocity and the loss summed so far) over a named number
//! of steps, so it stays a loop in the generated code however long it is. Its gradient
//! and Hessian go through the loop: the backward pass runs the steps in reverse, from a
//! tape of fixed size, and `hessian` runs it on dual numbers.
//!
//! Run with `cargo run --example oscillator`.

use backprop::{grad, gradcheck, hessian};

const STEPS: usize = 2_000;
const DT: f64 = 0.005;
const TRUE_K: f64 = 2.0;
const TRUE_C: f64 = 0.3;

/// The positions the simulation gives, with a small deterministic noise.
fn observations() -> [f64; STEPS] {
    let (mut x, mut v) = (1.0_f64, 0.0_f64);
    core::array::from_fn(|i| {
        let a = -TRUE_K * x - TRUE_C * v;
        v += DT * a;
        x += DT * v;
        x + 0.01 * (i as f64 * 0.7).sin()
    })
}

fn main() {
    let observed = observations();
    let loss = grad!(|k: f64, c: f64| {
        let mut x = 1.0;
        let mut v = 0.0;
        let mut sum = 0.0;
        for i in 0..STEPS {
            let a = -k * x - c * v;
            v += DT * a;
            x += DT * v;
            sum += (x - observed[i]).powi(2);
        }
        sum / STEPS as f64
    });
    let derivation = loss.derivation();
    let shown = derivation
        .lines()
        .find(|line| line.contains("kept a loop"))
        .unwrap_or_default();
    println!(
        "{}\n",
        &shown[..shown.find(", kept").unwrap_or(shown.len())]
    );

    let start = [1.0, 1.0];
    let report = gradcheck(&loss, start);
    println!("{report}\n");
    report.assert_passed();

    let mut p = start;
    println!(
        "start: k = {:.6}, c = {:.6}, loss = {:.6e}",
        p[0],
        p[1],
        loss.value(p[0], p[1])
    );
    for step in 1..=50 {
        let (value, g) = loss.value_and_grad(p[0], p[1]);
        let h = hessian(&loss, p);
        // The Newton step, where the Hessian is positive definite; else a gradient step.
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
        let mut d = if h[0][0] > 0.0 && det > 0.0 {
            [
                -(h[1][1] * g[0] - h[0][1] * g[1]) / det,
                -(h[0][0] * g[1] - h[1][0] * g[0]) / det,
            ]
        } else {
            [-g[0], -g[1]]
        };
        // Halved until the loss falls.
        let mut next = [p[0] + d[0], p[1] + d[1]];
        while loss.value(next[0], next[1]) > value && d[0].abs() + d[1].abs() > 1e-15 {
            d = [d[0] / 2.0, d[1] / 2.0];
            next = [p[0] + d[0], p[1] + d[1]];
        }
        p = next;
        let norm = g[0].hypot(g[1]);
        println!(
            "step {step:2}: k = {:.6}, c = {:.6}, loss = {:.6e}, |grad| = {norm:.3e}",
            p[0],
            p[1],
            loss.value(p[0], p[1])
        );
        if norm < 1e-12 {
            break;
        }
    }
    println!(
        "fitted: k = {:.4} (true {TRUE_K}), c = {:.4} (true {TRUE_C})",
        p[0], p[1]
    );
}
