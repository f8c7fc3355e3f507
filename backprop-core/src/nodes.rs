//! The teaching-code nodes: one small struct per operation, with `forward` and `backward`.
//!
//! A node is the chain rule for one operation, run by hand. `forward` computes the value
//! and saves what the derivative needs; `backward` takes the gradient arriving from above
//! (`dout`) and returns the gradient of each argument. Wiring nodes together, and calling
//! `backward` in the reverse order of `forward`, is backpropagation done by hand; the
//! [`Graph`](crate::Graph) does the same bookkeeping automatically.
//!
//! There is a node for every operation of the table [`OPS`](crate::OPS), generated from its
//! row, docs included. The arithmetic is not written here: each node calls [`Op::eval`]
//! and [`Op::grad`], so a node gives exactly the numbers the graph and the generated code
//! give, conventions at singular points included. `backward` returns one `T` for a unary operation, `(T, T)` for a binary one
//! and `(T, T, T)` for [`MulAddNode`].
//!
//! The seed example, `out = (x + y) * z`:
//!
//! ```
//! use backprop_core::{AddNode, MulNode};
//!
//! let (x, y, z) = (100.0, 200.0, 4.0);
//! let mut add = AddNode::new();
//! let mut mul = MulNode::new();
//! let t = add.forward(x, y);
//! let out = mul.forward(t, z);
//! assert_eq!((t, out), (300.0, 1200.0));
//!
//! let (dt, dz) = mul.backward(1.0);
//! let (dx, dy) = add.backward(dt);
//! assert_eq!((dx, dy, dz), (4.0, 4.0, 300.0));
//! ```

use crate::ops::for_each_op;
use crate::{Float, Op};

