//! Rosenbrock's function of ten variables, Σ [100 (x[i+1] − x[i]²)² + (1 − x[i])²],
//! written as a loop over an array parameter inside `grad!`, and minimised by gradient
//! descent with a backtracking line search.
//!
//! The loop has constant bounds (`x.len()` of the parameter), so `grad!` unrolls it: the
//! generated code is the straight-line code of its nine iterations, and the gradient comes
//! back as a `[f64; 10]`, shaped like `x`.
//!
//! The start is the classic one of the extended Rosenbrock function, x[i] = −1.2 for even
//! i and 1 for odd i; the minimum is at all ones, where f = 0. The valley is long, narrow
//! and curved, so plain gradient descent needs many short steps along it: each step
//! doubles the previous step length and halves it until the loss falls by at least half
//! of what the gradient promises (Armijo's condition), and the descent stops when the
//! gradient's norm is below 1e-6.
//!
//! Run with `cargo run --example rosenbrock`.

use backprop::{grad, gradcheck};

const TOLERANCE: f64 = 1e-6;
const MAX_STEPS: usize = 100_000;

fn main() {
    let f = grad!(|x: [f64; 10]| {
        let mut s = 0.0;
        for i in 0..x.len() - 1 {
            s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
        }
        s
    });
    let start: [f64; 10] = core::array::from_fn(|i| if i % 2 == 0 { -1.2 } else { 1.0 });

    // The gradient against central differences and the runtime graph, at the start.
    let report = gradcheck(&f, start);
    println!("{report}\n");
    report.assert_passed();

    let (mut value, mut gradient) = f.value_and_grad(start);
    println!("start {}", point(&start));
    println!("      f = {value:.6e}, |grad| = {:.6e}\n", norm(&gradient));
    println!(
        "{:>6} {:>13} {:>13} {:>11}",
        "step", "f", "|grad|", "step size"
    );
    let mut x = start;
    let mut step_size = 1e-3;
    let mut steps = 0;
    let mut evaluations = 1;
    while norm(&gradient) >= TOLERANCE && steps < MAX_STEPS {
        let squared = dot(&gradient, &gradient);
        step_size *= 2.0;
        loop {
            let candidate: [f64; 10] = core::array::from_fn(|i| x[i] - step_size * gradient[i]);
            let (v, g) = f.value_and_grad(candidate);
            evaluations += 1;
            if v <= value - 0.5 * step_size * squared {
                (x, value, gradient) = (candidate, v, g);
                break;
            }
            step_size *= 0.5;
        }
        steps += 1;
        if steps.is_power_of_two() {
            println!(
                "{steps:>6} {value:>13.6e} {:>13.6e} {step_size:>11.3e}",
                norm(&gradient)
            );
        }
    }
    println!("\nfinal {}", point(&x));
    println!(
        "      f = {value:.3e}, |grad| = {:.3e} after {steps} steps ({evaluations} evaluations \
         of value and gradient)",
        norm(&gradient)
    );
    let distance = x.iter().map(|xi| (xi - 1.0).powi(2)).sum::<f64>().sqrt();
    println!("      distance to the minimum at all ones: {distance:.3e}");
    assert!(
        norm(&gradient) < TOLERANCE,
        "no convergence in {MAX_STEPS} steps"
    );
}

fn dot(a: &[f64; 10], b: &[f64; 10]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

fn norm(g: &[f64; 10]) -> f64 {
    dot(g, g).sqrt()
}

fn point(x: &[f64; 10]) -> String {
    let entries: Vec<String> = x.iter().map(|xi| format!("{xi:.6}")).collect();
    format!("x = [{}]", entries.join(", "))
}
