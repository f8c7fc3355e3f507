use backprop::grad;

const N: usize = 3;

fn main() {
    // Over named constants a loop is never unrolled, and this body updates two locals.
    let _ = grad!(|x: [f64; 3]| {
        let mut p = 1.0;
        let mut s = 0.0;
        for i in 0..N {
            p *= x[i];
            s += x[i];
        }
        p + s
    });
}

fn body_errors() {
    // The body's own mistakes are reported as in any body.
    let _ = grad!(|x: [f64; 3]| {
        let mut s = 0.0;
        for i in 0..N {
            s += x[i].tahn();
        }
        s
    });
}
