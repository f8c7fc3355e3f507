use backprop::grad;

fn main() {
    let _ = grad!(|w, w: i32| { let mut a = w % 2.0; a.tahn() + "one" });
}
