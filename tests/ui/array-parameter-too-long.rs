use backprop::grad;

#[backprop::differentiable(grad = huge_grad)]
fn huge(x: [[f64; 100_000]; 100_000]) -> f64 {
    x[0][0]
}

fn main() {
    let _ = grad!(|x: [f64; 2_000_000]| x[0] * 2.0);
}
