use backprop::grad;

fn main() {
    let _ = grad!(|w| { let a: f32 = w; a });
    let _ = grad!(|w| { let Some(a) = Some(w) else { return }; a });
}
