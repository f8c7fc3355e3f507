use backprop::grad;

fn main() {
    let _ = grad!(if x > 0.0 { x } else { -x });
}
