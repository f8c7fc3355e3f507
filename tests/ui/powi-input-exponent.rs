use backprop::grad;

fn main() {
    let _ = grad!(x.powi(y));
    let _ = grad!(|x, n| x.powi(n));
}
