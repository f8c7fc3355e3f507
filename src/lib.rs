//! Reverse-mode automatic differentiation at compile time.
//!
//! `grad!((x + y) * z)` turns an arithmetic expression into forward and backward functions
//! in which the chain rule is unrolled: straight-line code, with no tape, no allocation and
//! no dynamic dispatch. A runtime computational graph ([`Graph`]) and one teaching node per
//! operation ([`AddNode`], [`MulNode`], …) do the same job at run time, and
//! [`gradcheck`](fn@gradcheck) checks one against the others and against central
//! differences.
//!
//! # Quick start
//!
//! In a clone of the repository:
//!
//! ```sh
//! cargo run --example seed     # the teaching example: the numbers, the chain rule, a picture
//! cargo test --workspace       # every test
//! ```
//!
//! In your code, with `backprop` among your dependencies:
//!
//! ```
//! use backprop::grad;
//!
//! let f = grad!((x + y) * z);
//! let (out, pullback) = f.forward(100.0, 200.0, 4.0);
//! assert_eq!(out, 1200.0);
//! assert_eq!(pullback.backward(1.0), [4.0, 4.0, 300.0]);
//! ```
//!
//! The forward pass gives t = x + y = 300 and out = t·z = 1200; the backward pass, started
//! with d out = 1, gives dx = 4, dy = 4, dz = 300: the `+` node passes its incoming gradient
//! to both sides unchanged, and the `*` node multiplies it by the other side's value.
//! [`grad!`] documents the macro in full: its two forms, what it returns, the operations
//! and their conventions, and its errors.
//!
//! # The same example by hand and on the graph
//!
//! ```
//! use backprop::{AddNode, Graph, MulNode};
//!
//! // One node per operation; backward runs in the reverse order of forward.
//! let mut add = AddNode::new();
//! let mut mul = MulNode::new();
//! let t = add.forward(100.0, 200.0);
//! let out = mul.forward(t, 4.0);
//! let (dt, dz) = mul.backward(1.0);
//! let (dx, dy) = add.backward(dt);
//! assert_eq!((out, dx, dy, dz), (1200.0, 4.0, 4.0, 300.0));
//!
//! // The graph records the operations on handles and sweeps them backward.
//! let g = Graph::new();
//! let (x, y, z) = (g.input("x", 100.0), g.input("y", 200.0), g.input("z", 4.0));
//! let out = (x + y) * z;
//! let grads = g.backward(out).unwrap();
//! assert_eq!([grads[x], grads[y], grads[z]], [4.0, 4.0, 300.0]);
//!
//! // And draws itself, with each node's value and gradient.
//! let svg = g.to_svg(Some(&grads));
//! assert!(svg.contains("grad = 300"));
//! ```
//!
//! # Where things are
//!
//! - [`grad!`]: the macro; [`macro@differentiable`]: functions that `grad!` bodies call,
//!   and custom derivatives.
//! - [`Differentiable`] and [`Pullback`]: the traits through which generic code takes any
//!   `grad!` function (or a [`GraphFn`] closure over the graph).
//! - [`jvp`], [`hvp`], [`hessian`], [`value_grad_hessian`] and [`gradgradcheck`]: forward
//!   mode and second order on [`Dual`] numbers, over any [`HigherOrder`] function (every
//!   `grad!`); [`SecondOrder`] names one that can be differentiated twice.
//! - [`OPS`] and [`ops`]: the table of operations; [`rules`]: each operation's forward and
//!   derivative rule; [`nodes`]: the teaching nodes.
//! - [`Graph`], [`Var`], [`Gradients`]: the runtime graph.
//! - [`numeric`] and [`gradcheck`](mod@gradcheck): central differences and the gradient
//!   check.
//! - [`draw`]: the graph as Graphviz DOT or as SVG.
//!
//! # Features
//!
//! - `second-order` (on by default): [`jvp`], [`hvp`], [`hessian`],
//!   [`value_grad_hessian`] and [`gradgradcheck`]. With it, the passes `grad!` writes are
//!   generic over the scalar, so that they run on [`Dual`] numbers too; without it
//!   (`default-features = false`), they are written in the element type, which builds
//!   faster where no second order is needed. The first-order API is the same either way.
//!
//! The repository's README has a guided tour, the examples, how the macro works, how it
//! compares with other approaches, and its limitations.
#![deny(missing_docs)]

