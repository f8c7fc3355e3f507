// A custom derivative gives first derivatives only: hvp, hessian and gradgradcheck refuse
// it at compile time, naming the function; jvp and gradcheck go through it.
#[backprop::differentiable(grad = cube_grad)]
fn cube(x: f64) -> f64 {
    x * x * x
}

fn cube_grad(x: f64, _out: f64, dout: f64) -> [f64; 1] {
    [dout * 3.0 * x * x]
}

fn main() {
    let f = backprop::grad!(|x: f64| cube(x) * x);
    let _ = backprop::jvp(&f, [2.0], [1.0]);
    let _ = backprop::hessian(&f, [2.0]);
}
