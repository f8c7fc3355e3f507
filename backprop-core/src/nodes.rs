//! The teaching-code nodes: one small struct per operation, with `forward` and `backward`.
//!
//! A node is the chain rule for one operation, run by hand. `forward` computes the value
//! and saves what the derivative needs; `backward` takes the gradient arriving from above
//! (`dout`) and returns the gradient of each argument. Wiring nodes together, and calling
//! `backward` in the reverse order of `forward`, is backpropagation done by hand; the
//! [`Graph`](crate::Graph) does the same bookkeeping automatically.
//!
//! There is a node for every operation of the table [`OPS`](crate::OPS). The arithmetic is
//! not written here: each node calls [`Op::eval`] and [`Op::grad`], so a node gives exactly
//! the numbers the graph and the generated code give, conventions at singular points
//! included. `backward` returns one `T` for a unary operation, `(T, T)` for a binary one
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

use crate::{Float, Op};

// Input: `AddNode = Add(x, y);` and its doc lines.
// Output: `struct AddNode<T = f64> { args: [T; 2], out: T, aux: T }` with `new`, `forward`
// saving the arguments, the value and the operation's auxiliary value, and `backward`
// returning one gradient per argument.
macro_rules! nodes {
    ($(
        $(#[$doc:meta])*
        $node:ident = $op:ident($($arg:ident),+);
    )*) => {$(
        nodes!(@shape [$(#[$doc])*] $node $op; $($arg)+);
    )*};
    // The array length and return type are written here, once per arity, because a
    // derive cannot see through a macro call in a field's type.
    // Each arm also picks the argument values and the gradient expression of the example
    // every node gets.
    (@shape $docs:tt $node:ident $op:ident; $x:ident) => {
        nodes!(@node $docs $node $op; 1; $x; T; d => d[0]; "0.5",
            concat!("g.input(\"", stringify!($x), "\", 0.5)"); "grads[args[0]]");
    };
    (@shape $docs:tt $node:ident $op:ident; $x:ident $y:ident) => {
        nodes!(@node $docs $node $op; 2; $x $y; (T, T); d => (d[0], d[1]); "0.5, 0.25",
            concat!("g.input(\"", stringify!($x), "\", 0.5), g.input(\"", stringify!($y),
                "\", 0.25)");
            "(grads[args[0]], grads[args[1]])");
    };
    (@shape $docs:tt $node:ident $op:ident; $a:ident $b:ident $c:ident) => {
        nodes!(@node $docs $node $op; 3; $a $b $c; (T, T, T); d => (d[0], d[1], d[2]);
            "0.5, 0.25, 2.0",
            concat!("g.input(\"", stringify!($a), "\", 0.5), g.input(\"", stringify!($b),
                "\", 0.25), g.input(\"", stringify!($c), "\", 2.0)");
            "(grads[args[0]], grads[args[1]], grads[args[2]])");
    };
    (@node [$(#[$doc:meta])*] $node:ident $op:ident; $n:literal; $($arg:ident)+; $ret:ty;
        $d:ident => $tuple:expr; $values:literal, $inputs:expr; $grads:literal) => {
        $(#[$doc])*
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
            args: [T; $n],
            out: T,
            aux: T,
        }

        impl<T: Float> $node<T> {
            const OP: Op = Op::$op;

            /// A node that has not run forward yet (its saved values are 0).
            pub const fn new() -> Self {
                $node {
                    args: [T::ZERO; $n],
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
}

nodes! {
    /// The `+` node: `forward(x, y)` = x + y; `backward(dout)` passes `dout` to both
    /// sides unchanged, `(dout, dout)`.
    ///
    /// ```
    /// use backprop_core::AddNode;
    ///
    /// let mut add = AddNode::new();
    /// assert_eq!(add.forward(100.0, 200.0), 300.0);
    /// assert_eq!(add.backward(4.0), (4.0, 4.0));
    /// ```
    AddNode = Add(x, y);
    /// The `*` node: `forward(x, y)` = x·y, saving x and y; `backward(dout)` multiplies
    /// `dout` by the other side's saved value, `(dout·y, dout·x)`.
    ///
    /// ```
    /// use backprop_core::MulNode;
    ///
    /// let mut mul = MulNode::new();
    /// assert_eq!(mul.forward(300.0, 4.0), 1200.0);
    /// assert_eq!(mul.backward(1.0), (4.0, 300.0));
    /// ```
    MulNode = Mul(x, y);
    /// The `-` node: x − y; backward `(dout, −dout)`.
    SubNode = Sub(x, y);
    /// The `/` node: x / y; backward `(dout/y, −dout·x/y²)`.
    DivNode = Div(x, y);
    /// Unary minus: −x; backward `−dout`.
    NegNode = Neg(x);
    /// `x.powf(e)`; backward `(dout·e·x^(e−1), dout·x^e·ln x)`.
    PowfNode = Powf(x, e);
    /// `x.sqrt()`; backward `dout / (2√x)`, +inf at 0.
    SqrtNode = Sqrt(x);
    /// `x.cbrt()`; backward `dout / (3·∛x²)`, +inf at 0.
    CbrtNode = Cbrt(x);
    /// `x.exp()`; backward `dout·eˣ`.
    ExpNode = Exp(x);
    /// `x.exp2()`; backward `dout·2ˣ·ln 2`.
    Exp2Node = Exp2(x);
    /// `x.exp_m1()` = eˣ − 1; backward `dout·eˣ`.
    ExpM1Node = ExpM1(x);
    /// `x.ln()`; backward `dout / x`.
    LnNode = Ln(x);
    /// `x.ln_1p()` = ln(1 + x); backward `dout / (1 + x)`.
    Ln1pNode = Ln1p(x);
    /// `x.log2()`; backward `dout / (x·ln 2)`.
    Log2Node = Log2(x);
    /// `x.log10()`; backward `dout / (x·ln 10)`.
    Log10Node = Log10(x);
    /// `x.log(base)`; backward `(dout / (x·ln b), −dout·ln x / (b·ln² b))`.
    LogNode = Log(x, base);
    /// `x.recip()` = 1/x; backward `−dout / x²`.
    RecipNode = Recip(x);
    /// `x.sin()`; backward `dout·cos x`.
    SinNode = Sin(x);
    /// `x.cos()`; backward `−dout·sin x`.
    CosNode = Cos(x);
    /// `x.tan()`; backward `dout·(1 + tan² x)`.
    TanNode = Tan(x);
    /// `x.asin()`; backward `dout / √(1 − x²)`.
    AsinNode = Asin(x);
    /// `x.acos()`; backward `−dout / √(1 − x²)`.
    AcosNode = Acos(x);
    /// `x.atan()`; backward `dout / (1 + x²)`.
    AtanNode = Atan(x);
    /// `y.atan2(x)`, the receiver first; backward `(dout·x, −dout·y) / (x² + y²)`,
    /// (0, 0) at the origin.
    Atan2Node = Atan2(y, x);
    /// `x.sinh()`; backward `dout·cosh x`.
    SinhNode = Sinh(x);
    /// `x.cosh()`; backward `dout·sinh x`.
    CoshNode = Cosh(x);
    /// `x.tanh()`; backward `dout·(1 − tanh² x)`.
    TanhNode = Tanh(x);
    /// `x.abs()`; backward `dout·sign x`, 0 at 0.
    AbsNode = Abs(x);
    /// `x.max(y)`; backward sends `dout` to the larger side, half to each on a tie.
    MaxNode = Max(x, y);
    /// `x.min(y)`; backward sends `dout` to the smaller side, half to each on a tie.
    MinNode = Min(x, y);
    /// `x.hypot(y)` = √(x² + y²); backward `dout·(x, y) / out`, (0, 0) at the origin.
    HypotNode = Hypot(x, y);
    /// `a.mul_add(b, c)` = a·b + c; backward `(dout·b, dout·a, dout)`.
    MulAddNode = MulAdd(a, b, c);
    /// The logistic function 1/(1 + e⁻ˣ), computed stably; backward `dout·σ(x)·(1 − σ(x))`
    /// in a form that keeps its accuracy in the tails.
    SigmoidNode = Sigmoid(x);
    /// The rectifier max(x, 0); backward `dout` for x > 0, else 0.
    ReluNode = Relu(x);
    /// softplus(x) = ln(1 + eˣ), computed stably; backward `dout·σ(x)`.
    SoftplusNode = Softplus(x);
}

/// `x.powi(n)` with the integer exponent `n` fixed when the node is made; backward
/// `dout·n·xⁿ⁻¹` (0 everywhere for n = 0). The exponent is not differentiated.
///
/// `forward` and `backward` apply the rules of [`Op::Powi`] (see
/// [`rules`](crate::rules)).
///
/// ```
/// use backprop_core::PowiNode;
///
/// let mut square = PowiNode::new(2);
/// assert_eq!(square.forward(-3.0), 9.0);
/// assert_eq!(square.backward(1.0), -6.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowiNode<T = f64> {
    n: i32,
    x: T,
    out: T,
}

impl<T: Float> PowiNode<T> {
    /// A node raising its input to the power `n`.
    pub const fn new(n: i32) -> Self {
        PowiNode {
            n,
            x: T::ZERO,
            out: T::ZERO,
        }
    }

    /// The integer exponent.
    pub const fn exponent(&self) -> i32 {
        self.n
    }

    /// The operation this node computes, `Op::Powi(n)`.
    pub const fn op(&self) -> Op {
        Op::Powi(self.n)
    }

    /// Computes xⁿ and saves x.
    pub fn forward(&mut self, x: T) -> T {
        self.x = x;
        self.out = self.op().eval(&[x]).0;
        self.out
    }

    /// The gradient of x, given the gradient `dout` of the output, at the point of the
    /// last `forward`.
    pub fn backward(&self, dout: T) -> T {
        self.op().grad(&[self.x], self.out, T::ZERO, dout)[0]
    }
}
