use backprop::grad;

fn main() {
    let _ = grad!(x * xs[0]);
}
