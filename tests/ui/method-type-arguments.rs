use backprop::grad;

fn main() {
    let _ = grad!(x.sin::<f64>());
}
