//! Forward-mode dual numbers: [`Dual`], a [`Float`] that carries directional derivatives.

use core::cmp::Ordering;
use core::fmt;
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::float::scale_tangent;
use crate::Float;

/// A forward-mode dual number with `K` tangents: the value `re` and the directional
/// derivatives `eps[k]`, one per direction, as `re + Σ eps[k]·εₖ` with εₖ·εⱼ = 0.
///
/// `Dual<T, K>` implements [`Float`] for every `T: Float`, so any code generic over
/// `Float` (the rules, the code `grad!` generates) runs on it unchanged and gives, next
/// to its value, its derivatives in `K` directions at once. Since the element type may
/// itself be a dual number, nesting gives higher derivatives: `Dual<Dual<f64, 1>, 1>`
/// carries the second derivative in `x.eps[0].eps[0]`.
///
/// # The real part is exact
///
/// Every operation computes the real part with `T`'s own operation on the real parts,
/// nothing else: it is bit for bit what the same code gives on plain `T`. Each tangent
/// follows the chain rule, `eps[k] = f′(re) · x.eps[k]`, with the derivative in closed
/// form (computed as the first-order rule in [`rules`](crate::rules) computes it).
///
/// # Comparisons look at the real part
///
/// `==`, `<`, `>` and the rest compare the real parts only, and
/// [`is_nan`](Float::is_nan) and [`is_finite`](Float::is_finite) look at the real part
/// only. A comparison decides a branch, as `if x > 0.0` does in generated code; the
/// tangents follow the branch taken. So two duals with equal real parts are `==` whatever
/// their tangents.
///
/// # Conventions
///
/// At singular points the tangents follow the library's first-derivative conventions
/// (PyTorch's), so that `jvp` agrees with the gradient:
///
/// - `abs′(0) = 0`; `max` and `min` at a tie take half of each side's tangent,
///   `a·0.5 + b·0.5`; with one argument NaN the other's value and tangent;
/// - `signum`, `floor`, `ceil`, `round`, `trunc` have tangent 0, and so has `powi(x, 0)`;
/// - `powf(x, e)`: the partial by `e` is 0 where `x = 0` and `e ≥ 0`; the partial by `x`
///   is 0 where `e = 0` and x^(e−1) is not finite (at `x = 0`), as
///   [`powf_grad`](crate::rules::powf_grad);
/// - `hypot` and `atan2` at (0, 0) have tangent 0;
/// - `sqrt′(0) = +inf`, `cbrt′(0) = +inf`, `ln′(0) = +inf` (the limits).
///
/// Where a derivative is infinite or NaN but the incoming tangent component is exactly
/// zero, the outgoing component is zero, not `inf · 0 = NaN`: a constant stays a
/// constant. This holds at every level of nesting, component by component.
///
/// [`from_f64`](Float::from_f64), [`from_i32`](Float::from_i32) and the constants
/// ([`Float::ZERO`], [`Float::ONE`], ...) are constants (zero tangents);
/// [`to_f64`](Float::to_f64) returns the real part; [`Float::NAME`] is `"dual"`.
///
/// ```
/// use backprop_core::{Dual, Float};
///
/// fn f<T: Float>(x: T, y: T) -> T {
///     x * y + x.sin()
/// }
/// let (x, y) = (0.5_f64, 2.0_f64);
/// // Both partial derivatives in one pass: direction 0 is x, direction 1 is y.
/// let out = f(Dual::<f64, 2>::variable(x, 0), Dual::variable(y, 1));
/// assert_eq!(out.re, f(x, y));
/// assert_eq!(out.eps, [y + x.cos(), x]);
///
/// // Second derivative by nesting: (sin)'' = −sin.
/// let x2: Dual<Dual<f64, 1>, 1> = Dual::new(Dual::variable(x, 0), [Dual::constant(1.0)]);
/// assert_eq!(x2.sin().eps[0].eps[0], -x.sin());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Dual<T, const K: usize> {
    /// The real part: the value.
    pub re: T,
    /// The tangents: the derivative of the value in each of the `K` directions.
    pub eps: [T; K],
}

impl<T: Float, const K: usize> Dual<T, K> {
    /// The dual number `re + Σ eps[k]·εₖ`.
    ///
    /// ```
    /// use backprop_core::Dual;
    ///
    /// let x = Dual::new(1.5_f64, [0.25, 0.0]);
    /// assert_eq!((x.re, x.eps), (1.5, [0.25, 0.0]));
    /// ```
    #[inline]
    pub const fn new(re: T, eps: [T; K]) -> Self {
        Self { re, eps }
    }

