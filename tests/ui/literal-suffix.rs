use backprop::grad;

fn main() {
    let _ = grad!(x * 2.0f32);
    let _ = grad!(|w: f32| w * 2u8);
}
