//! Every operation's forward rule and local derivative rule, written once.
//!
//! The runtime graph, the node types and the code that `grad!` generates all call these
//! functions, so a rule (and its convention at a singular point) has one source of truth.
//! A forward rule takes the operation's arguments: `op(x) -> T`, `op(a, b) -> T`,
//! `op(a, b, c) -> T`, `powi(x, n) -> T`; an operation whose derivative needs an
//! auxiliary value from the forward pass also has `op_fwd(x) -> (T, aux)` (`sigmoid` and
//! `softplus` save exp(−|x|)). A derivative rule takes exactly the values it reads, in
//! the order arguments, output `out`, auxiliary value, and then `dout`, the gradient
//! arriving from above; it returns `dout` times each argument's local partial derivative
//! (the vector–Jacobian product), one `T` per differentiable argument:
//!
//! | operation | derivative rule | reads |
//! |---|---|---|
//! | `sin(x)` | `sin_grad(x, dout) -> T` | the argument |
//! | `exp(x)` | `exp_grad(out, dout) -> T` | the output |
//! | `a / b` | `div_grad(b, out, dout) -> (T, T)` | one argument and the output |
//! | `a + b` | `add_grad(dout) -> (T, T)` | nothing |
//! | `sigmoid(x)` | `sigmoid_grad(aux, dout) -> T` | the auxiliary value |
//!
//! What each rule reads is recorded in its row of the [table](crate::ops), so the
//! forward pass of generated code saves exactly that and nothing more.
//!
//! Conventions at non-differentiable or singular points follow PyTorch: the gradient where
//! it exists; else the minimum-norm subgradient; else the limit, which may be infinite.
//! Outside an operation's domain the result is NaN, never a panic.
//!
//! ```
//! use backprop_core::rules;
//!
//! assert_eq!(rules::sin(0.5_f64), 0.5_f64.sin());
//! assert_eq!(rules::sin_grad(0.5, 2.0), 2.0 * 0.5_f64.cos());
//! // relu'(0) = 0: the minimum-norm subgradient.
//! assert_eq!(rules::relu_grad(0.0_f64, 1.0), 0.0);
//! ```

use crate::Float;

/// `a + b`. Derivatives (1, 1).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::add(2.0, 3.0), 5.0);
/// assert_eq!(rules::add_grad(1.5), (1.5, 1.5));
/// ```
#[inline(always)]
pub fn add<T: Float>(a: T, b: T) -> T {
    a + b
}
/// Derivative rule of [`add`]: the gradient passes to both sides unchanged (example
/// there).
#[inline(always)]
pub fn add_grad<T: Float>(dout: T) -> (T, T) {
    (dout, dout)
}

/// The derivative rule of the operations whose gradient is 0 everywhere (`floor`, `ceil`,
/// `round`, `trunc`, `signum`, as in PyTorch): 0 whatever `dout` is.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::zero_grad(3.0), 0.0);
/// assert_eq!(rules::zero_grad(f64::NAN), 0.0);
/// ```
#[inline(always)]
pub fn zero_grad<T: Float>(dout: T) -> T {
    let _ = dout;
    T::ZERO
}

/// `a - b`. Derivatives (1, −1).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::sub(2.0, 3.0), -1.0);
/// assert_eq!(rules::sub_grad(1.5), (1.5, -1.5));
/// ```
#[inline(always)]
pub fn sub<T: Float>(a: T, b: T) -> T {
    a - b
}
/// Derivative rule of [`sub`], whose example shows both.
#[inline(always)]
pub fn sub_grad<T: Float>(dout: T) -> (T, T) {
    (dout, -dout)
}

/// `a * b`. Derivatives (b, a).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::mul(3.0, 4.0), 12.0);
/// assert_eq!(rules::mul_grad(3.0, 4.0, 2.0), (8.0, 6.0));
/// ```
#[inline(always)]
pub fn mul<T: Float>(a: T, b: T) -> T {
    a * b
}
/// Derivative rule of [`mul`]: each side gets the gradient times the other side's value
/// (example there).
#[inline(always)]
pub fn mul_grad<T: Float>(a: T, b: T, dout: T) -> (T, T) {
    (dout * b, dout * a)
}

/// `a / b`. Derivatives (1/b, −a/b²); at b = 0 the IEEE quotients (±inf or NaN).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::div(1.0, 4.0), 0.25);
/// assert_eq!(rules::div_grad(4.0, 0.25, 1.0), (0.25, -0.0625));
/// ```
#[inline(always)]
pub fn div<T: Float>(a: T, b: T) -> T {
    a / b
}
/// Derivative rule of [`div`]: −a/b² is computed as −out/b (example there).
#[inline(always)]
pub fn div_grad<T: Float>(b: T, out: T, dout: T) -> (T, T) {
    let db = dout / b;
    (db, -db * out)
}

/// `-x`. Derivative −1.
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::neg(2.0), -2.0);
/// assert_eq!(rules::neg_grad(3.0), -3.0);
/// ```
#[inline(always)]
pub fn neg<T: Float>(x: T) -> T {
    -x
}
/// Derivative rule of [`neg`], whose example shows both.
#[inline(always)]
pub fn neg_grad<T: Float>(dout: T) -> T {
    -dout
}

/// `a.mul_add(b, c)` = a·b + c with one rounding. Derivatives (b, a, 1).
///
/// ```
/// use backprop_core::rules;
///
/// assert_eq!(rules::mul_add(2.0, 3.0, 1.0), 7.0);
/// assert_eq!(rules::mul_add_grad(2.0, 3.0, 2.0), (6.0, 4.0, 2.0));
/// ```
#[inline(always)]
pub fn mul_add<T: Float>(a: T, b: T, c: T) -> T {
    a.mul_add(b, c)
}
/// Derivative rule of [`mul_add`], whose example shows both.
#[inline(always)]
pub fn mul_add_grad<T: Float>(a: T, b: T, dout: T) -> (T, T, T) {
    (dout * b, dout * a, dout)
}

mod activation;
mod exp_log;
mod piecewise;
mod power;
mod special;
mod trig;

pub use activation::*;
pub use exp_log::*;
pub use piecewise::*;
pub use power::*;
pub use special::*;
pub use trig::*;
