use backprop::grad;

fn main() {
    let _ = grad!(|(a, b)| a * b);
    let _ = grad!(|mut w| w);
    let _ = grad!(|&w| w);
    let _ = grad!(|self| self);
}
