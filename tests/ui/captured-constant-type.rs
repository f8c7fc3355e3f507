use backprop::grad;

fn main() {
    let n: i32 = 2;
    let e = 2.0;
    let _ = grad!(|w| w * n);
    let _ = grad!(|w| w.powi(e));
    let _ = grad!(|w| w * undefined);
}
