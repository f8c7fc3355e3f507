use backprop::grad;

fn main() {
    let _ = grad!(|w| { let (a, b) = (w, w); a * b });
}
