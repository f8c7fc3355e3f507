//! The element type: [`Float`], implemented for `f32`, `f64` and the dual numbers
//! [`Dual`](crate::Dual) over them.

use core::fmt::{Debug, Display};
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

mod sealed {
    use crate::{Dual, Float};

    /// A function computed in `f64` (erf, the normal distribution), with its derivative
    /// in `Float` arithmetic, so that dual numbers carry tangents through it.
    pub trait Smooth {
        /// The value, in `f64`.
        fn value(x: f64) -> f64;
        /// The derivative, at any scalar.
        fn slope<T: Float>(x: T) -> T;
    }

    pub trait Sealed {
        /// `F`'s value: in `f64` for a number (rounded once for `f32`), with tangents by
        /// `F`'s slope for a dual.
        fn smooth<F: Smooth>(self) -> Self;

        /// `self · tangent`, except that every component of the product that multiplies an
        /// exactly zero component of `tangent` is 0, even where `self` is infinite or NaN:
        /// the chain rule's product of a local derivative with an incoming tangent, which
        /// keeps a constant a constant (see [`Dual`]).
        fn scale_tangent(self, tangent: Self) -> Self;
    }
    impl Sealed for f32 {
        #[inline(always)]
        #[allow(clippy::cast_possible_truncation)] // rounding to f32 is the point
        fn smooth<F: Smooth>(self) -> Self {
            F::value(f64::from(self)) as f32
        }
        #[inline(always)]
        fn scale_tangent(self, tangent: Self) -> Self {
            if tangent == 0.0 {
                0.0
            } else {
                self * tangent
            }
        }
    }
    impl Sealed for f64 {
        #[inline(always)]
        fn smooth<F: Smooth>(self) -> Self {
            F::value(self)
        }
        #[inline(always)]
        fn scale_tangent(self, tangent: Self) -> Self {
            if tangent == 0.0 {
                0.0
            } else {
                self * tangent
            }
        }
    }
    impl<T: Float, const K: usize> Sealed for Dual<T, K> {
        #[inline]
        fn smooth<F: Smooth>(self) -> Self {
            let slope = F::slope(self.re);
            Dual {
                re: self.re.smooth::<F>(),
                eps: self.eps.map(|e| slope.scale_tangent(e)),
            }
        }

        /// Component by component, the product rule with each elementary product guarded.
        #[inline]
        fn scale_tangent(self, tangent: Self) -> Self {
            Dual {
                re: self.re.scale_tangent(tangent.re),
                eps: core::array::from_fn(|k| {
                    self.re.scale_tangent(tangent.eps[k]) + self.eps[k].scale_tangent(tangent.re)
                }),
            }
        }
    }
}

pub(crate) use sealed::Smooth;

/// `F`'s value at `x`, computed in `f64` with tangents by `F`'s slope on dual numbers.
#[inline(always)]
pub(crate) fn smooth<F: Smooth, T: Float>(x: T) -> T {
    sealed::Sealed::smooth::<F>(x)
}

/// `d · tangent` for the chain rule, with 0 wherever the tangent is exactly 0 (also when
/// `d` is infinite or NaN), at every level of nesting.
#[inline(always)]
pub(crate) fn scale_tangent<T: Float>(d: T, tangent: T) -> T {
    sealed::Sealed::scale_tangent(d, tangent)
}

