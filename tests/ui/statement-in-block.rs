use backprop::grad;

fn main() {
    let _ = grad!(|w| { w * 2.0; w });
    let _ = grad!(|w| { fn helper() {} w });
    let _ = grad!(|w| { println!("{w}"); w });
    let _ = grad!(|w| { let a = w * 2.0; a; });
}
