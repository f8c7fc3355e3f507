use backprop::grad;

fn main() {
    let _ = grad!(|x: [f64; 3]| x[3]);
    let _ = grad!(|x: [f64; 3]| { let mut s = 0.0; for i in 0..=3 { s += x[i]; } s });
    let _ = grad!(|w: [[f64; 2]; 3]| w[2][2]);
    let _ = grad!(|x: [f64; 3]| { let mut h = [0.0; 2]; h[2] = x[0]; h[0] });
    // A nest long enough to stay a loop, whose index passes the end on its last
    // iteration: unrolled instead, which reports it there.
    let _ = grad!(|w: [f64; 400]| {
        let mut s = 0.0;
        for i in 0..20 {
            for j in 0..20 {
                s += w[i * 20 + j + 1];
            }
        }
        s
    });
}
