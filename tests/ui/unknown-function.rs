use backprop::grad;

fn main() {
    let _ = grad!(sigmod(x) + lg(y));
    let _ = grad!(|w| frobnicate(w));
    let _ = grad!(add(x, y));
}
