use backprop::grad;

fn main() {
    let _ = grad!(|w| { let a = if 1 > 0 { w }; a });
}
