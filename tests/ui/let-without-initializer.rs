use backprop::grad;

fn main() {
    let _ = grad!(|w| { let a; w * a });
}
