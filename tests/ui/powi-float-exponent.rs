use backprop::grad;

fn main() {
    let _ = grad!(x.powi(2.5));
    let _ = grad!(powi(x, 2u8));
}