/// A floating-point element type: `f32`, `f64`, or a forward-mode dual number
/// [`Dual<T, K>`](crate::Dual) over any `T: Float` (nested duals included).
///
/// Every operation of the library is generic over this trait. It is sealed: the rules in
/// [`rules`](crate::rules) are written and tested for IEEE binary32 and binary64, and an
/// outside type could break their conventions at singular points silently. [`Dual`](crate::Dual)
/// runs the same rules to give directional derivatives (forward mode), and, run on the
/// derivative rules, second derivatives.
///
/// The methods have the meaning of the inherent methods of the same name on `f64`; on a
/// dual number each takes the real part through `T`'s own method and carries the tangents
/// by the chain rule (see [`Dual`](crate::Dual) for the details and the conventions).
///
/// ```
/// use backprop_core::Float;
///
/// fn square_plus_one<T: Float>(x: T) -> T {
///     x * x + T::ONE
/// }
/// assert_eq!(square_plus_one(3.0_f32), 10.0);
/// assert_eq!(square_plus_one(3.0_f64), 10.0);
/// ```
#[allow(missing_docs)] // the methods are `f64`'s own, documented there
pub trait Float:
    sealed::Sealed
    + Copy
    + Default
    + PartialOrd
    + Debug
    + Display
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
{
    /// `0`.
    const ZERO: Self;
    /// `1`.
    const ONE: Self;
    /// `0.5`.
    const HALF: Self;
    /// `2`.
    const TWO: Self;
    /// `3`.
    const THREE: Self;
    /// Positive infinity.
    const INFINITY: Self;
    /// Not a number.
    const NAN: Self;
    /// The machine epsilon of the type.
    const EPSILON: Self;
    /// ln 2.
    const LN_2: Self;
    /// ln 10.
    const LN_10: Self;
    /// The type's name, `"f32"`, `"f64"` or `"dual"`.
    const NAME: &'static str;

    /// Converts from `f64`, rounding to nearest (a dual number: a constant).
    fn from_f64(x: f64) -> Self;
    /// Converts to `f64` exactly (a dual number: its real part, the tangents dropped).
    fn to_f64(self) -> f64;
    /// Converts an integer, rounding to nearest (a dual number: a constant).
    fn from_i32(n: i32) -> Self;

    fn is_nan(self) -> bool;
    fn is_finite(self) -> bool;
    fn abs(self) -> Self;
    fn max(self, other: Self) -> Self;
    fn min(self, other: Self) -> Self;
    fn powi(self, n: i32) -> Self;
    fn powf(self, e: Self) -> Self;
    fn sqrt(self) -> Self;
    fn cbrt(self) -> Self;
    fn exp(self) -> Self;
    fn exp2(self) -> Self;
    fn exp_m1(self) -> Self;
    fn ln(self) -> Self;
    fn ln_1p(self) -> Self;
    fn log2(self) -> Self;
    fn log10(self) -> Self;
    fn log(self, base: Self) -> Self;
    fn recip(self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn tan(self) -> Self;
    fn asin(self) -> Self;
    fn acos(self) -> Self;
    fn atan(self) -> Self;
    fn atan2(self, x: Self) -> Self;
    fn sinh(self) -> Self;
    fn cosh(self) -> Self;
    fn tanh(self) -> Self;
    fn hypot(self, other: Self) -> Self;
    fn mul_add(self, a: Self, b: Self) -> Self;
    fn signum(self) -> Self;
    fn floor(self) -> Self;
    fn ceil(self) -> Self;
    fn round(self) -> Self;
    fn trunc(self) -> Self;
}

macro_rules! impl_float {
    ($t:ident) => {
        impl Float for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const HALF: Self = 0.5;
            const TWO: Self = 2.0;
            const THREE: Self = 3.0;
            const INFINITY: Self = $t::INFINITY;
            const NAN: Self = $t::NAN;
            const EPSILON: Self = $t::EPSILON;
            const LN_2: Self = core::$t::consts::LN_2;
            const LN_10: Self = core::$t::consts::LN_10;
            const NAME: &'static str = stringify!($t);

            #[inline(always)]
            #[allow(clippy::cast_possible_truncation)] // rounding to f32 is the point
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
            #[inline(always)]
            #[allow(clippy::cast_precision_loss)] // documented: rounds to nearest
            fn from_i32(n: i32) -> Self {
                n as $t
            }
            impl_float!(@fwd $t; is_nan -> bool, is_finite -> bool);
            impl_float!(@fwd $t; abs, powi(n: i32), powf(e: Self), sqrt, cbrt, exp, exp2,
                exp_m1, ln, ln_1p, log2, log10, log(base: Self), recip, sin, cos, tan, asin,
                acos, atan, atan2(x: Self), sinh, cosh, tanh, hypot(other: Self),
                max(other: Self), min(other: Self), mul_add(a: Self, b: Self), signum, floor,
                ceil, round, trunc);
        }
    };
    (@fwd $t:ident; $($name:ident -> $ret:ty),*) => {
        $(#[inline(always)] fn $name(self) -> $ret { $t::$name(self) })*
    };
    (@fwd $t:ident; $($name:ident $(($($arg:ident: $ty:ty),*))?),* $(,)?) => {
        $(#[inline(always)] fn $name(self $($(, $arg: $ty)*)?) -> Self { $t::$name(self $($(, $arg)*)?) })*
    };
}

impl_float!(f32);
impl_float!(f64);
