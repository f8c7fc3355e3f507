use backprop::grad;

fn main() {
    let _ = grad!(x.tahn() * y.sqr());
    let _ = grad!(x.frobnicate());
}