// Lets the generated code's `::backprop::...` paths resolve inside this crate's own tests.
extern crate self as backprop;

pub use backprop_core::*;

#[cfg(feature = "second-order")]
pub mod higher;
#[cfg(feature = "second-order")]
pub use higher::{gradgradcheck, hessian, hvp, jvp, value_grad_hessian, GradGradReport};

/// Reverse-mode differentiation of a scalar expression, at compile time.
///
/// `grad!` reads an arithmetic expression, lowers it to a flat list of operations, plans
/// the reverse sweep over that list, and emits straight-line forward and backward code: no
/// tape, no allocation, no dynamic dispatch.
///
/// ```
/// use backprop::grad;
///
/// let f = grad!((x + y) * z);
/// let (out, pullback) = f.forward(100.0, 200.0, 4.0);
/// assert_eq!(out, 1200.0);
/// assert_eq!(pullback.backward(1.0), [4.0, 4.0, 300.0]);
/// ```
///
/// # Two forms
///
/// **Expression form**, `grad!((x + y) * z)`: every plain identifier is an input, in order
/// of first appearance from left to right, and the element type is `f64`. Paths with `::`
/// (`std::f64::consts::PI`) are constants.
///
/// ```
/// # use backprop::grad;
/// let f = grad!(y * x.sin() + std::f64::consts::PI);
/// assert_eq!(f.inputs(), ["y", "x"]);
/// assert_eq!(f.grad(2.0, 0.0), [0.0, 2.0]);
/// ```
///
/// **Closure form**, `grad!(|w, b| …)`: the parameters are the inputs, in the order
/// written. Every other identifier is a constant, and so is every sub-expression that
/// involves no parameter. A constant in the supported syntax (`2.0 * k`, `sigmoid(k)`) is
/// computed like any operation; anything else that involves no parameter (`xs[i]`,
/// `self.scale`, `data.len() as f64`, a call of your own function on constants) is
/// evaluated once, where `grad!` is written, and captured by value. Constants are never
/// differentiated, so a `grad!` inside a training loop sees the current data point:
///
/// ```
/// # use backprop::grad;
/// let xs = [1.0, 2.0, 3.0];
/// let ys = [3.0, 5.0, 7.0];
/// let (w, b) = (1.0, 0.0);
/// let mut gradient = [0.0; 2];
/// for i in 0..3 {
///     let f = grad!(|w, b| (w * xs[i] + b - ys[i]).powi(2));
///     let [gw, gb] = f.grad(w, b);
///     gradient[0] += gw;
///     gradient[1] += gb;
/// }
/// // d/dw Σ (w x + b − y)² = Σ 2 (w x + b − y) x, and likewise for b.
/// assert_eq!(gradient, [-40.0, -18.0]);
/// ```
///
/// The body is an expression, or a block of `let` bindings (shadowing allowed) ending in
/// an expression; a captured constant cannot refer to a `let` of the body. Parameter
/// types, where given, are `f32` or `f64`; the first annotation sets the element type of
/// all inputs, and unannotated inputs default to `f64`.
///
/// ```
/// # use backprop::grad;
/// let f = grad!(|x: f32, y| {
///     let r = x.hypot(y);
///     r * r.ln()
/// });
/// let (value, [dx, dy]): (f32, [f32; 2]) = f.value_and_grad(3.0, 4.0);
/// assert_eq!(value, 5.0 * 5.0_f32.ln());
/// // d/dx r ln r = (ln r + 1) x / r.
/// assert!((dx - (5.0_f32.ln() + 1.0) * 0.6).abs() < 1e-6);
/// assert!((dy - (5.0_f32.ln() + 1.0) * 0.8).abs() < 1e-6);
/// ```
///
/// # What it returns
///
/// A value `f` of a generated type. For N inputs of element type T:
///
/// | call | returns | meaning |
/// |---|---|---|
/// | `f.value(x, y, z)` | `T` | the value, nothing saved |
/// | `f.forward(x, y, z)` | `(T, P)` | the value and a pullback P holding the saved intermediates |
/// | `p.backward(dout)` | `[T; N]` | vector–Jacobian product: each input's gradient times `dout` |
/// | `f.value_and_grad(x, y, z)` | `(T, [T; N])` | forward, then backward(1) |
/// | `f.grad(x, y, z)` | `[T; N]` | the gradient alone |
/// | `f.inputs()` | `[&'static str; N]` | the input names, in argument order |
/// | `f.derivation()` | `&'static str` | the unrolled forward and backward steps, as text |
/// | `f.trace(x, y, z)` | [`Trace<T>`](crate::Trace) | one forward and backward pass at that point, each step of the derivation with its numbers, the first non-finite step marked |
///
/// `f.value(..)` returns bit for bit the value that `forward` and `value_and_grad`
/// return. The pullback is `Copy` and its `backward` takes `&self`, so one forward pass can
/// be pulled back with several `dout`s. `f` is `Copy`, `Send` and `Sync`.
///
/// ```
/// # use backprop::grad;
/// let f = grad!(x * x * x);
/// let (value, pullback) = f.forward(2.0);
/// assert_eq!(value, f.value(2.0));
/// assert_eq!(pullback.backward(1.0), [12.0]);
/// assert_eq!(pullback.backward(0.5), [6.0]);
/// assert_eq!(
///     f.derivation(),
///     "forward\n  t0 = x * x\n  out = t0 * x\n\
///      backward\n  d_t0 = dout * x\n  d_x = dout * t0\n  d_x += d_t0 * x\n  d_x += d_t0 * x\n"
/// );
/// // The same steps with the numbers of one pass, which is value_and_grad's own.
/// let trace = f.trace(2.0);
/// assert!(trace.to_string().contains("  d_x += d_t0 * x = 2 * 2 = 4, so d_x = 8\n"));
/// assert_eq!(trace.gradient(), f.grad(2.0));
/// ```
///
/// `f` also implements [`Differentiable<T, N>`](Differentiable), with the same methods
/// taking the inputs as one array, and [`Differentiable::record`], which replays its
/// operations onto a runtime [`Graph`]. Generic code takes any `grad!` function through
/// it: [`gradcheck`](fn@gradcheck) compares the generated gradient with the graph's and
/// with central differences.
///
/// ```
/// use backprop::{grad, gradcheck, Differentiable, Graph};
///
/// let f = grad!(|a, b| (a * b).sin() + a.exp() / b);
/// gradcheck(&f, [0.5, 2.0]).assert_passed();
///
/// let g = Graph::new();
/// let out = f.record(&g, [g.input("a", 0.5), g.input("b", 2.0)]);
/// assert_eq!(out.value(), f.value(0.5, 2.0));
/// ```
///
/// # Operations
///
/// Each operation is written in method form or function form (`x.exp()` or `exp(x)`,
/// `x.max(y)` or `max(x, y)`), with `f64`'s method names; the function form takes the
/// receiver first: `atan2(y, x)`, `log(x, base)`, `powf(x, e)`, `powi(x, n)`,
/// `mul_add(a, b, c)`. The operators are `+ - * /` and unary `-`, with parentheses; an
/// integer literal is taken as T, so `2 * x` works. In the table, `out` is the operation's
/// value, `[a > b]` is 1 where the condition holds and 0 elsewhere, and the local
/// derivative is what the backward step multiplies the incoming gradient by.
///
#[doc = include_str!("../docs/operations.md")]
///
/// # Conventions
///
/// At non-differentiable or singular points the derivative follows PyTorch's rule: the
/// gradient where it exists; else the minimum-norm subgradient; else the limit, which may
/// be infinite. So relu'(0) = 0, abs'(0) = 0, a tie in `max` or `min` splits the gradient
/// 0.5 / 0.5, and sqrt'(0) = +inf, as the table lists. Outside an operation's domain the
/// result is NaN, never a panic. `sigmoid` and `softplus` are computed in forms that do
/// not overflow for large |x| and whose gradients keep their relative accuracy in the
/// tails.
///
/// ```
/// # use backprop::grad;
/// assert_eq!(grad!(relu(x)).grad(0.0), [0.0]);
/// assert_eq!(grad!(a.max(b)).grad(1.0, 1.0), [0.5, 0.5]);
/// assert_eq!(grad!(x.sqrt()).grad(0.0), [f64::INFINITY]);
/// assert!(grad!(x.ln()).value(-1.0).is_nan());
/// // sigmoid'(-800) ≈ e^-800 ≈ 3.6e-348 underflows, but sigmoid'(-700) does not vanish.
/// assert!(grad!(sigmoid(x)).grad(-700.0)[0] > 0.0);
/// ```
///
/// # The language of a body
///
/// A closure body may hold, besides one expression, what a loss is written with in plain
/// Rust, and computes the same value bit for bit:
///
/// - **array parameters** of any depth with literal lengths (`|x: [f64; 10]|`,
///   `|w: [[f64; 2]; 3], b: [f64; 3], c: f64|`), read by index with integers known at
///   expansion (`x[i + 1]`); the gradient is shaped like the parameters, a tuple for
///   several, and the [`Differentiable`] view is flat (`inputs()` names `x[0]`,
///   `w[1][2]`);
/// - **`let mut`** locals and local arrays (`let mut h = [0.0; 3];`), with assignment and
///   `+= -= *= /=`; each assignment is a new value of the SSA list;
/// - **`for` loops** over `a..b`, `a..=b`, `.rev()`, `.step_by(k)`, nested, with bounds
///   known at expansion (literals, loop variables, `x.len()`), unrolled; the loop variable
///   is a `usize` (`i as f64` to compute with it, `i as i32` for `powi`). A loop that
///   ends by updating one local, `for i in a..b { let t = ..; s += e; }`, with the loop
///   variable only in indices `x[i ± c]` (or `x[i + k]` with `k` of a short inner loop)
///   and as `i as f64`, stays a loop instead from 300 iterations on: a sum (`s += e`,
///   `s -= e`), computed in one pass with no tape, or a recurrence (`s = e`, `s *= e`,
///   `s /= e`, `e` reading `s`), with a tape of fixed size. So does such a loop over
///   bounds that are named constants (`0..N - 1`), at any length, and so does a nest of
///   loops whose innermost body is a sum or a recurrence
///   (`for i in 0..N { for j in i + 1..N { s += e; }
///   }`, indices such as `w[i * M + j]` checked at run time), and so does an inner sum in
///   such a body (`let mut t = 0.0; for j in 0..M { t += w[i * M + j] * x[j]; }` with
///   more work after it, least squares), and so does a loop that updates several locals
///   (`v += dt * a; x += dt * v;`), one call of it that gives each local's value. Only such
///   loops read an
///   array parameter of named length, `[f64; N]` (the README's "Loops that stay loops");
/// - **`if` / `else if` / `else`**, as a value or as a statement, comparing with
///   `< <= > >= == !=` and combining with `&& || !`. A condition on loop variables is
///   decided at expansion; one on inputs at run time, on every call: the value and the
///   gradient are those of the arm taken (PyTorch's rule for piecewise functions), the
///   arm not taken computes nothing, so it cannot leak a NaN, and `backward` follows the
///   arm its forward pass took.
///
/// ```
/// # use backprop::grad;
/// let huber = grad!(|r: [f64; 3]| {
///     let mut loss = 0.0;
///     for i in 0..r.len() {
///         if r[i].abs() <= 1.0 {
///             loss += 0.5 * r[i] * r[i];
///         } else {
///             loss += r[i].abs() - 0.5;
///         }
///     }
///     loss
/// });
/// let (value, gradient) = huber.value_and_grad([0.5, -2.0, 3.0]);
/// assert_eq!(value, 0.125 + 1.5 + 2.5);
/// assert_eq!(gradient, [0.5, -1.0, 1.0]);
/// // Nothing of the arm not taken reaches the gradient: ln(-1) is never computed.
/// assert_eq!(grad!(|x| if x > 0.0 { x.ln() } else { 0.0 }).grad(-1.0), [0.0]);
/// ```
///
/// # Errors
///
/// Anything outside the supported language is a compile error spanned on the offending
/// token, saying what is supported: other operators (`%`, bitwise, a comparison used as
/// a value), unknown methods or functions of an input (with the nearest supported
/// names, as ``did you mean `tanh`?``), wrong argument counts, `while`, `loop`, `match`,
/// `return`, `break` and `continue`, an index out of bounds, an index or loop bound that
/// depends on an input, an assignment to a parameter, an expression with no inputs,
/// repeated or badly typed parameters. For example, `^` is XOR in Rust, not a power:
///
/// ```compile_fail
/// # use backprop::grad;
/// // error: `^` is bitwise XOR in Rust, not a power: write `x.powi(2)` for an integer
/// //        power or `x.powf(e)` for a real one
/// let f = grad!((x + y) ^ 2);
/// ```
///
/// and a loop runs over indices known at expansion:
///
/// ```compile_fail
/// # use backprop::grad;
/// // error: a loop bound must be an integer known at expansion, not a value of the input
/// //        `n`: an integer literal, a loop variable, `x.len()` of an array, or `+ - * / %`
/// //        of those
/// let f = grad!(|x, n| { let mut s = 0.0; for _ in 0..n { s += x; } s });
/// ```
///
/// # Limitations
///
/// One scalar output; only the operations above and [`macro@differentiable`] functions
/// may be applied to inputs; second order through [`hessian`] and [`hvp`], not nested
/// `grad!`s; `f32` or `f64`, written as such. Loops other than long sums are unrolled,
/// up to 100,000 iterations in one `grad!`; array lengths are literals, at most
/// 1,000,000 scalars a parameter. A captured constant must
/// have the element type (convert an integer with `as f64`), except the `i32` exponent of
/// `powi`. The generated code reaches this crate as `::backprop`, so a dependency renamed
/// in `Cargo.toml` needs `extern crate renamed as backprop;` at the crate root.
#[doc(inline)]
pub use backprop_macro::grad;

