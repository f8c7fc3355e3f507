//! The loss of `unit.rs` with the function written out: the same 20 operations of `unit`
//! in the loop body, so `grad!` unrolls them 1,000 times (20,000 operations in one body).

use backprop::{grad, Differentiable};

use crate::unit::Data;

pub fn grad_fn(d: Data) -> impl Differentiable<f64, 6> + Copy {
    grad!(|w: [f64; 6]| {
        let mut loss = 0.0;
        for i in 0..1000 {
            let x1 = d[i][0];
            let x2 = d[i][1];
            let y = d[i][2];
            let a = w[0] * x1 + w[1] * x2 + w[2];
            let h = a.tanh();
            let z = w[3] * h + w[4] * x2 + w[5];
            let s = sigmoid(z);
            let e = s - y;
            let r = (h * s + 1.5).sqrt();
            let u = (w[1] * h).exp();
            let v = u / r;
            loss += e * e + 0.01 * v;
        }
        loss
    })
}
