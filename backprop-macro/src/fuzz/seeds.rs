//! The valid inputs the mutations start from.

/// Valid `grad!` inputs of both forms, the seeds of the mutations.
pub(super) const VALID: &[&str] = &[
    "(x + y) * z",
    "((x1 * x2) + x3) * x4",
    "(x + y).powi(2)",
    "x.sin() * cos(y) + x.exp().ln_1p() - -z / 2",
    "max(x, y).min(3.0) + x.hypot(y) + mul_add(x, y, 1)",
    "x.atan2(y) + log(x, 2.0) + x.powf(y) + sigmoid(x) + relu(y) + softplus(x)",
    "f64::sqrt(x) + std::f64::consts::PI * x",
    "x.erf() + gelu(y) + clamp(x, -1.0, y) + x.floor() * leaky_relu(y, 0.1) + logaddexp(x, y)",
    "|w, b| (w * x + b - y).powi(2)",
    "|w: f32, b: f32| w.tanh() * b + 1.5",
    "|w, b: f64| -> f64 { let a = w * k; let a = a + b; a * a }",
    "|w| (w * xs[i] + self.scale - ys[i]).powi(n)",
    "|a, b| { let s = a + b; s.powi(-3) * data.len() as f64 }",
    "|x| x",
    "|r#type, y| { let r#match = r#type * 2.0; let r#fn = r#match.sin(); r#fn + r#match }",
    "x",
    "|x: [f64; 3], y| { let mut s = 0.0; for i in 0..x.len() { s += x[i] * y; } s }",
    "|w: [[f64; 2]; 2], b: [f64; 2]| { let mut h = [0.0; 2]; for j in (0..2).rev() { h[j] = (w[j][0] + w[j][1] + b[j]).tanh(); } h[0] * h[1] }",
    "|x: [f64; 4]| { let mut s = x[0]; for i in (1..4).step_by(2) { if i % 2 == 1 { s *= x[i]; } else { s -= x[i]; } } s }",
    "|x, y| if x > y && !(y < 0.0) { x.ln() } else if x == y { y } else { x * y }",
    "|r: [f64; 3]| { let mut l = 0.0; for i in 0..=2 { if r[i].abs() <= 1.0 { l += 0.5 * r[i] * r[i]; } else { l += r[i].abs() - 0.5; } } l }",
    "|p: [f64; 2], x| sq_dist(p, [x, 1.0]) + geometry::norm(p) * layer(x, k)",
    "|x| if x > 0.0 { f(x) } else { g(x, x) }",
    "|x: [f64; 2], b: [f64; 2]| { let m = [x, b]; m0([b, [x[0], 0.5]]) + m[0][0] * m[1][1] }",
    "|x: [f64; N], w: [f64; N * M]| { let mut s = 0.0; for i in 0..N { for j in 0..M { s += w[i * M + j] * x[i] * ys[j]; } } for i in 0..N { for j in i + 1..N { s -= x[i] * x[j] / (j - i) as f64; } } s }",
    "|y: [f64; N], lr: f64| { let mut w = 0.5; for _ in 0..E { for i in 0..N { w -= lr * (w * xs[i] - y[i]) * xs[i]; } } w }",
    "|w: [f64; N * M], x: [f64; M], c: f64| { let mut s = 0.0; for i in 0..N { let mut t = 0.5; for j in 0..M { t += c * w[i * M + j] * x[j]; } let mut u = 0.0; for k in 0..i + 1 { u -= x[k % M]; } s -= (t + ys[i]).tanh() * u; } s }",
    "|k: f64, f: [f64; N]| { let mut x = 1.0; let mut v = 0.0; for i in 0..N { v += dt * (f[i] - k * x); if x > LIMIT { v = -v; } x += dt * v; } x * v }",
];

/// Valid `#[differentiable]` functions, the seeds of the attribute's mutations.
pub(super) const VALID_FUNCTIONS: &[&str] = &[
    "fn sq_dist(a: [f64; 2], b: [f64; 2]) -> f64 { (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) }",
    "pub fn layer(w: [[f32; 2]; 2], x: f32) -> f32 { let mut s = 0.0; for j in 0..2 { s += (w[j][0] * x + w[j][1]).tanh(); } s }",
    "pub(crate) fn outer(x: f64, y: f64) -> f64 { if x > y { inner(x) * y } else { x } }",
    "fn j0(x: f64) -> f64 { libm::j0(x) }",
    "fn rosen<const N: usize>(x: [f64; N]) -> f64 { let mut s = 0.0; for i in 0..N - 1 { s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2); } s }",
    "fn rnn<const T: usize>(w: f64, xs: [f64; T]) -> f64 { let mut h = 0.0; for t in 0..T { h = (w * h + xs[t]).tanh(); } h }",
    "fn pairs<const N: usize>(x: [f64; N]) -> f64 { let mut e = 0.0; for i in 0..N { for j in 0..i { e -= (x[i] - x[j]).powi(2) * (i * N + j) as f64; } } e }",
    "fn layer<const N: usize>(x: [f64; N], b: [f64; N]) -> f64 { let mut e = 0.0; for i in 0..N { let mut t = b[i] * 2.0; for j in 0..N { t -= x[i] * x[j]; } e += t.tanh(); } e }",
    "fn rows<const N: usize>(x: [f64; N]) -> f64 { let mut e = 0.0; for i in 0..N { let mut t = 0.0; for j in 0..N { t += x[i] * x[j] / (1 + i + j) as f64; } e += t.tanh(); } e }",
];
