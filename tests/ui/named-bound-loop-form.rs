use backprop::grad;

const N: usize = 3;

fn main() {
    // Over named constants a loop is never unrolled, and this body writes an element of
    // an array of the enclosing body.
    let _ = grad!(|x: [f64; 3]| {
        let mut h = [0.0; 3];
        let mut s = 0.0;
        for i in 0..N {
            h[i] = x[i] * 2.0;
            s += h[i];
        }
        s + h[0]
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

#[backprop::differentiable]
fn nested_recurrence<const K: usize>(x: [f64; K]) -> f64 {
    // A recurrence in a nest keeps a tape as long as the whole nest: in a function
    // generic over its length, a stable compiler allows no such array.
    let mut p = 1.0;
    for i in 0..K {
        for j in i + 1..K {
            p *= x[i] + x[j];
        }
    }
    p
}

fn inner_sum_reads_a_local() {
    // An inner sum's term reads the enclosing body's values, not its locals (`a`).
    let _ = grad!(|x: [f64; N]| {
        let mut s = 0.0;
        for i in 0..N {
            let a = x[i] * 2.0;
            let mut t = 0.0;
            for j in 0..N {
                t += a * x[j];
            }
            s += t * t;
        }
        s
    });
}

fn inner_sum_errors() {
    // An inner sum's own mistakes are reported as in any body.
    let _ = grad!(|x: [f64; N]| {
        let mut s = 0.0;
        for i in 0..N {
            let mut t = 0.0;
            for j in 0..N {
                t += (x[i] * x[j]).sinn();
            }
            s += t * t;
        }
        s
    });
}

fn inner_sum_reads_data() {
    // Data from the user's scope is read at the enclosing loop's variable, not an inner
    // sum's.
    let ys = [1.0; N];
    let _ = grad!(|x: [f64; N]| {
        let mut s = 0.0;
        for i in 0..N {
            let mut t = 0.0;
            for j in 0..N {
                t += x[i] * ys[j];
            }
            s += t * t;
        }
        s
    });
}

fn inner_sum_assigned_again() {
    // An inner sum's local is read after its loop, not assigned.
    let _ = grad!(|x: [f64; N]| {
        let mut s = 0.0;
        for i in 0..N {
            let mut t = 0.0;
            for j in 0..N {
                t += x[i] * x[j];
            }
            t *= 2.0;
            s += t;
        }
        s
    });
}

fn inner_sums_of_one_name() {
    // The second sum shadows the first: it stays in the body, where a loop over named
    // constants cannot be.
    let _ = grad!(|x: [f64; N]| {
        let mut s = 0.0;
        for i in 0..N {
            let mut t = 0.0;
            for j in 0..N {
                t += x[i] * x[j];
            }
            let u = t;
            let mut t = 0.0;
            for j in 0..N {
                t += x[j];
            }
            s += u * t;
        }
        s
    });
}
