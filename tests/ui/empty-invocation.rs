use backprop::grad;

fn main() {
    let _ = grad!();
}
