use backprop::grad;

fn main() {
    let _ = grad!(|w| loop { w });
    let _ = grad!(|w| while w > 0.0 { w });
    let _ = grad!(|w| for i in 0..3 { w });
    let _ = grad!(|x: [f64; 2]| { let mut s = 0.0; for v in x { s += v; } s });
}

fn module_as_a_bound() {
    // `crate` names a module, not a constant.
    let _ = grad!(|x: [f64; 2]| { let mut s = 0.0; for i in 0..crate { s += x[i]; } s });
}
