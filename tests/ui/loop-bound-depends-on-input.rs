use backprop::grad;

fn main() {
    let _ = grad!(|x, n| { let mut s = 0.0; for _ in 0..n { s += x; } s });
}
