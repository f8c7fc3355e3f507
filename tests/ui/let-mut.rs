use backprop::grad;

fn main() {
    let _ = grad!(|w| { let mut a = w * 2.0; a });
}
