use backprop::grad;

fn main() {
    let xs = [1.0, 2.0];
    let _ = grad!(|w| { let i = 1; w * xs[i] });
    let _ = grad!(|w| { let n = 2; w * (n as f64) });
}