    /// A constant: `re` with zero tangents.
    ///
    /// ```
    /// use backprop_core::{Dual, Float};
    ///
    /// let c = Dual::<f64, 2>::constant(3.0);
    /// assert_eq!(c.eps, [0.0, 0.0]);
    /// // A constant stays a constant, even through ln at 0, whose derivative is infinite.
    /// assert_eq!(Dual::<f64, 1>::constant(0.0).ln().eps, [0.0]);
    /// ```
    #[inline]
    pub fn constant(re: T) -> Self {
        Self {
            re,
            eps: [T::ZERO; K],
        }
    }

    /// The variable of direction `k`: `re` with tangent 1 in direction `k`, 0 in the
    /// others.
    ///
    /// ```
    /// use backprop_core::{Dual, Float};
    ///
    /// let x = Dual::<f64, 3>::variable(2.0, 1);
    /// assert_eq!(x.eps, [0.0, 1.0, 0.0]);
    /// // d/dx x³ = 3x² = 12.
    /// assert_eq!(x.powi(3).eps, [0.0, 12.0, 0.0]);
    /// ```
    ///
    /// # Panics
    ///
    /// If `k >= K`: there is no such direction.
    #[inline]
    #[track_caller]
    pub fn variable(re: T, k: usize) -> Self {
        assert!(
            k < K,
            "Dual::variable: direction {k} is out of range for a dual number with {K} tangents"
        );
        let mut eps = [T::ZERO; K];
        eps[k] = T::ONE;
        Self { re, eps }
    }

    /// `re` with the tangents `d · eps`: the chain rule for a function with derivative `d`.
    #[inline(always)]
    fn chain(re: T, d: T, eps: [T; K]) -> Self {
        Self {
            re,
            eps: eps.map(|e| scale_tangent(d, e)),
        }
    }

    /// `re` with the tangents `da · a + db · b`: the chain rule for a function of two
    /// arguments with partial derivatives `da` and `db`.
    #[inline(always)]
    fn chain2(re: T, da: T, a: [T; K], db: T, b: [T; K]) -> Self {
        Self {
            re,
            eps: core::array::from_fn(|k| scale_tangent(da, a[k]) + scale_tangent(db, b[k])),
        }
    }
}

impl<T: Float, const K: usize> Default for Dual<T, K> {
    /// Zero, with zero tangents.
    #[inline]
    fn default() -> Self {
        Self::constant(T::ZERO)
    }
}

/// By the real parts only (see [`Dual`]): comparisons decide branches.
impl<T: Float, const K: usize> PartialEq for Dual<T, K> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.re == other.re
    }
}

/// By the real parts only (see [`Dual`]): comparisons decide branches.
impl<T: Float, const K: usize> PartialOrd for Dual<T, K> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.re.partial_cmp(&other.re)
    }
}

/// `1.5 + [0.25, 0]ε`; the parts of a nested dual number are in parentheses. Format
/// options apply to every part.
impl<T: Float, const K: usize> fmt::Display for Dual<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nested = T::NAME == <Self as Float>::NAME;
        let part = |f: &mut fmt::Formatter<'_>, x: &T| {
            if nested {
                f.write_str("(")?;
                fmt::Display::fmt(x, f)?;
                f.write_str(")")
            } else {
                fmt::Display::fmt(x, f)
            }
        };
        part(f, &self.re)?;
        f.write_str(" + [")?;
        for (k, e) in self.eps.iter().enumerate() {
            if k > 0 {
                f.write_str(", ")?;
            }
            part(f, e)?;
        }
        f.write_str("]ε")
    }
}

impl<T: Float, const K: usize> Add for Dual<T, K> {
    type Output = Self;
    #[inline]
    fn add(self, rhs: Self) -> Self {
        Self {
            re: self.re + rhs.re,
            eps: core::array::from_fn(|k| self.eps[k] + rhs.eps[k]),
        }
    }
}

impl<T: Float, const K: usize> Sub for Dual<T, K> {
    type Output = Self;
    #[inline]
    fn sub(self, rhs: Self) -> Self {
        Self {
            re: self.re - rhs.re,
            eps: core::array::from_fn(|k| self.eps[k] - rhs.eps[k]),
        }
    }
}

