// Recursion through another function: each pullback would contain the other, so the
// compiler reports the cycle.
#[backprop::differentiable]
fn ping(x: f64) -> f64 {
    pong(x * 0.5) + x
}

#[backprop::differentiable]
fn pong(x: f64) -> f64 {
    ping(x * 0.5) - x
}

fn main() {}
