use backprop::grad;

fn main() {
    let _ = grad!(x * p.y);
}
