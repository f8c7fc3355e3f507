use backprop::grad;

fn main() {
    let _ = grad!(x * 1e999);
    let _ = grad!(|w: f32| w * 1e39);
}