/// Makes a free function callable, and differentiable through, from [`grad!`] and from
/// other differentiable functions.
///
/// The function stays an ordinary Rust function with the same value; its body is a
/// `grad!` body that also compiles as plain Rust (so operations that are not methods of
/// `f64` are called from [`rules`], in function form). A caller's forward pass calls the
/// function's generated forward pass and keeps its pullback; its backward pass pulls that
/// back. Nothing is inlined: the function is generated once, however often it is called.
///
/// ```
/// use backprop::{differentiable, grad};
///
/// #[differentiable]
/// fn sq_dist(a: [f64; 2], b: [f64; 2]) -> f64 {
///     (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
/// }
///
/// let f = grad!(|p: [f64; 2]| sq_dist(p, [1.0, 1.0]));
/// assert_eq!(f.value([4.0, 5.0]), 25.0);
/// assert_eq!(f.grad([4.0, 5.0]), [6.0, 8.0]);
/// ```
///
/// # Const generic lengths
///
/// The function may be generic over the lengths of its arrays: each const parameter is
/// the length of an array parameter, and the arguments of a call give it. Its loops over
/// `0..N` stay loops.
///
/// ```
/// use backprop::{differentiable, grad};
///
/// #[differentiable]
/// fn sum_sq<const N: usize>(x: [f64; N]) -> f64 {
///     let mut s = 0.0;
///     for i in 0..N {
///         s += x[i] * x[i];
///     }
///     s
/// }
///
/// let f = grad!(|x: [f64; 3], y: [f64; 2]| sum_sq(x) + sum_sq(y));
/// assert_eq!(f.grad([1.0, 2.0, 3.0], [4.0, 5.0]), ([2.0, 4.0, 6.0], [8.0, 10.0]));
/// ```
///
/// # Custom derivatives
///
/// With `grad = path`, the body is any Rust and is not parsed, and `path` gives the
/// derivative: it takes the parameters, then the output, then `dout`, and returns the
/// gradient shaped as for a `grad!` with the same parameters. Its type is checked on the
/// path.
///
/// ```
/// use backprop::{differentiable, grad};
///
/// #[differentiable(grad = hypot_grad)]
/// fn careful_hypot(x: f64, y: f64) -> f64 {
///     x.hypot(y)
/// }
///
/// fn hypot_grad(x: f64, y: f64, out: f64, dout: f64) -> [f64; 2] {
///     [dout * x / out, dout * y / out]
/// }
///
/// let f = grad!(|x: f64, y: f64| careful_hypot(x, y) * 2.0);
/// assert_eq!(f.grad(3.0, 4.0), [1.2, 1.6]);
/// ```
///
/// A call, on an input, of a function without the attribute is a compile error on the
/// function's name:
///
/// ```compile_fail
/// fn squash(x: f64) -> f64 {
///     x / (1.0 + x.abs())
/// }
/// // error[E0573]: expected type, found function `squash`
/// let f = backprop::grad!(|x: f64| squash(x));
/// ```
///
/// Recursion, direct or through other functions, is a compile error. The README's
/// section on functions has the whole story.
#[doc(inline)]
pub use backprop_macro::differentiable;

/// Items the code generated by `grad!` reaches; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use backprop_core::Trace;
    pub use backprop_core::Var;
    pub use backprop_core::{
        rules, Both, Callee, ConstantArg, Differentiable, Float, Graph, HigherOrder, Lift, No, Op,
        Param, Promote, Pullback, Resolve, Scalar, Yes,
    };
}

// The README's Rust code blocks, compiled and run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