// Input: the rows of `for_each_op!`.
// Output: per row, `struct AddNode<T = f64> { args: [T; 2], out: T, aux: T }` with `new`,
// `forward` saving the arguments, the value and the operation's auxiliary value, and
// `backward` returning one gradient per argument; for `powi`, `PowiNode` holding its
// exponent.
macro_rules! nodes {
    ($(
        $(#[$doc:meta])*
        $variant:ident $(($n:ident))? = $sig:ident $name:ident $symbol:tt $node:ident
            ($($param:ident),+) $commutes:literal,
            rules($value:ident, $fwd:ident, $grad:ident($($read:ident),*)),
            $forward:literal, [$($partial:ident $(($pk:literal))? $der:literal),+],
            $convention:literal;
    )*) => {$(
        nodes!(@$sig $node $variant $forward $convention; $($param)+; $($der)+);
    )*};
    // The array length and return type are written here, once per arity, because a
    // derive cannot see through a macro call in a field's type.
    // Each arm also picks the argument values and the gradient expression of the example
    // every node gets.
    (@Unary $node:ident $op:ident $f:literal $c:literal; $x:ident; $($der:literal)+) => {
        nodes!(@node $node $op $f $c; 1; $x; $($der)+; T; d => d[0]; "0.5",
            concat!("g.input(\"", stringify!($x), "\", 0.5)"); "grads[args[0]]");
    };
    (@UnaryAux $($rest:tt)*) => { nodes!(@Unary $($rest)*); };
    (@Binary $node:ident $op:ident $f:literal $c:literal; $x:ident $y:ident; $($der:literal)+) => {
        nodes!(@node $node $op $f $c; 2; $x $y; $($der)+; (T, T); d => (d[0], d[1]); "0.5, 0.25",
            concat!("g.input(\"", stringify!($x), "\", 0.5), g.input(\"", stringify!($y),
                "\", 0.25)");
            "(grads[args[0]], grads[args[1]])");
    };
    (@Ternary $node:ident $op:ident $f:literal $c:literal; $a:ident $b:ident $cc:ident;
        $($der:literal)+) => {
        nodes!(@node $node $op $f $c; 3; $a $b $cc; $($der)+; (T, T, T); d => (d[0], d[1], d[2]);
            "0.5, 0.25, 2.0",
            concat!("g.input(\"", stringify!($a), "\", 0.5), g.input(\"", stringify!($b),
                "\", 0.25), g.input(\"", stringify!($cc), "\", 2.0)");
            "(grads[args[0]], grads[args[1]], grads[args[2]])");
    };
    (@node $node:ident $op:ident $f:literal $c:literal; $len:literal; $($arg:ident)+;
        $($der:literal)+; $ret:ty; $d:ident => $tuple:expr; $values:literal, $inputs:expr;
        $grads:literal) => {
        #[doc = concat!("The node of [`Op::", stringify!($op), "`]: `forward(",
            nodes!(@list $($arg)+), ")` computes `", $f, "` and saves what `backward` reads; \
            `backward(dout)` returns `dout` times the local derivative", $(" by `",
            stringify!($arg), "`, `", $der, "`;",)+ " ", $c)]
        ///
        #[doc = concat!("`forward` and `backward` apply the rules of [`Op::", stringify!($op),
            "`] (see [`rules`](crate::rules)), conventions at singular points included, so \
            a node gives the numbers the graph gives:")]
        ///
        /// ```
        #[doc = concat!("use backprop_core::{", stringify!($node), ", Graph, Op};")]
        ///
        #[doc = concat!("let mut node = ", stringify!($node), "::new();")]
        #[doc = concat!("let out = node.forward(", $values, ");")]
        /// let d = node.backward(1.0);
        ///
        /// let g = Graph::new();
        #[doc = concat!("let args = [", $inputs, "];")]
        #[doc = concat!("let on_graph = g.apply(Op::", stringify!($op), ", &args);")]
        /// let grads = g.backward(on_graph).unwrap();
        /// assert_eq!(out, on_graph.value());
        #[doc = concat!("assert_eq!(d, ", $grads, ");")]
        /// ```
        #[derive(Clone, Copy, Debug, Default, PartialEq)]
        pub struct $node<T = f64> {
            args: [T; $len],
            out: T,
            aux: T,
        }

        impl<T: Float> $node<T> {
            const OP: Op = Op::$op;

            /// A node that has not run forward yet (its saved values are 0).
            pub const fn new() -> Self {
                $node {
                    args: [T::ZERO; $len],
                    out: T::ZERO,
                    aux: T::ZERO,
                }
            }

            /// The operation this node computes.
            pub const fn op(&self) -> Op {
                Self::OP
            }

            /// Computes the value and saves what `backward` needs.
            pub fn forward(&mut self, $($arg: T),+) -> T {
                self.args = [$($arg),+];
                (self.out, self.aux) = Self::OP.eval(&self.args);
                self.out
            }

            /// The gradient of each argument, given the gradient `dout` of the output, at
            /// the point of the last `forward`.
            pub fn backward(&self, dout: T) -> $ret {
                let $d = Self::OP.grad(&self.args, self.out, self.aux, dout);
                $tuple
            }
        }
    };
    (@list $first:ident $($rest:ident)*) => {
        concat!(stringify!($first) $(, ", ", stringify!($rest))*)
    };
    (@IntPower $node:ident $op:ident $f:literal $c:literal; $x:ident $n:ident; $der:literal) => {
        #[doc = concat!("The node of [`Op::", stringify!($op), "`]: `", $f, "` with the integer \
            exponent `", stringify!($n), "` fixed when the node is made, and not \
            differentiated; `backward(dout)` returns `dout` times `", $der, "`. ", $c, ".")]
        ///
        #[doc = concat!("`forward` and `backward` apply the rules of [`Op::", stringify!($op),
            "`] (see [`rules`](crate::rules)).")]
        ///
        /// ```
        #[doc = concat!("use backprop_core::", stringify!($node), ";")]
        ///
        #[doc = concat!("let mut square = ", stringify!($node), "::new(2);")]
        /// assert_eq!(square.forward(-3.0), 9.0);
        /// assert_eq!(square.backward(1.0), -6.0);
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $node<T = f64> {
            $n: i32,
            $x: T,
            out: T,
        }

        impl<T: Float> $node<T> {
            /// A node raising its input to the power `n`.
            pub const fn new($n: i32) -> Self {
                $node {
                    $n,
                    $x: T::ZERO,
                    out: T::ZERO,
                }
            }

            /// The integer exponent.
            pub const fn exponent(&self) -> i32 {
                self.$n
            }

            /// The operation this node computes.
            pub const fn op(&self) -> Op {
                Op::$op(self.$n)
            }

            /// Computes the value and saves its argument.
            pub fn forward(&mut self, $x: T) -> T {
                self.$x = $x;
                self.out = self.op().eval(&[$x]).0;
                self.out
            }

            /// The gradient of the argument, given the gradient `dout` of the output, at
            /// the point of the last `forward`.
            pub fn backward(&self, dout: T) -> T {
                self.op().grad(&[self.$x], self.out, T::ZERO, dout)[0]
            }
        }
    };
}

for_each_op!(nodes);
