//! A line fitted to data with outliers: the Huber loss, written as the loop and the branch
//! it is in plain Rust, against least squares.
//!
//! Twenty points lie near y = 2x + 1; three of them are replaced by gross outliers. Least
//! squares, whose loss grows with the square of a residual, is pulled towards them; the
//! Huber loss, quadratic for residuals up to `DELTA` and linear beyond, gives each outlier
//! a bounded pull and recovers the line. The Huber fit runs gradient descent on one
//! `grad!` over both parameters, with the data captured and a run-time `if` per residual;
//! least squares is the closed form, as a check.
//!
//! Run with `cargo run --example robust_regression`.

use backprop::{grad, gradcheck};

const N: usize = 20;
/// Where the Huber loss turns from quadratic to linear.
const DELTA: f64 = 1.0;

/// The data: y = 2x + 1 with a small deterministic wiggle, and three outliers.
fn data() -> ([f64; N], [f64; N]) {
    let mut xs = [0.0; N];
    let mut ys = [0.0; N];
    for i in 0..N {
        let x = i as f64 / 2.0;
        xs[i] = x;
        ys[i] = 2.0 * x + 1.0 + 0.3 * (1.7 * i as f64).sin();
    }
    for (i, y) in [(3, 25.0), (11, -12.0), (16, 40.0)] {
        ys[i] = y;
    }
    (xs, ys)
}

/// Least squares in closed form: the slope and intercept that minimise Σ r².
fn least_squares(xs: &[f64; N], ys: &[f64; N]) -> (f64, f64) {
    let n = N as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    let w = sxy / sxx;
    (w, my - w * mx)
}

fn main() {
    let (xs, ys) = data();
    // The bound is written out: grad! unrolls the loop, so it must see the trip count
    // (a named constant such as `N` is not yet one it can see).
    let huber = grad!(|w, b| {
        let mut loss = 0.0;
        for i in 0..20 {
            let r = w * xs[i] + b - ys[i];
            if r.abs() <= DELTA {
                loss += 0.5 * r * r;
            } else {
                loss += DELTA * (r.abs() - 0.5 * DELTA);
            }
        }
        loss / N as f64
    });
    gradcheck(&huber, [0.5, 0.5]).assert_passed();

    let (mut w, mut b): (f64, f64) = (0.0, 0.0);
    let rate = 0.05;
    let mut steps = 0;
    for step in 1..=20_000 {
        let (loss, [dw, db]) = huber.value_and_grad(w, b);
        w -= rate * dw;
        b -= rate * db;
        steps = step;
        if [1, 10, 100, 1000].contains(&step) {
            println!("step {step:>5}: Huber loss {loss:.6}, w = {w:.4}, b = {b:.4}");
        }
        if dw.hypot(db) < 1e-10 {
            break;
        }
    }
    let (loss, [dw, db]) = huber.value_and_grad(w, b);
    println!(
        "converged after {steps} steps: Huber loss {loss:.6}, |gradient| {:.1e}",
        dw.hypot(db)
    );

    let (ls_w, ls_b) = least_squares(&xs, &ys);
    println!("\nthe line that made the data: y = 2x + 1");
    println!("Huber loss (delta = {DELTA}):  y = {w:.4}x + {b:.4}");
    println!("least squares:            y = {ls_w:.4}x + {ls_b:.4}");
    let huber_error = (w - 2.0).hypot(b - 1.0);
    let ls_error = (ls_w - 2.0).hypot(ls_b - 1.0);
    println!(
        "distance from (2, 1): Huber {huber_error:.4}, least squares {ls_error:.4} ({:.0}x farther)",
        ls_error / huber_error
    );
    assert!(
        huber_error < ls_error / 5.0,
        "the outliers should pull least squares away"
    );
}
