//! Hessians written by hand, as someone who knows the function's structure writes them:
//! the upper triangle from closed forms, then mirrored.

use crate::common::network::Data;

/// Rosenbrock-10: each term 100 a² + b², a = x[i+1] − x[i]², b = 1 − x[i], touches a
/// 2×2 block, so the Hessian is tridiagonal.
pub fn rosenbrock(x: [f64; 10]) -> [[f64; 10]; 10] {
    let mut h = [[0.0; 10]; 10];
    for i in 0..9 {
        h[i][i] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0;
        h[i][i + 1] -= 400.0 * x[i];
        h[i + 1][i + 1] += 200.0;
    }
    mirror(h)
}

/// The network's loss, one point at a time: with z the output unit's input and
/// L = (σ(z) − y)², the Hessian is L''(z) ∇z ∇zᵀ + L'(z) ∇²z, and ∇²z is non-zero only
/// within a hidden unit's weights (w_j1, w_j2, b_j: v_j tanh''(a_j) u uᵀ, u = (x1, x2, 1))
/// and between them and v_j (tanh'(a_j) u).
pub fn network(p: [f64; 9], data: &Data) -> [[f64; 9]; 9] {
    let [w11, w12, w21, w22, b1, b2, v1, v2, c] = p;
    let mut h = [[0.0; 9]; 9];
    for &[x1, x2, y] in data {
        let h1 = (w11 * x1 + w12 * x2 + b1).tanh();
        let h2 = (w21 * x1 + w22 * x2 + b2).tanh();
        let z = v1 * h1 + v2 * h2 + c;
        let s = 1.0 / (1.0 + (-z).exp());
        let e = s - y;
        let ds = s * (1.0 - s);
        let dl = 2.0 * e * ds;
        let d2l = 2.0 * (ds * ds + e * ds * (1.0 - 2.0 * s));
        let t1 = 1.0 - h1 * h1;
        let t2 = 1.0 - h2 * h2;
        let j = [
            v1 * t1 * x1,
            v1 * t1 * x2,
            v2 * t2 * x1,
            v2 * t2 * x2,
            v1 * t1,
            v2 * t2,
            h1,
            h2,
            1.0,
        ];
        for a in 0..9 {
            let ja = d2l * j[a];
            for b in a..9 {
                h[a][b] += ja * j[b];
            }
        }
        let u = [x1, x2, 1.0];
        // (indices of w_j1, w_j2, b_j; index of v_j; v_j; tanh'(a_j); tanh''(a_j))
        for (idx, vi, v, t, tt) in [
            ([0, 1, 4], 6, v1, t1, -2.0 * h1 * t1),
            ([2, 3, 5], 7, v2, t2, -2.0 * h2 * t2),
        ] {
            let curv = dl * v * tt;
            for (m, &a) in idx.iter().enumerate() {
                for (n, &b) in idx.iter().enumerate().skip(m) {
                    h[a][b] += curv * u[m] * u[n];
                }
                h[a][vi] += dl * t * u[m];
            }
        }
    }
    mirror(h)
}

/// Copies the upper triangle onto the lower one.
// Two indices into one matrix.
#[allow(clippy::needless_range_loop)]
fn mirror<const N: usize>(mut h: [[f64; N]; N]) -> [[f64; N]; N] {
    for i in 0..N {
        for j in 0..i {
            h[i][j] = h[j][i];
        }
    }
    h
}
