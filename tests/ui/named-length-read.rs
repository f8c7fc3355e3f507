use backprop::grad;

const N: usize = 3;

fn main() {
    // The macro does not see N, so it cannot unroll a read of an element or check its
    // index: an array of named length is read in a loop that stays a loop.
    let _ = grad!(|x: [f64; N]| x[0] * x[1]);
    let _ = grad!(|x: [f64; N], w: f64| {
        let mut s = 0.0;
        for i in 0..N {
            s += w * x[i];
        }
        s * x
    });
}
