use backprop::grad;

fn main() {
    let _ = grad!(x.powi(3000000000));
}
