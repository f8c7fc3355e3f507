#[backprop::differentiable]
fn countdown(x: f64) -> f64 {
    countdown(x * 0.5) + x
}

fn main() {}
