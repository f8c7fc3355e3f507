//! The benchmark functions written for num-dual's forward mode: each is the hand-written
//! value function of `benches/common` over dual numbers, as a num-dual user writes it
//! (constants on the right, which is where num-dual implements mixed operations).

use nalgebra::SVector;
use num_dual::{DualNum, DualSVec64};

use crate::common::network::Data;

pub fn teaching(x: SVector<DualSVec64<3>, 3>) -> DualSVec64<3> {
    (x[0] + x[1]) * x[2]
}

pub fn rosenbrock(x: SVector<DualSVec64<10>, 10>) -> DualSVec64<10> {
    let mut f = DualSVec64::from(0.0);
    for i in 0..9 {
        let a = x[i + 1] - x[i] * x[i];
        let b = -x[i] + 1.0;
        f += a * a * 100.0 + b * b;
    }
    f
}

pub fn network(p: SVector<DualSVec64<9>, 9>, data: &Data) -> DualSVec64<9> {
    let (w11, w12, w21, w22, b1, b2, v1, v2, c) =
        (p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]);
    let mut loss = DualSVec64::from(0.0);
    for &[x1, x2, y] in data {
        let h1 = (w11 * x1 + w12 * x2 + b1).tanh();
        let h2 = (w21 * x1 + w22 * x2 + b2).tanh();
        let z = v1 * h1 + v2 * h2 + c;
        let e = ((-z).exp() + 1.0).recip() - y;
        loss += e * e;
    }
    loss
}
