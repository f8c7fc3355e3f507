use backprop::grad;

fn main() {
    let _ = grad!(|x| if x { x } else { -x });
    let _ = grad!(|x| if let Some(y) = Some(x) { y } else { x });
    let _ = grad!(|x| { let mut s = x; for i in 0..2 { if i { s += x; } } s });
    let _ = grad!(|x| x * (x > 0.0));
}
