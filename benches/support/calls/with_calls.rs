//! The loss of `unit.rs` as `grad!` sees it with calls: 1,000 calls of the
//! `#[differentiable]` function `unit`, one per captured point (the loop is unrolled at
//! expansion, the callee generated once).

use backprop::{grad, Differentiable};

use crate::unit::{unit, Data};

pub fn grad_fn(d: Data) -> impl Differentiable<f64, 6> + Copy {
    grad!(|w: [f64; 6]| {
        let mut loss = 0.0;
        for i in 0..1000 {
            loss += unit(w, d[i][0], d[i][1], d[i][2]);
        }
        loss
    })
}
