//! Operators and one method per operation on [`Var`], each recording a node.

use core::ops::{Add, Div, Mul, Neg, Sub};

use super::Var;
use crate::ops::for_each_op;
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

// Input: the rows of `for_each_op!`.
// Output: one method per operation called by name, `impl Var { pub fn sin(self) -> Var }`,
// named and documented from its row; the operators are the trait impls above.
macro_rules! var_methods {
    ($(
        $(#[$doc:meta])*
        $variant:ident $(($n:ident))? = $sig:ident $name:ident $symbol:tt $node:ident
            ($($param:ident),+) $commutes:literal,
            rules($value:ident, $fwd:ident, $grad:ident($($read:ident),*)),
            $forward:literal, [$($partial:ident $(($pk:literal))? $der:literal),+],
            $convention:literal;
    )*) => {
        /// One method per operation of the table called by name, each named like `f64`'s
        /// method and recording one node. See [`rules`](crate::rules) for each rule and its
        /// convention at singular points.
        impl<'g, T: Float> Var<'g, T> {
            $(var_methods!(@method $sig $symbol $variant $name $forward; $($param)+);)*
        }
    };
    (@method $sig:ident "" $op:ident $name:ident $f:literal; $x:ident) => {
        #[doc = concat!("Records `", $f, "` with `self` as `", stringify!($x), "`.")]
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
    };
    (@method IntPower "" $op:ident $name:ident $f:literal; $x:ident $n:ident) => {
        #[doc = concat!("Records `", $f, "` with `self` as `", stringify!($x),
            "`; the integer exponent is not differentiated.")]
        ///
        /// ```
        /// use backprop_core::Graph;
        ///
        /// let g = Graph::new();
        /// let x = g.input("x", -2.0);
        #[doc = concat!("let out = x.", stringify!($name), "(3);")]
        /// assert_eq!(out.value(), -8.0);
        /// assert_eq!(g.backward(out).unwrap()[x], 12.0);
        /// ```
        pub fn $name(self, $n: i32) -> Var<'g, T> {
            self.graph.apply(Op::$op($n), &[self])
        }
    };
    (@method $sig:ident "" $op:ident $name:ident $f:literal; $x:ident $y:ident) => {
        #[doc = concat!("Records `", $f, "` with `self` as `", stringify!($x), "`.")]
        ///
        /// ```
        /// use backprop_core::{rules, Graph};
        ///
        /// let g = Graph::new();
        #[doc = concat!("let (a, ", stringify!($y), ") = (g.input(\"a\", 0.5), g.input(\"",
            stringify!($y), "\", 0.25));")]
        #[doc = concat!("let out = a.", stringify!($name), "(", stringify!($y), ");")]
        #[doc = concat!("assert_eq!(out.value(), rules::", stringify!($name), "(0.5, 0.25));")]
        /// ```
        pub fn $name(self, $y: Var<'g, T>) -> Var<'g, T> {
            self.graph.apply(Op::$op, &[self, $y])
        }
    };
    (@method $sig:ident "" $op:ident $name:ident $f:literal; $x:ident $y:ident $z:ident) => {
        #[doc = concat!("Records `", $f, "` with `self` as `", stringify!($x), "`.")]
        ///
        /// ```
        /// use backprop_core::{rules, Graph};
        ///
        /// let g = Graph::new();
        /// let (x, a, b) = (g.input("x", 0.5), g.input("a", 0.25), g.input("b", 2.0));
        #[doc = concat!("let out = x.", stringify!($name), "(a, b);")]
        #[doc = concat!("assert_eq!(out.value(), rules::", stringify!($name), "(0.5, 0.25, 2.0));")]
        /// ```
        pub fn $name(self, $y: Var<'g, T>, $z: Var<'g, T>) -> Var<'g, T> {
            self.graph.apply(Op::$op, &[self, $y, $z])
        }
    };
    // Operators are recorded through `+ - * /` and unary `-`, above.
    (@method $sig:ident $symbol:tt $($rest:tt)*) => {};
}

for_each_op!(var_methods);
