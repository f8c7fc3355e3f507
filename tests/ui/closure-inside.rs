use backprop::grad;

fn main() {
    let _ = grad!(|w| (|v| v * 2.0)(w));
}
