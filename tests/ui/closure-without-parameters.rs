use backprop::grad;

fn main() {
    let k = 2.0;
    let _ = grad!(|| k * 2.0);
}
