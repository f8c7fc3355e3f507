use backprop::grad;

fn main() {
    let _ = grad!(|x: [f64; 3], k| x[k]);
    let _ = grad!(|x: [f64; 3]| { let j = x[0]; x[j] });
}
