#[backprop::differentiable]
fn rnn<const T: usize>(w: f64, xs: [f64; T]) -> f64 {
    let mut h = 0.0;
    for t in 0..T {
        h = (w * h + xs[t]).tanh();
    }
    h
}

#[backprop::differentiable]
fn leaky<const T: usize>(w: f64, xs: [f64; T]) -> f64 {
    // A recurrence over a computed number of steps would need a tape of that length.
    let mut h = 0.0;
    for t in 0..T - 1 {
        h = (w * h + xs[t + 1]).tanh();
    }
    h
}

fn main() {
    let xs = [0.5; 10];
    // `T` would be given by `xs`, which is data, not an array of the body.
    let _ = backprop::grad!(|w: f64| rnn(w, xs));
    let _ = leaky;
}
