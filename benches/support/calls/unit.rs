//! The loss of the `calls` benchmarks: a 20-operation `#[differentiable]` function of six
//! weights and one data point, summed over 1,000 captured points.
//!
//! This file is shared, verbatim, by the run-time bench `benches/calls.rs` and by the
//! compile-time bench, which copies it into the crates it builds (`calls-1000`,
//! `inline-1000`) next to `with_calls.rs` or `inline.rs`, so that every measurement is
//! of the same source.

use backprop::differentiable;
use backprop::rules::sigmoid;

/// The data points.
pub const POINTS: usize = 1_000;

/// `[x1, x2, target]` per point.
pub type Data = [[f64; 3]; POINTS];

/// The weights at which everything is evaluated.
pub const W: [f64; 6] = [0.5, -0.4, 0.3, 0.8, -0.1, 0.2];

/// Deterministic points in [-1, 1]² with targets in [0, 1].
pub fn data() -> Data {
    std::array::from_fn(|i| {
        let t = i as f64;
        [
            (0.37 * t).sin(),
            (0.91 * t + 0.5).cos(),
            0.5 + 0.5 * (0.13 * t).sin(),
        ]
    })
}

/// One point's term: 20 operations (numbered), every one of which depends on `w`.
#[differentiable]
pub fn unit(w: [f64; 6], x1: f64, x2: f64, y: f64) -> f64 {
    let a = w[0] * x1 + w[1] * x2 + w[2]; // 1-4: two products, two sums
    let h = a.tanh(); // 5
    let z = w[3] * h + w[4] * x2 + w[5]; // 6-9
    let s = sigmoid(z); // 10
    let e = s - y; // 11
    let r = (h * s + 1.5).sqrt(); // 12-14
    let u = (w[1] * h).exp(); // 15-16
    let v = u / r; // 17
    e * e + 0.01 * v // 18-20
}

/// The plain loss: the plain function, summed in the order of the `grad!` loops.
pub fn value(w: [f64; 6], d: &Data) -> f64 {
    let mut loss = 0.0;
    for p in d {
        loss += unit(w, p[0], p[1], p[2]);
    }
    loss
}

/// The logistic function in the stable form of the project's rule, with the exponential
/// e = exp(-|z|) that its derivative e / (1 + e)² reuses.
#[inline(always)]
fn sigmoid_and_e(z: f64) -> (f64, f64) {
    let e = (-z.abs()).exp();
    let s = if z >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    };
    (s, e)
}

/// Reverse mode by hand, one point at a time: the forward statements of [`unit`], then
/// their adjoints in reverse, added into the gradient in place.
pub fn hand(w: [f64; 6], d: &Data) -> (f64, [f64; 6]) {
    let mut loss = 0.0;
    let mut g = [0.0; 6];
    for &[x1, x2, y] in d {
        let a = w[0] * x1 + w[1] * x2 + w[2];
        let h = a.tanh();
        let z = w[3] * h + w[4] * x2 + w[5];
        let (s, ez) = sigmoid_and_e(z);
        let e = s - y;
        let r = (h * s + 1.5).sqrt();
        let u = (w[1] * h).exp();
        let v = u / r;
        loss += e * e + 0.01 * v;
        // dv = 0.01; v = u / r.
        let du = 0.01 / r;
        let dr = -du * v;
        // r = sqrt(q), q = h * s + 1.5.
        let dq = dr / (2.0 * r);
        // u = exp(w1 h).
        let dwh = du * u;
        let one_ez = 1.0 + ez;
        let ds = 2.0 * e + dq * h;
        let dz = ds * ez / (one_ez * one_ez);
        let dh = dq * s + dwh * w[1] + dz * w[3];
        let da = dh * (1.0 - h * h);
        g[0] += da * x1;
        g[1] += da * x2 + dwh * h;
        g[2] += da;
        g[3] += dz * h;
        g[4] += dz * x2;
        g[5] += dz;
    }
    (loss, g)
}
