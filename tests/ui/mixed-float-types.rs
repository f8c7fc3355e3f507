use backprop::grad;

fn main() {
    let _ = grad!(|a: f32, b: f64| a * b);
}
