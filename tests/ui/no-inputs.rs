use backprop::grad;

fn main() {
    let _ = grad!(2.0 * std::f64::consts::PI);
}
