use backprop::grad;

const N: u32 = 3;

fn main() {
    // A cast is not an integer expression of named constants: the length must be a
    // literal, or `N`, `2 * N`, `N + 1` of a `usize` constant.
    let _ = grad!(|x: [f64; N as usize]| x[0]);
    // Only a one-dimensional array may have a named length.
    const M: usize = 2;
    let _ = grad!(|w: [[f64; M]; 3]| w[0][0]);
}
