use backprop::grad;

fn main() {
    // `try` is reserved in Rust 2018 and later: as an input it must be written `r#try`.
    let _ = grad!({
        let t = if try != x { x } else { x * x };
        t * x
    });
    let f = grad!(r#try * x);
    let _ = f.grad(1.0, 2.0);
}
