use backprop::grad;

fn main() {
    let _ = grad!(|w| { return w });
    let _ = grad!(|w| w * break);
    let _ = grad!(|w| { let mut s = w; for _ in 0..2 { continue; } s });
}
