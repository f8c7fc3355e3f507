//! The squared-error loss of a 2-2-1 network (tanh hidden layer, sigmoid output) over the
//! four XOR points, as a function of its 9 parameters `[w11, w12, w21, w22, b1, b2, v1,
//! v2, c]`. The data is captured, not an input.

use backprop::{grad, Differentiable, SecondOrder, Var};

/// The four XOR points, `[x1, x2, target]`.
pub type Data = [[f64; 3]; 4];

pub const DATA: Data = [
    [0.0, 0.0, 0.0],
    [0.0, 1.0, 1.0],
    [1.0, 0.0, 1.0],
    [1.0, 1.0, 0.0],
];

pub const X: [f64; 9] = [0.5, -0.4, 0.3, 0.8, -0.1, 0.2, 0.7, -0.6, 0.05];

/// The logistic function in the stable form the project's rule uses, with the
/// exponential e = exp(−|z|) that its derivative e / (1 + e)² reuses.
fn sigmoid(z: f64) -> (f64, f64) {
    let e = (-z.abs()).exp();
    let s = if z >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    };
    (s, e)
}

pub fn value(p: [f64; 9], data: &Data) -> f64 {
    let [w11, w12, w21, w22, b1, b2, v1, v2, c] = p;
    let mut loss = 0.0;
    for &[x1, x2, y] in data {
        let h1 = (w11 * x1 + w12 * x2 + b1).tanh();
        let h2 = (w21 * x1 + w22 * x2 + b2).tanh();
        let e = sigmoid(v1 * h1 + v2 * h2 + c).0 - y;
        loss += e * e;
    }
    loss
}

/// Backpropagation by hand, one point at a time.
pub fn hand(p: [f64; 9], data: &Data) -> (f64, [f64; 9]) {
    let [w11, w12, w21, w22, b1, b2, v1, v2, c] = p;
    let mut loss = 0.0;
    let mut g = [0.0; 9];
    for &[x1, x2, y] in data {
        let h1 = (w11 * x1 + w12 * x2 + b1).tanh();
        let h2 = (w21 * x1 + w22 * x2 + b2).tanh();
        let (s, ez) = sigmoid(v1 * h1 + v2 * h2 + c);
        let e = s - y;
        loss += e * e;
        let one_ez = 1.0 + ez;
        let dz = 2.0 * e * ez / (one_ez * one_ez);
        let da1 = dz * v1 * (1.0 - h1 * h1);
        let da2 = dz * v2 * (1.0 - h2 * h2);
        g[0] += da1 * x1;
        g[1] += da1 * x2;
        g[2] += da2 * x1;
        g[3] += da2 * x2;
        g[4] += da1;
        g[5] += da2;
        g[6] += dz * h1;
        g[7] += dz * h2;
        g[8] += dz;
    }
    (loss, g)
}

/// `SecondOrder` (which includes `Differentiable`) so that the second-order bench of
/// `bench/` can take the Hessian of the very function the first-order benches time.
pub fn grad_fn(d: Data) -> impl SecondOrder<f64, 9> + Copy {
    grad!(|w11, w12, w21, w22, b1, b2, v1, v2, c| {
        let h1 = (w11 * d[0][0] + w12 * d[0][1] + b1).tanh();
        let h2 = (w21 * d[0][0] + w22 * d[0][1] + b2).tanh();
        let e0 = (v1 * h1 + v2 * h2 + c).sigmoid() - d[0][2];
        let h1 = (w11 * d[1][0] + w12 * d[1][1] + b1).tanh();
        let h2 = (w21 * d[1][0] + w22 * d[1][1] + b2).tanh();
        let e1 = (v1 * h1 + v2 * h2 + c).sigmoid() - d[1][2];
        let h1 = (w11 * d[2][0] + w12 * d[2][1] + b1).tanh();
        let h2 = (w21 * d[2][0] + w22 * d[2][1] + b2).tanh();
        let e2 = (v1 * h1 + v2 * h2 + c).sigmoid() - d[2][2];
        let h1 = (w11 * d[3][0] + w12 * d[3][1] + b1).tanh();
        let h2 = (w21 * d[3][0] + w22 * d[3][1] + b2).tanh();
        let e3 = (v1 * h1 + v2 * h2 + c).sigmoid() - d[3][2];
        e0.powi(2) + e1.powi(2) + e2.powi(2) + e3.powi(2)
    })
}

/// The same loss over array parameters, `w[j][k]` (hidden unit j, input k), `b[j]`, `v[j]`
/// and `c`, with loops over the points, units and inputs, which `grad!` unrolls. Its flat
/// view takes the parameters in the order of [`X`] (`w` row by row, then `b`, `v`, `c`),
/// and it adds in the same order as [`grad_fn`] (`0.0 + t` is `t`), so the same value to
/// the bit.
pub fn grad_array_fn(d: Data) -> impl Differentiable<f64, 9> + Copy {
    grad!(|w: [[f64; 2]; 2], b: [f64; 2], v: [f64; 2], c: f64| {
        let mut loss = 0.0;
        for p in 0..4 {
            let mut z = 0.0;
            for j in 0..2 {
                let mut a = 0.0;
                for k in 0..2 {
                    a += w[j][k] * d[p][k];
                }
                z += v[j] * (a + b[j]).tanh();
            }
            loss += ((z + c).sigmoid() - d[p][2]).powi(2);
        }
        loss
    })
}

/// The loop of [`value`] over tape handles.
pub fn record<'g>(p: [Var<'g>; 9], data: &Data) -> Var<'g> {
    let [w11, w12, w21, w22, b1, b2, v1, v2, c] = p;
    let mut loss = None;
    for &[x1, x2, y] in data {
        let h1 = (w11 * x1 + w12 * x2 + b1).tanh();
        let h2 = (w21 * x1 + w22 * x2 + b2).tanh();
        let e = (v1 * h1 + v2 * h2 + c).sigmoid() - y;
        let term = e.powi(2);
        loss = Some(loss.map_or(term, |l| l + term));
    }
    loss.expect("the data has points")
}
