use backprop::grad;

fn main() {
    let _ = grad!(|w| { return w });
    let _ = grad!(|w| w * break);
}
