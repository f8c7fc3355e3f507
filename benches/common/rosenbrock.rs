//! Rosenbrock's function of 10 inputs, Σ [100 (x[i+1] − x[i]²)² + (1 − x[i])²].
//!
//! Every version adds the bracketed terms in the same order with the same roundings, so
//! all compute the same floating-point number: the benchmark compares ways of
//! differentiating one computation, not two association orders of a sum.

use backprop::{grad, Differentiable, SecondOrder, Var};

pub const X: [f64; 10] = [-1.2, 1.0, -0.8, 0.9, 0.5, -0.3, 1.1, 0.7, -0.6, 0.4];

pub fn value(x: [f64; 10]) -> f64 {
    let mut f = 0.0;
    for i in 0..9 {
        let a = x[i + 1] - x[i] * x[i];
        let b = 1.0 - x[i];
        f += 100.0 * (a * a) + b * b;
    }
    f
}

/// Reverse mode by hand: the loop of [`value`] with each term's two partials added in
/// place.
pub fn hand(x: [f64; 10]) -> (f64, [f64; 10]) {
    let mut f = 0.0;
    let mut g = [0.0; 10];
    for i in 0..9 {
        let a = x[i + 1] - x[i] * x[i];
        let b = 1.0 - x[i];
        f += 100.0 * (a * a) + b * b;
        g[i] -= 400.0 * a * x[i] + 2.0 * b;
        g[i + 1] += 200.0 * a;
    }
    (f, g)
}

/// `SecondOrder` (which includes `Differentiable`) so that the second-order bench of
/// `bench/` can take the Hessian of the very function the first-order benches time.
pub fn grad_fn() -> impl SecondOrder<f64, 10> + Copy {
    grad!(
        |x0, x1, x2, x3, x4, x5, x6, x7, x8, x9| (100.0 * (x1 - x0 * x0).powi(2)
            + (1.0 - x0).powi(2))
            + (100.0 * (x2 - x1 * x1).powi(2) + (1.0 - x1).powi(2))
            + (100.0 * (x3 - x2 * x2).powi(2) + (1.0 - x2).powi(2))
            + (100.0 * (x4 - x3 * x3).powi(2) + (1.0 - x3).powi(2))
            + (100.0 * (x5 - x4 * x4).powi(2) + (1.0 - x4).powi(2))
            + (100.0 * (x6 - x5 * x5).powi(2) + (1.0 - x5).powi(2))
            + (100.0 * (x7 - x6 * x6).powi(2) + (1.0 - x6).powi(2))
            + (100.0 * (x8 - x7 * x7).powi(2) + (1.0 - x7).powi(2))
            + (100.0 * (x9 - x8 * x8).powi(2) + (1.0 - x8).powi(2))
    )
}

/// The same sum as a loop over an array parameter, which `grad!` unrolls: the same
/// additions in the same order as [`value`] (`0.0 + t` is `t`), so the same value to the
/// bit.
pub fn grad_array_fn() -> impl Differentiable<f64, 10> + Copy {
    grad!(|x: [f64; 10]| {
        let mut f = 0.0;
        for i in 0..x.len() - 1 {
            f += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
        }
        f
    })
}

/// The loop of [`value`] over tape handles, as a user of the runtime graph writes it.
pub fn record<'g>(x: [Var<'g>; 10]) -> Var<'g> {
    let mut f = 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2);
    for i in 1..9 {
        f = f + (100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2));
    }
    f
}
