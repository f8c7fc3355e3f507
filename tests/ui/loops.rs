use backprop::grad;

fn main() {
    let _ = grad!(|w| loop { w });
    let _ = grad!(|w| while w > 0.0 { w });
    let _ = grad!(|w| for i in 0..3 { w });
}
