use backprop::grad;

fn main() {
    let _ = grad!(static |w| w);
    let _ = grad!(static move |w| w * w);
    // The rest of the closure is still checked.
    let _ = grad!(static || 1.0);
}
