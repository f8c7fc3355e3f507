//! The `main.rs` of the compile_time bench's loop cases: a `grad!` kept a loop or
//! unrolled, checked against a gradient written by hand and then timed against it in the
//! same binary, which prints `timing <grad! ns> <hand-written ns>`.

/// The timing helper of the loop cases' binaries: nanoseconds a call, the median of 21
/// batches of at least 10 ms each.
const TIME_FN: &str = r#"/// Nanoseconds a call: the median of 21 batches of at least 10 ms each.
fn time<R>(mut f: impl FnMut() -> R) -> f64 {
    let mut reps = 1_u32;
    loop {
        let started = Instant::now();
        for _ in 0..reps {
            black_box(f());
        }
        if started.elapsed().as_millis() >= 10 {
            break;
        }
        reps *= 2;
    }
    let mut samples: Vec<f64> = (0..21)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..reps {
                black_box(f());
            }
            started.elapsed().as_nanos() as f64 / f64::from(reps)
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[10]
}
"#;

/// `main.rs` of a loop case: Rosenbrock as a loop of `terms` terms over `terms + 1`
/// variables, checked against a hand-written gradient, then both timed in the same
/// binary: it prints `timing <grad! ns> <hand-written ns>`. With `named`, the `grad!`
/// sees the length only as `const N: usize`.
pub fn loop_program(terms: usize, named: bool) -> String {
    let len = terms + 1;
    let (ty, bound) = if named {
        ("[f64; N]".to_string(), "N - 1".to_string())
    } else {
        (format!("[f64; {len}]"), terms.to_string())
    };
    let time_fn = TIME_FN;
    format!(
        r#"use std::hint::black_box;
use std::time::Instant;

#[allow(dead_code)]
const N: usize = {len};

fn hand(x: &[f64; {len}]) -> (f64, [f64; {len}]) {{
    let mut s = 0.0;
    let mut g = [0.0; {len}];
    for i in 0..{terms} {{
        let t = x[i + 1] - x[i] * x[i];
        let u = 1.0 - x[i];
        s += 100.0 * (t * t) + u * u;
        g[i] += -400.0 * t * x[i] - 2.0 * u;
        g[i + 1] += 200.0 * t;
    }}
    (s, g)
}}

{time_fn}
fn main() {{
    let f = backprop::grad!(|x: {ty}| {{
        let mut s = 0.0;
        for i in 0..{bound} {{
            s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
        }}
        s
    }});
    let x: [f64; {len}] = black_box(core::array::from_fn(|k| 0.5 + 0.001 * k as f64));
    let (value, grad) = f.value_and_grad(x);
    let (v, g) = hand(&x);
    assert!((value - v).abs() <= 1e-12 * v.abs());
    assert!(grad.iter().zip(&g).all(|(a, b)| (a - b).abs() <= 1e-9 * b.abs().max(1.0)));
    let grad_ns = time(|| f.value_and_grad(black_box(x)));
    let hand_ns = time(|| hand(black_box(&x)));
    println!("timing {{grad_ns}} {{hand_ns}}");
}}
"#
    )
}

/// `main.rs` of a recurrence case: a tanh RNN of `steps` steps over data, checked against
/// backpropagation through time written by hand, then both timed in the same binary.
pub fn recurrence_program(steps: usize) -> String {
    let time_fn = TIME_FN;
    format!(
        r#"use std::hint::black_box;
use std::time::Instant;

fn hand(w: f64, u: f64, xs: &[f64; {steps}]) -> (f64, [f64; 2]) {{
    let mut hs = [0.0; {steps} + 1];
    for t in 0..{steps} {{
        hs[t + 1] = (w * hs[t] + u * xs[t]).tanh();
    }}
    let (mut d_h, mut d_w, mut d_u) = (1.0, 0.0, 0.0);
    for t in (0..{steps}).rev() {{
        let d_pre = d_h * (1.0 - hs[t + 1] * hs[t + 1]);
        d_w += d_pre * hs[t];
        d_u += d_pre * xs[t];
        d_h = d_pre * w;
    }}
    (hs[{steps}], [d_w, d_u])
}}

{time_fn}
fn main() {{
    let xs: [f64; {steps}] = black_box(core::array::from_fn(|k| (k as f64 * 0.37).sin()));
    let f = backprop::grad!(|w: f64, u: f64| {{
        let mut h = 0.0;
        for t in 0..{steps} {{
            h = (w * h + u * xs[t]).tanh();
        }}
        h
    }});
    let (value, grad) = f.value_and_grad(0.8, 0.5);
    let (v, g) = hand(0.8, 0.5, &xs);
    assert!((value - v).abs() <= 1e-12 * v.abs());
    assert!(grad.iter().zip(&g).all(|(a, b)| (a - b).abs() <= 1e-9 * b.abs().max(1.0)));
    let grad_ns = time(|| f.value_and_grad(black_box(0.8), black_box(0.5)));
    let hand_ns = time(|| hand(black_box(0.8), black_box(0.5), black_box(&xs)));
    println!("timing {{grad_ns}} {{hand_ns}}");
}}
"#
    )
}

/// `main.rs` of a least-squares case: `|A x - y|²` with `A` of `rows` × 50 over named
/// constants, a loop with an inner sum, checked against a gradient written by hand, then
/// both timed in the same binary.
pub fn least_squares_program(rows: usize) -> String {
    let time_fn = TIME_FN;
    format!(
        r#"use std::hint::black_box;
use std::time::Instant;

const ROWS: usize = {rows};
const COLS: usize = 50;

fn hand(a: &[f64; ROWS * COLS], x: &[f64; COLS]) -> (f64, [f64; ROWS * COLS], [f64; COLS]) {{
    let mut s = 0.0;
    let mut da = [0.0; ROWS * COLS];
    let mut dx = [0.0; COLS];
    for i in 0..ROWS {{
        let mut t = 0.0;
        for j in 0..COLS {{
            t += a[i * COLS + j] * x[j];
        }}
        let r = t - 1.0;
        s += r * r;
        for j in 0..COLS {{
            da[i * COLS + j] += 2.0 * r * x[j];
            dx[j] += 2.0 * r * a[i * COLS + j];
        }}
    }}
    (s, da, dx)
}}

{time_fn}
fn main() {{
    let f = backprop::grad!(|a: [f64; ROWS * COLS], x: [f64; COLS]| {{
        let mut s = 0.0;
        for i in 0..ROWS {{
            let mut t = 0.0;
            for j in 0..COLS {{
                t += a[i * COLS + j] * x[j];
            }}
            s += (t - 1.0).powi(2);
        }}
        s
    }});
    let a: [f64; ROWS * COLS] = black_box(core::array::from_fn(|k| 0.01 * (k % 17) as f64));
    let x: [f64; COLS] = black_box(core::array::from_fn(|k| 0.5 - 0.01 * k as f64));
    let (value, (da, dx)) = f.value_and_grad(a, x);
    let (v, ha, hx) = hand(&a, &x);
    assert!((value - v).abs() <= 1e-12 * v.abs());
    assert!(da.iter().zip(&ha).all(|(p, q)| (p - q).abs() <= 1e-9 * q.abs().max(1.0)));
    assert!(dx.iter().zip(&hx).all(|(p, q)| (p - q).abs() <= 1e-9 * q.abs().max(1.0)));
    let grad_ns = time(|| f.value_and_grad(black_box(a), black_box(x)));
    let hand_ns = time(|| hand(black_box(&a), black_box(&x)));
    println!("timing {{grad_ns}} {{hand_ns}}");
}}
"#
    )
}
