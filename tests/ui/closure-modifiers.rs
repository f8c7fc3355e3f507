use backprop::grad;

fn main() {
    let _ = grad!(async |w| w);
    let _ = grad!(const |w| w);
    let _ = grad!(#[inline] |w| w);
    let _ = grad!(|w| -> i32 { w });
}
