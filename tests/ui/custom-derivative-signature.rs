// The derivative takes the parameters, the output and dout, and returns the gradient
// shaped as for a grad! with the same parameters: here `[f64; 2]`.
#[backprop::differentiable(grad = area_grad)]
fn area(w: f64, h: f64) -> f64 {
    w * h
}

fn area_grad(w: f64, h: f64, dout: f64) -> [f64; 2] {
    [dout * h, dout * w]
}

fn main() {}
