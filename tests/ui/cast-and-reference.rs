use backprop::grad;

fn main() {
    let _ = grad!(x as f32 * y);
    let _ = grad!(|w| w as f32);
    let _ = grad!(|w| *w);
    let _ = grad!(|w| &w);
}
