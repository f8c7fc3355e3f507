//! The teaching expression `(x + y) * z` at the seed's point (100, 200, 4).

use backprop::{grad, Differentiable, Var};

pub const X: [f64; 3] = [100.0, 200.0, 4.0];

pub fn value([x, y, z]: [f64; 3]) -> f64 {
    (x + y) * z
}

pub fn hand([x, y, z]: [f64; 3]) -> (f64, [f64; 3]) {
    let t = x + y;
    (t * z, [z, z, t])
}

pub fn grad_fn() -> impl Differentiable<f64, 3> + Copy {
    grad!((x + y) * z)
}

pub fn record<'g>([x, y, z]: [Var<'g>; 3]) -> Var<'g> {
    (x + y) * z
}