impl<T: Float, const K: usize> Mul for Dual<T, K> {
    type Output = Self;
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        Self::chain2(self.re * rhs.re, rhs.re, self.eps, self.re, rhs.eps)
    }
}

impl<T: Float, const K: usize> Div for Dual<T, K> {
    type Output = Self;
    /// Partial derivatives 1/b and −out/b, computed as `div_grad` computes them.
    #[inline]
    fn div(self, rhs: Self) -> Self {
        let out = self.re / rhs.re;
        let inv = T::ONE / rhs.re;
        Self::chain2(out, inv, self.eps, -inv * out, rhs.eps)
    }
}

impl<T: Float, const K: usize> Neg for Dual<T, K> {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        Self {
            re: -self.re,
            eps: self.eps.map(|e| -e),
        }
    }
}

impl<T: Float, const K: usize> AddAssign for Dual<T, K> {
    #[inline]
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl<T: Float, const K: usize> SubAssign for Dual<T, K> {
    #[inline]
    fn sub_assign(&mut self, rhs: Self) {
        *self = *self - rhs;
    }
}

impl<T: Float, const K: usize> MulAssign for Dual<T, K> {
    #[inline]
    fn mul_assign(&mut self, rhs: Self) {
        *self = *self * rhs;
    }
}

/// Methods of one argument: the value `T::$name(x)` and the derivative from `x` (the real
/// part) and `out` (the value).
macro_rules! unary {
    ($($name:ident |$x:ident, $out:ident| $d:expr;)*) => {
        $(
            #[inline]
            #[allow(unused_variables)] // each derivative reads `x` or `out`
            fn $name(self) -> Self {
                let $x = self.re;
                let $out = $x.$name();
                Self::chain($out, $d, self.eps)
            }
        )*
    };
}

/// Methods whose tangent is 0 everywhere.
macro_rules! step {
    ($($name:ident),*) => {
        $(
            #[inline]
            fn $name(self) -> Self {
                Self::constant(self.re.$name())
            }
        )*
    };
}

impl<T: Float, const K: usize> Float for Dual<T, K> {
    const ZERO: Self = Self::new(T::ZERO, [T::ZERO; K]);
    const ONE: Self = Self::new(T::ONE, [T::ZERO; K]);
    const HALF: Self = Self::new(T::HALF, [T::ZERO; K]);
    const TWO: Self = Self::new(T::TWO, [T::ZERO; K]);
    const THREE: Self = Self::new(T::THREE, [T::ZERO; K]);
    const INFINITY: Self = Self::new(T::INFINITY, [T::ZERO; K]);
    const NAN: Self = Self::new(T::NAN, [T::ZERO; K]);
    const EPSILON: Self = Self::new(T::EPSILON, [T::ZERO; K]);
    const LN_2: Self = Self::new(T::LN_2, [T::ZERO; K]);
    const LN_10: Self = Self::new(T::LN_10, [T::ZERO; K]);
    const NAME: &'static str = "dual";

    #[inline]
    fn from_f64(x: f64) -> Self {
        Self::constant(T::from_f64(x))
    }
    #[inline]
    fn to_f64(self) -> f64 {
        self.re.to_f64()
    }
    #[inline]
    fn from_i32(n: i32) -> Self {
        Self::constant(T::from_i32(n))
    }

    #[inline]
    fn is_nan(self) -> bool {
        self.re.is_nan()
    }
    #[inline]
    fn is_finite(self) -> bool {
        self.re.is_finite()
    }

    unary! {
        sqrt |x, out| T::ONE / (T::TWO * out.abs());
        cbrt |x, out| T::ONE / (T::THREE * out * out);
        exp |x, out| out;
        exp2 |x, out| out * T::LN_2;
        exp_m1 |x, out| x.exp();
        ln |x, out| T::ONE / x;
        ln_1p |x, out| T::ONE / (T::ONE + x);
        log2 |x, out| T::ONE / (x * T::LN_2);
        log10 |x, out| T::ONE / (x * T::LN_10);
        recip |x, out| -out * out;
        sin |x, out| x.cos();
        cos |x, out| -x.sin();
        tan |x, out| T::ONE + out * out;
        asin |x, out| T::ONE / ((T::ONE - x) * (T::ONE + x)).sqrt();
        acos |x, out| -T::ONE / ((T::ONE - x) * (T::ONE + x)).sqrt();
        atan |x, out| T::ONE / (T::ONE + x * x);
        sinh |x, out| x.cosh();
        cosh |x, out| x.sinh();
        tanh |x, out| T::ONE - out * out;
    }

