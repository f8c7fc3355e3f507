use backprop::grad;

fn main() {
    let _ = grad!(|w, b, w| w * b);
}
