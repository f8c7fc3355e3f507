//! The expansion of `grad!` reaches everything by absolute paths, so it works whatever
//! the user's scope holds. This file shadows the prelude, the standard crates' names,
//! primitive types, derive macros and common function names, in the manner of
//! proc-macro-workshop's tests, then uses `grad!` in both forms and calls every generated
//! method. If any path in the expansion were relative, it would resolve to one of these
//! items and the file would not compile.
#![allow(dead_code, non_camel_case_types, unused_macros)]

use backprop::grad;

// The prelude's types, traits and constructors.
struct Option;
struct Some;
struct None;
struct Result;
struct Ok;
struct Err;
struct Vec;
struct String;
struct Box;
trait Copy {}
trait Clone {}
trait Default {}
trait Debug {}
trait Send {}
trait Sync {}
trait Sized {}
trait Fn {}
trait Into {}
trait Iterator {}
// Names a derive or a path might use without a leading `::`.
mod core {}
mod std {}
mod alloc {}
mod __private {}
mod rules {}
// Primitive types: a relative `f64` in the expansion would name this struct.
struct f64;
struct f32;
struct i32;
struct usize;
struct str;
// Derive macros and other macros in the macro namespace.
macro_rules! Clone {
    () => {};
}
macro_rules! Copy {
    () => {};
}
macro_rules! Debug {
    () => {};
}
macro_rules! compile_error {
    () => {};
}
// The runtime's names and the operations' names.
struct Graph;
struct Var;
struct Op;
trait Differentiable {}
trait Pullback {}
fn sin() {}
fn exp() {}
fn max() {}
fn sqrt() {}
fn powi() {}
fn sigmoid() {}
fn sigmoid_fwd() {}
fn value() {}
fn forward() {}
fn backward() {}

/// The primitive, for this file's own code; `f64` here is the struct above.
type F64 = ::core::primitive::f64;

/// Calls every method of the generated value, inherent and through the traits.
macro_rules! exercise {
    ($f:expr, $n:literal, [$($x:expr),*]) => {{
        let f = $f;
        let value = f.value($($x),*);
        let (forward_value, pullback) = f.forward($($x),*);
        assert_eq!(value.to_bits(), forward_value.to_bits());
        let gradient = pullback.backward(1.0);
        let (both_value, both_gradient) = f.value_and_grad($($x),*);
        assert_eq!(both_value.to_bits(), value.to_bits());
        assert_eq!(both_gradient, gradient);
        assert_eq!(f.grad($($x),*), gradient);
        assert_eq!(f.inputs().len(), $n);
        assert!(f.derivation().starts_with("forward"));
        let via_trait = generic(&f, [$($x),*]);
        assert_eq!(via_trait, gradient);
        gradient
    }};
}

/// Uses the value through the core crate's traits only, as generic code does.
fn generic<T, const N: ::core::primitive::usize>(f: &T, x: [F64; N]) -> [F64; N]
where
    T: backprop::Differentiable<F64, N>,
{
    use backprop::Pullback as _;
    let value = f.value(x);
    let (forward_value, pullback) = f.forward(x);
    assert_eq!(value.to_bits(), forward_value.to_bits());
    assert_eq!(f.inputs().len(), N);
    let graph = backprop::Graph::new();
    let inputs = ::std::array::from_fn(|i| graph.input(f.inputs()[i], x[i]));
    let out = f.record(&graph, inputs);
    assert_eq!(out.value().to_bits(), value.to_bits());
    let gradients = graph.backward(out).unwrap();
    let recorded: [F64; N] = ::std::array::from_fn(|i| gradients[inputs[i]]);
    let gradient = pullback.backward(1.0);
    assert_eq!(f.grad(x), gradient);
    assert_eq!(f.value_and_grad(x).1, gradient);
    for i in 0..N {
        let (a, b) = (recorded[i], gradient[i]);
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0));
    }
    gradient
}

#[test]
fn expression_form_in_a_shadowed_scope() {
    let gradient = exercise!(grad!((x + y) * z), 3, [100.0, 200.0, 4.0]);
    assert_eq!(gradient, [4.0, 4.0, 300.0]);
}

#[test]
fn every_kind_of_operation_in_a_shadowed_scope() {
    let f = grad!(x.sin() + exp(y) + max(x, y) + sqrt(y) + x.powi(3) + sigmoid(y) - x / y);
    exercise!(f, 2, [0.5, 2.0]);
}

#[test]
fn closure_form_with_captures_in_a_shadowed_scope() {
    let k = 3.0;
    let n = 2;
    let xs = [1.0, 2.0];
    let f = grad!(|w, b: ::core::primitive::f64| {
        let a = w * k + b;
        a.powi(n) * xs[1]
    });
    let gradient = exercise!(f, 2, [1.0, 0.5]);
    // d/dw of 2(3w + b)² is 12(3w + b) = 42; d/db is 4(3w + b) = 14.
    assert_eq!(gradient, [42.0, 14.0]);
}

#[test]
fn single_precision_in_a_shadowed_scope() {
    // `f32` names the element type to grad!, whatever the scope calls `f32`.
    let f = grad!(|w: f32| w * w + softplus(w));
    let (value, gradient) = f.value_and_grad(2.0);
    assert!(value > 4.0);
    assert!(gradient[0] > 4.0);
    assert_eq!(f.inputs(), ["w"]);
}
