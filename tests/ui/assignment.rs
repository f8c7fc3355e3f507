use backprop::grad;

fn main() {
    let _ = grad!(x = y);
    let _ = grad!(|w| { let a = w; a = w * 2.0; a });
}
