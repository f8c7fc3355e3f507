//! The benchmark functions written for symdiff's `#[gradient]`, which accepts `+ - * /`,
//! `sin`, `cos`, `ln`, `exp`, `sqrt` and `powi` on slice elements `x[i]`, `let`s and no
//! loops: Rosenbrock is written out, and the network's `tanh` and sigmoid are spelled
//! with `exp` (tanh a = 1 − 2 / (e²ᵃ + 1), σ(z) = 1 / (1 + e⁻ᶻ)), its data a second slice.

use symdiff::gradient;

#[gradient(var = x, dim = 3)]
pub fn teaching(x: &[f64]) -> f64 {
    (x[0] + x[1]) * x[2]
}

#[gradient(var = x, dim = 10)]
pub fn rosenbrock(x: &[f64]) -> f64 {
    100.0 * (x[1] - x[0] * x[0]).powi(2)
        + (1.0 - x[0]).powi(2)
        + 100.0 * (x[2] - x[1] * x[1]).powi(2)
        + (1.0 - x[1]).powi(2)
        + 100.0 * (x[3] - x[2] * x[2]).powi(2)
        + (1.0 - x[2]).powi(2)
        + 100.0 * (x[4] - x[3] * x[3]).powi(2)
        + (1.0 - x[3]).powi(2)
        + 100.0 * (x[5] - x[4] * x[4]).powi(2)
        + (1.0 - x[4]).powi(2)
        + 100.0 * (x[6] - x[5] * x[5]).powi(2)
        + (1.0 - x[5]).powi(2)
        + 100.0 * (x[7] - x[6] * x[6]).powi(2)
        + (1.0 - x[6]).powi(2)
        + 100.0 * (x[8] - x[7] * x[7]).powi(2)
        + (1.0 - x[7]).powi(2)
        + 100.0 * (x[9] - x[8] * x[8]).powi(2)
        + (1.0 - x[8]).powi(2)
}

/// `p` = [w11, w12, w21, w22, b1, b2, v1, v2, c]; `d` the XOR points, flattened.
#[gradient(var = p, dim = 9)]
pub fn network(p: &[f64], d: &[f64]) -> f64 {
    let h1 = 1.0 - 2.0 / ((2.0 * (p[0] * d[0] + p[1] * d[1] + p[4])).exp() + 1.0);
    let h2 = 1.0 - 2.0 / ((2.0 * (p[2] * d[0] + p[3] * d[1] + p[5])).exp() + 1.0);
    let e0 = 1.0 / (1.0 + (-(p[6] * h1 + p[7] * h2 + p[8])).exp()) - d[2];
    let h1 = 1.0 - 2.0 / ((2.0 * (p[0] * d[3] + p[1] * d[4] + p[4])).exp() + 1.0);
    let h2 = 1.0 - 2.0 / ((2.0 * (p[2] * d[3] + p[3] * d[4] + p[5])).exp() + 1.0);
    let e1 = 1.0 / (1.0 + (-(p[6] * h1 + p[7] * h2 + p[8])).exp()) - d[5];
    let h1 = 1.0 - 2.0 / ((2.0 * (p[0] * d[6] + p[1] * d[7] + p[4])).exp() + 1.0);
    let h2 = 1.0 - 2.0 / ((2.0 * (p[2] * d[6] + p[3] * d[7] + p[5])).exp() + 1.0);
    let e2 = 1.0 / (1.0 + (-(p[6] * h1 + p[7] * h2 + p[8])).exp()) - d[8];
    let h1 = 1.0 - 2.0 / ((2.0 * (p[0] * d[9] + p[1] * d[10] + p[4])).exp() + 1.0);
    let h2 = 1.0 - 2.0 / ((2.0 * (p[2] * d[9] + p[3] * d[10] + p[5])).exp() + 1.0);
    let e3 = 1.0 / (1.0 + (-(p[6] * h1 + p[7] * h2 + p[8])).exp()) - d[11];
    e0 * e0 + e1 * e1 + e2 * e2 + e3 * e3
}
