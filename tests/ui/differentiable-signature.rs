#[backprop::differentiable]
fn no_return(x: f64) {
    let _ = x;
}

#[backprop::differentiable]
fn integer(n: i32) -> f64 {
    n as f64
}

#[backprop::differentiable]
fn generic<const N: usize>(x: f64) -> f64 {
    x
}

#[backprop::differentiable]
fn typed<T: Copy>(x: f64, _t: T) -> f64 {
    x
}

#[backprop::differentiable]
fn computed<const N: usize>(x: [f64; N], y: [f64; N + 1]) -> f64 {
    x[0] + y[0]
}

#[backprop::differentiable(gradient = g)]
fn option(x: f64) -> f64 {
    x
}

struct S;

impl S {
    #[backprop::differentiable]
    fn method(&self, x: f64) -> f64 {
        x
    }
}

#[backprop::differentiable]
struct NotAFunction;

fn main() {}
