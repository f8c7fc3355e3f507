use backprop::grad;

const N: usize = 3;

fn main() {
    let _ = grad!(|x: [f64; N]| x[0]);
}
