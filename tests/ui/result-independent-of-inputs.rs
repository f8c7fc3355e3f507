use backprop::grad;

fn main() {
    let k = 2.0;
    let _ = grad!(|w| k * 3.0);
}
