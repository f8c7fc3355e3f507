use backprop::grad;

fn main() {
    let _ = grad!(x * "two");
    let _ = grad!(x * '2');
    let _ = grad!(x * true);
    let _ = grad!(x * b"2");
}
