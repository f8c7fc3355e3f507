//! Rosenbrock and the network for num-dual's `hessian`, over its second-order vector
//! duals (`Dual2SVec64<N>`: value, gradient and Hessian in each number). The same bodies
//! as the first-order versions in `../compare/with_num_dual.rs`, on another type.

use nalgebra::SVector;
use num_dual::{Dual2SVec64, DualNum};

use crate::common::network::Data;

pub fn rosenbrock(x: SVector<Dual2SVec64<10>, 10>) -> Dual2SVec64<10> {
    let mut f = Dual2SVec64::from(0.0);
    for i in 0..9 {
        let a = x[i + 1] - x[i] * x[i];
        let b = -x[i] + 1.0;
        f += a * a * 100.0 + b * b;
    }
    f
}

pub fn network(p: SVector<Dual2SVec64<9>, 9>, data: &Data) -> Dual2SVec64<9> {
    let (w11, w12, w21, w22, b1, b2, v1, v2, c) =
        (p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]);
    let mut loss = Dual2SVec64::from(0.0);
    for &[x1, x2, y] in data {
        let h1 = (w11 * x1 + w12 * x2 + b1).tanh();
        let h2 = (w21 * x1 + w22 * x2 + b2).tanh();
        let z = v1 * h1 + v2 * h2 + c;
        let e = ((-z).exp() + 1.0).recip() - y;
        loss += e * e;
    }
    loss
}