    step!(signum, floor, ceil, round, trunc);

    #[inline]
    fn abs(self) -> Self {
        let x = self.re;
        let d = if x > T::ZERO {
            T::ONE
        } else if x < T::ZERO {
            -T::ONE
        } else if x == T::ZERO {
            T::ZERO
        } else {
            T::NAN
        };
        Self::chain(x.abs(), d, self.eps)
    }

    #[inline]
    fn max(self, other: Self) -> Self {
        select(self.re.max(other.re), self.re, other.re, self, other)
    }

    #[inline]
    fn min(self, other: Self) -> Self {
        // min(a, b) = −max(−a, −b): the smaller argument is the larger of the negations.
        select(self.re.min(other.re), -self.re, -other.re, self, other)
    }

    #[inline]
    fn powi(self, n: i32) -> Self {
        let x = self.re;
        let out = x.powi(n);
        if n == 0 {
            return Self::constant(out);
        }
        // n − 1 overflows for n = i32::MIN; there x^(n−1) is taken as xⁿ / x.
        let x_n_1 = n.checked_sub(1).map_or_else(|| out / x, |m| x.powi(m));
        Self::chain(out, T::from_i32(n) * x_n_1, self.eps)
    }

    #[inline]
    fn powf(self, e: Self) -> Self {
        let (x, y) = (self.re, e.re);
        let out = x.powf(y);
        let p = x.powf(y - T::ONE);
        // As `powf_grad`: 0 where e = 0 (but e·x^(e−1) where that is finite, so that a
        // nested dual keeps the mixed second derivative ∂²/∂x∂e = 1/x there).
        let dx = if y == T::ZERO && !p.is_finite() {
            T::ZERO
        } else {
            y * p
        };
        // The limit of x^e·ln x at x = 0 for e ≥ 0, where 0·(−inf) would be NaN.
        let de = if x == T::ZERO && y >= T::ZERO {
            T::ZERO
        } else {
            out * x.ln()
        };
        Self::chain2(out, dx, self.eps, de, e.eps)
    }

    #[inline]
    fn log(self, base: Self) -> Self {
        let (x, b) = (self.re, base.re);
        let out = x.log(b);
        let ln_b = b.ln();
        Self::chain2(
            out,
            T::ONE / (x * ln_b),
            self.eps,
            -out / (b * ln_b),
            base.eps,
        )
    }

    #[inline]
    fn atan2(self, x: Self) -> Self {
        let (a, b) = (self.re, x.re);
        let out = a.atan2(b);
        // As `atan2_grad`: through r = hypot(y, x), and (0, 0) at the origin.
        let r = a.hypot(b);
        if r == T::ZERO {
            return Self::constant(out);
        }
        let k = T::ONE / r;
        Self::chain2(out, k * (b / r), self.eps, -k * (a / r), x.eps)
    }

    #[inline]
    fn hypot(self, other: Self) -> Self {
        let (a, b) = (self.re, other.re);
        let out = a.hypot(b);
        if out == T::ZERO {
            return Self::constant(out);
        }
        Self::chain2(out, a / out, self.eps, b / out, other.eps)
    }

    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        let out = self.re.mul_add(a.re, b.re);
        Self {
            re: out,
            eps: core::array::from_fn(|k| {
                scale_tangent(a.re, self.eps[k]) + scale_tangent(self.re, a.eps[k]) + b.eps[k]
            }),
        }
    }
}

/// The value `out` of picking the larger of `ka` and `kb` (the keys of `a` and `b`), with
/// the chosen argument's tangents: as `select_grad` in the rules, a NaN key loses and a
/// tie takes half of each.
#[inline(always)]
fn select<T: Float, const K: usize>(
    out: T,
    ka: T,
    kb: T,
    a: Dual<T, K>,
    b: Dual<T, K>,
) -> Dual<T, K> {
    let eps = if ka > kb || kb.is_nan() {
        a.eps
    } else if kb > ka || ka.is_nan() {
        b.eps
    } else {
        core::array::from_fn(|k| a.eps[k] * T::HALF + b.eps[k] * T::HALF)
    };
    Dual { re: out, eps }
}
