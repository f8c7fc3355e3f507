use backprop::grad;

fn main() {
    let _ = grad!(|w| match w { _ => w });
}
