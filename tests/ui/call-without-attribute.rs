use backprop::grad;

// A plain function: calling it on an input needs `#[backprop::differentiable]` on it.
fn squash(x: f64) -> f64 {
    x / (1.0 + x.abs())
}

fn main() {
    let _ = grad!(|x: f64| squash(x) * 2.0);
}
