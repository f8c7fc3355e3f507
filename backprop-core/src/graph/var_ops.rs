//! Operators and one method per operation on [`Var`], each recording a node.

use core::ops::{Add, Div, Mul, Neg, Sub};

use super::Var;
use crate::{Float, Op};

macro_rules! binary_operator {
    ($($trait:ident $method:ident $op:ident),*) => {$(
        impl<'g, T: Float> $trait for Var<'g, T> {
            type Output = Var<'g, T>;
            fn $method(self, rhs: Var<'g, T>) -> Var<'g, T> {
                self.graph.apply(Op::$op, &[self, rhs])
            }
        }
        impl<'g, T: Float> $trait<T> for Var<'g, T> {
            type Output = Var<'g, T>;
            fn $method(self, rhs: T) -> Var<'g, T> {
                let rhs = self.graph.constant(rhs);
                self.graph.apply(Op::$op, &[self, rhs])
            }
        }
        binary_operator!(@scalar_lhs f32, $trait $method $op);
        binary_operator!(@scalar_lhs f64, $trait $method $op);
    )*};
    (@scalar_lhs $t:ty, $trait:ident $method:ident $op:ident) => {
        impl<'g> $trait<Var<'g, $t>> for $t {
            type Output = Var<'g, $t>;
            fn $method(self, rhs: Var<'g, $t>) -> Var<'g, $t> {
                let lhs = rhs.graph.constant(self);
                rhs.graph.apply(Op::$op, &[lhs, rhs])
            }
        }
    };
}

binary_operator!(Add add Add, Sub sub Sub, Mul mul Mul, Div div Div);

impl<'g, T: Float> Neg for Var<'g, T> {
    type Output = Var<'g, T>;
    fn neg(self) -> Var<'g, T> {
        self.graph.apply(Op::Neg, &[self])
    }
}

macro_rules! unary_methods {
    ($($(#[$doc:meta])* $name:ident $op:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// ```
        /// use backprop_core::{rules, Graph};
        ///
        /// let g = Graph::new();
        /// let x = g.input("x", 0.5);
        #[doc = concat!("let out = x.", stringify!($name), "();")]
        #[doc = concat!("assert_eq!(out.value(), rules::", stringify!($name), "(0.5));")]
        /// assert_eq!(g.len(), 2);
        /// ```
        pub fn $name(self) -> Var<'g, T> {
            self.graph.apply(Op::$op, &[self])
        }
    )*};
}

macro_rules! binary_methods {
    ($($(#[$doc:meta])* $name:ident($other:ident) $op:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// ```
        /// use backprop_core::{rules, Graph};
        ///
        /// let g = Graph::new();
        #[doc = concat!("let (a, ", stringify!($other), ") = (g.input(\"a\", 0.5), g.input(\"",
            stringify!($other), "\", 0.25));")]
        #[doc = concat!("let out = a.", stringify!($name), "(", stringify!($other), ");")]
        #[doc = concat!("assert_eq!(out.value(), rules::", stringify!($name), "(0.5, 0.25));")]
        /// ```
        pub fn $name(self, $other: Var<'g, T>) -> Var<'g, T> {
            self.graph.apply(Op::$op, &[self, $other])
        }
    )*};
}

/// One method per operation of the table, each named like `f64`'s method and recording
/// one node. See [`rules`](crate::rules) for each rule and its convention at singular
/// points.
impl<'g, T: Float> Var<'g, T> {
    unary_methods! {
        /// Records `self.sqrt()`.
        sqrt Sqrt;
        /// Records `self.cbrt()`.
        cbrt Cbrt;
        /// Records `self.exp()`.
        exp Exp;
        /// Records `self.exp2()`.
        exp2 Exp2;
        /// Records `self.exp_m1()`.
        exp_m1 ExpM1;
        /// Records `self.ln()`.
        ln Ln;
        /// Records `self.ln_1p()`.
        ln_1p Ln1p;
        /// Records `self.log2()`.
        log2 Log2;
        /// Records `self.log10()`.
        log10 Log10;
        /// Records `self.recip()`.
        recip Recip;
        /// Records `self.sin()`.
        sin Sin;
        /// Records `self.cos()`.
        cos Cos;
        /// Records `self.tan()`.
        tan Tan;
        /// Records `self.asin()`.
        asin Asin;
        /// Records `self.acos()`.
        acos Acos;
        /// Records `self.atan()`.
        atan Atan;
        /// Records `self.sinh()`.
        sinh Sinh;
        /// Records `self.cosh()`.
        cosh Cosh;
        /// Records `self.tanh()`.
        tanh Tanh;
        /// Records `self.abs()`.
        abs Abs;
        /// Records the logistic function of `self`.
        sigmoid Sigmoid;
        /// Records `max(self, 0)`.
        relu Relu;
        /// Records ln(1 + e^self).
        softplus Softplus;
    }

    binary_methods! {
        /// Records `self.powf(e)`.
        powf(e) Powf;
        /// Records `self.log(base)`.
        log(base) Log;
        /// Records `self.atan2(x)` (self is y).
        atan2(x) Atan2;
        /// Records `self.max(other)`.
        max(other) Max;
        /// Records `self.min(other)`.
        min(other) Min;
        /// Records `self.hypot(other)`.
        hypot(other) Hypot;
    }

    /// Records `self.powi(n)`; the integer exponent is not differentiated.
    ///
    /// ```
    /// use backprop_core::Graph;
    ///
    /// let g = Graph::new();
    /// let x = g.input("x", -2.0);
    /// let out = x.powi(3);
    /// assert_eq!(out.value(), -8.0);
    /// assert_eq!(g.backward(out).unwrap()[x], 12.0);
    /// ```
    pub fn powi(self, n: i32) -> Var<'g, T> {
        self.graph.apply(Op::Powi(n), &[self])
    }

    /// Records `self.mul_add(a, b)` = self·a + b.
    ///
    /// ```
    /// use backprop_core::Graph;
    ///
    /// let g = Graph::new();
    /// let (x, a, b) = (g.input("x", 2.0), g.input("a", 3.0), g.input("b", 1.0));
    /// let out = x.mul_add(a, b);
    /// assert_eq!(out.value(), 7.0);
    /// let grads = g.backward(out).unwrap();
    /// assert_eq!([grads[x], grads[a], grads[b]], [3.0, 2.0, 1.0]);
    /// ```
    pub fn mul_add(self, a: Var<'g, T>, b: Var<'g, T>) -> Var<'g, T> {
        self.graph.apply(Op::MulAdd, &[self, a, b])
    }
}
