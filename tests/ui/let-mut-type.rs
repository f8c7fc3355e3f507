use backprop::grad;

fn main() {
    let _ = grad!(|w| { let mut n: usize = 0; w });
    let _ = grad!(|w| { let mut v: Vec<f64> = Vec::new(); w });
    let _ = grad!(|w| { let mut h: [f64; 2] = [w; 3]; h[0] });
}
