//! Outside machine learning: the Black–Scholes price of a European call and its Greeks,
//! all four from one backward pass of `grad!`, checked against the closed-form Greeks.
//!
//! The price is C = S·N(d1) − K·e^(−rT)·N(d2). Its gradient by the spot S, the volatility
//! σ, the rate r and the time to expiry T gives delta, vega, rho and −theta (theta is the
//! change as time passes, when T shrinks). Second derivatives, such as gamma, are out of
//! reach: `grad!` differentiates once.
//!
//! `erf` is not an operation of `grad!`, so N, the normal distribution function, is
//! written with supported ones: the polynomial approximation 26.2.17 of Abramowitz and
//! Stegun, with an absolute error below 7.5e-8. The price and its derivatives are those of
//! that approximation; the closed-form Greeks below use it too (no `erf` in `std`), and
//! the exact normal density where they need one. They agree to about 1e-5, relative: the
//! slope of the approximation is off from the exact density by that much. The gradient
//! check, which differentiates the same approximate price numerically, agrees to its own
//! tolerance.
//!
//! Run with `cargo run --example greeks`.

use backprop::{grad, gradcheck};

// Abramowitz & Stegun 26.2.17: for x >= 0, N(x) ≈ 1 − φ(x)·(B1·u + … + B5·u⁵), with
// u = 1 / (1 + P·x).
const P: f64 = 0.231_641_9;
const B1: f64 = 0.319_381_530;
const B2: f64 = -0.356_563_782;
const B3: f64 = 1.781_477_937;
const B4: f64 = -1.821_255_978;
const B5: f64 = 1.330_274_429;
/// 1/√(2π).
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

fn main() {
    let strike = 100.0;
    let (spot, sigma, rate, expiry) = (100.0, 0.2, 0.05, 1.0);

    // N(x) is written out for d1 and d2. With a = |x| and q the upper tail 1 − N(a),
    // N(x) = 0.5 + sign(x)·(0.5 − q), and sign(x) is x / |x|, whose derivative (0 away
    // from x = 0) the reverse sweep gets exactly: 1/a − 1/a. The coefficients are bound
    // inside the body, where a literal is inlined into the generated code.
    let price = grad!(|s, sigma, r, t| {
        let p = 0.231_641_9;
        let inv_sqrt_2pi = 0.398_942_280_401_432_7;
        let b1 = 0.319_381_530;
        let b2 = -0.356_563_782;
        let b3 = 1.781_477_937;
        let b4 = -1.821_255_978;
        let b5 = 1.330_274_429;
        let sd = sigma * t.sqrt();
        let d1 = ((s / strike).ln() + (r + 0.5 * sigma * sigma) * t) / sd;
        let d2 = d1 - sd;
        let a1 = d1.abs();
        let u1 = 1.0 / (1.0 + p * a1);
        let q1 = inv_sqrt_2pi
            * (-0.5 * a1 * a1).exp()
            * u1
            * (b1 + u1 * (b2 + u1 * (b3 + u1 * (b4 + u1 * b5))));
        let n1 = 0.5 + d1 / a1 * (0.5 - q1);
        let a2 = d2.abs();
        let u2 = 1.0 / (1.0 + p * a2);
        let q2 = inv_sqrt_2pi
            * (-0.5 * a2 * a2).exp()
            * u2
            * (b1 + u2 * (b2 + u2 * (b3 + u2 * (b4 + u2 * b5))));
        let n2 = 0.5 + d2 / a2 * (0.5 - q2);
        s * n1 - strike * (-r * t).exp() * n2
    });

    let (value, [d_spot, d_sigma, d_rate, d_expiry]) =
        price.value_and_grad(spot, sigma, rate, expiry);
    let from_grad = [value, d_spot, d_sigma, d_rate, -d_expiry];
    let closed = closed_form(spot, strike, sigma, rate, expiry);

    println!(
        "European call: S = {spot}, K = {strike}, sigma = {sigma}, r = {rate}, T = {expiry}\n"
    );
    println!(
        "{:<8}{:>14}{:>14}{:>11}",
        "", "grad!", "closed form", "rel. diff"
    );
    let names = ["price", "delta", "vega", "rho", "theta"];
    let mut worst: f64 = 0.0;
    for (k, name) in names.iter().enumerate() {
        let relative = (from_grad[k] - closed[k]) / closed[k];
        worst = worst.max(relative.abs());
        println!(
            "{name:<8}{:>14.8}{:>14.8}{relative:>11.1e}",
            from_grad[k], closed[k]
        );
    }
    let derivation = price.derivation();
    let steps = derivation
        .lines()
        .skip(1)
        .take_while(|line| *line != "backward")
        .count();
    println!("\ndelta = dC/dS, vega = dC/dsigma, rho = dC/dr, theta = -dC/dT: one backward pass");
    println!("over the {steps} forward steps of `price.derivation()`.");
    println!("largest relative difference {worst:.1e}: grad! differentiates the approximate N");
    println!("exactly, while the closed form uses the exact density; the approximation's slope");
    println!("is off by about that much.\n");
    assert!(worst < 1e-4, "the Greeks disagree with the closed form");

    let report = gradcheck(&price, [spot, sigma, rate, expiry]);
    println!("{report}");
    report.assert_passed();
}

/// The price and its Greeks from the textbook formulas, with the same N.
fn closed_form(s: f64, k: f64, sigma: f64, r: f64, t: f64) -> [f64; 5] {
    let sd = sigma * t.sqrt();
    let d1 = ((s / k).ln() + (r + 0.5 * sigma * sigma) * t) / sd;
    let d2 = d1 - sd;
    let discount = (-r * t).exp();
    let price = s * norm_cdf(d1) - k * discount * norm_cdf(d2);
    let delta = norm_cdf(d1);
    let vega = s * norm_pdf(d1) * t.sqrt();
    let rho = k * t * discount * norm_cdf(d2);
    let theta = -s * norm_pdf(d1) * sigma / (2.0 * t.sqrt()) - r * k * discount * norm_cdf(d2);
    [price, delta, vega, rho, theta]
}

fn norm_pdf(x: f64) -> f64 {
    INV_SQRT_2PI * (-0.5 * x * x).exp()
}

/// Abramowitz & Stegun 26.2.17, as in the `grad!` body.
fn norm_cdf(x: f64) -> f64 {
    let a = x.abs();
    let u = 1.0 / (1.0 + P * a);
    let q = norm_pdf(a) * u * (B1 + u * (B2 + u * (B3 + u * (B4 + u * B5))));
    if x >= 0.0 {
        1.0 - q
    } else {
        q
    }
}
