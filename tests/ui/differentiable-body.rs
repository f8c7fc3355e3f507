// A differentiable function's body gets the same errors as a grad! body.
#[backprop::differentiable]
fn halve(x: f64) -> f64 {
    let mut y = x;
    while y > 1.0 {
        y /= 2.0;
    }
    y.frobnicate()
}

fn main() {}
