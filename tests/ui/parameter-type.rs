use backprop::grad;

fn main() {
    let _ = grad!(|w: i32| w * 2.0);
    let _ = grad!(|w: &f64| w * 2.0);
}
