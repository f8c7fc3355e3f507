use backprop::grad;

fn main() {
    let _ = grad!(|x: [f64; 2], y| { y = 2.0; y * x[0] });
    let _ = grad!(|x: [f64; 2], y| { x[0] += y; x[0] });
}
