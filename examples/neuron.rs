//! One sigmoid neuron, `sigmoid(w * x + b)`, fitted to data by gradient descent on the
//! mean squared error, with gradients from `grad!`.
//!
//! The data points are made by a neuron with w = 3 and b = −1.5, so the fit should find
//! those. Inside the loop, `xs[i]` and `ys[i]` are constants of the closure form: `grad!`
//! evaluates them where it is written and differentiates by `w` and `b` only.
//!
//! Run with `cargo run --example neuron`.

use backprop::grad;

const TRUE_W: f64 = 3.0;
const TRUE_B: f64 = -1.5;
const EPOCHS: usize = 1024;
const LEARNING_RATE: f64 = 2.0;

fn main() {
    let xs: Vec<f64> = (0..11).map(|k| -1.0 + 0.2 * f64::from(k)).collect();
    let ys: Vec<f64> = xs
        .iter()
        .map(|&x| 1.0 / (1.0 + (-(TRUE_W * x + TRUE_B)).exp()))
        .collect();
    let n = xs.len() as f64;

    let (mut w, mut b) = (0.0, 0.0);
    let mut first_loss = None;
    let mut loss = f64::NAN;
    println!(
        "fitting sigmoid(w * x + b) to {} points made with w = {TRUE_W}, b = {TRUE_B}\n",
        xs.len()
    );
    println!("{:>6} {:>12} {:>9} {:>9}", "epoch", "mean loss", "w", "b");
    for epoch in 0..=EPOCHS {
        loss = 0.0;
        let (mut dw, mut db) = (0.0, 0.0);
        for i in 0..xs.len() {
            let f = grad!(|w, b| (sigmoid(w * xs[i] + b) - ys[i]).powi(2));
            let (l, [gw, gb]) = f.value_and_grad(w, b);
            loss += l / n;
            dw += gw / n;
            db += gb / n;
        }
        first_loss.get_or_insert(loss);
        if epoch == 0 || epoch.is_power_of_two() {
            println!("{epoch:>6} {loss:>12.3e} {w:>9.4} {b:>9.4}");
        }
        if epoch < EPOCHS {
            w -= LEARNING_RATE * dw;
            b -= LEARNING_RATE * db;
        }
    }
    let first_loss = first_loss.unwrap_or(loss);
    println!("\nloss fell from {first_loss:.3e} to {loss:.3e}; found w = {w:.4}, b = {b:.4}");
    assert!(loss < first_loss / 100.0, "the loss did not fall");
}
