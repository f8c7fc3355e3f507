use backprop::grad;

fn main() {
    let _ = grad!(x.powi());
    let _ = grad!(x.max());
    let _ = grad!(max(x));
    let _ = grad!(x.exp(y));
    let _ = grad!(mul_add(x, y));
    let _ = grad!(sin());
}
