//! L2-regularised logistic regression fitted by Newton's method, with the per-sample
//! gradient and Hessian from one `grad!` and the sums over the data by rayon; against
//! gradient descent from the same start.
//!
//! The data are Fisher's iris measurements (Fisher 1936, via the UCI Machine Learning
//! Repository; public domain): the 100 flowers of the two classes that no hyperplane
//! separates, Iris versicolor (y = 0) and Iris virginica (y = 1), four features each (sepal
//! length and width, petal length and width, in cm), shipped as
//! `examples/data/iris-versicolor-virginica.csv`.
//!
//! The model is p = sigmoid(w·x + b), the objective the mean cross-entropy plus a ridge on
//! the weights (not the bias), λ = 0.01:
//!
//! L(w, b) = (1/n) Σᵢ [softplus(zᵢ) − yᵢ zᵢ] + (λ/2) |w|²,   zᵢ = w·xᵢ + b,
//!
//! where softplus(z) − y z is −[y ln p + (1 − y) ln(1 − p)] written so that it neither
//! overflows nor loses digits when p is near 0 or 1. The features are standardised (mean
//! 0 and standard deviation 1 over the data) first: the ridge then weighs the four weights
//! alike, whatever the units, and the Hessian is better conditioned. Newton's method does
//! not care about the scaling (without the ridge it is invariant under an affine change of
//! the features); gradient descent does: on the raw centimetres it needs about 600,000
//! steps instead of 853 (the Hessian's condition number there is about 12,600, against 6).
//!
//! Each sample's term of L, (λ/2)|w|² included, is one `grad!` closure over the five
//! parameters, `|w: [f64; 4], b: f64|`, with that sample's features and label captured as
//! constants, built inside the map over the samples; its gradient comes from
//! `value_and_grad` and its 5×5 Hessian from `backprop::hessian` on the flat parameter
//! vector `[w0, w1, w2, w3, b]`. rayon sums them over the data, `par_iter().map(..)
//! .reduce(..)`, the path to take when the data outgrow one core. Newton's step solves
//! H Δ = g by Cholesky factorisation and sets θ ← θ − Δ, until |g| < 1e-10. (rayon's
//! reduce may add the samples in a different order from one run to the next, so the last
//! digits of the printed gradient norms can differ between runs.)
//!
//! Gradient descent starts from the same θ = 0 with the fixed step 1/L_max, where L_max is
//! the largest eigenvalue of the Hessian at the start: since p(1 − p) ≤ 1/4, with equality
//! at θ = 0, no Hessian anywhere is larger, so 1/L_max is the classic fixed step with
//! descent guaranteed. Near the minimum its error shrinks by a factor of about
//! 1 − μ/L_max per step, μ the smallest eigenvalue of the Hessian there, so it needs
//! hundreds of steps where Newton's method, whose error squares at each step, needs a
//! handful. (The Hessian's own spread at the minimum is small; it is the curvature
//! falling from L_max at the start that makes the safe fixed step short there.)
//!
//! Run with `cargo run --example logistic_newton`.

use std::time::Instant;

use backprop::rules::sigmoid;
use backprop::{grad, gradgradcheck, hessian, Differentiable, SecondOrder};
use rayon::prelude::*;

/// The data: a comment line, a header, then `sepal_length,sepal_width,petal_length,
/// petal_width,species` per flower.
const CSV: &str = include_str!("data/iris-versicolor-virginica.csv");
/// The ridge on the weights.
const LAMBDA: f64 = 0.01;
/// Both methods stop when the gradient's norm is below this.
const TOLERANCE: f64 = 1e-10;
const MAX_NEWTON: usize = 50;
const MAX_DESCENT: usize = 100_000;
/// Five parameters: the four weights, then the bias.
const P: usize = 5;

/// One flower: its standardised features and its label (1 for virginica).
#[derive(Clone, Copy)]
struct Sample {
    x: [f64; 4],
    y: f64,
}

/// The objective's value, gradient and (when asked for) Hessian at one point.
struct Sums {
    loss: f64,
    gradient: [f64; P],
    hessian: [[f64; P]; P],
}

fn main() {
    let (data, mean, sd) = load();
    let n = data.len();
    println!(
        "iris: {n} flowers, {} versicolor (y = 0) and {} virginica (y = 1); features \
         standardised",
        data.iter().filter(|s| s.y == 0.0).count(),
        data.iter().filter(|s| s.y == 1.0).count(),
    );
    println!("  mean (cm)  {}", row(&mean, 4));
    println!("  sd (cm)    {}", row(&sd, 4));
    println!(
        "objective: mean cross-entropy + {LAMBDA}/2 |w|^2; per-sample gradients and \
         Hessians from one grad! each, summed over the samples with rayon \
         (par_iter().map().reduce(), {} threads)\n",
        rayon::current_num_threads()
    );

    // Newton's method from θ = 0.
    let start = Instant::now();
    let mut theta = [0.0; P];
    let mut newton_steps = 0;
    println!("Newton's method");
    println!("{:>5} {:>20} {:>12}", "iter", "loss", "|gradient|");
    let at_minimum = loop {
        let sums = objective(&data, theta, true);
        let g = norm(&sums.gradient);
        println!("{newton_steps:>5} {:>20.15} {g:>12.3e}", sums.loss);
        if g < TOLERANCE || newton_steps == MAX_NEWTON {
            break sums;
        }
        let delta = cholesky_solve(sums.hessian, sums.gradient);
        for (t, d) in theta.iter_mut().zip(delta) {
            *t -= d;
        }
        newton_steps += 1;
    };
    let newton_time = start.elapsed();
    let newton_theta = theta;
    assert!(
        norm(&at_minimum.gradient) < TOLERANCE,
        "Newton's method did not converge in {MAX_NEWTON} iterations"
    );
    println!(
        "converged after {newton_steps} Newton iterations ({:.1} ms)\n",
        newton_time.as_secs_f64() * 1e3
    );
    let curvature = eigen_range(at_minimum.hessian);

    // Gradient descent from θ = 0 with the fixed step 1/L_max.
    let l_max = eigen_range(objective(&data, [0.0; P], true).hessian).1;
    let rate = 1.0 / l_max;
    println!(
        "gradient descent, fixed step 1/L_max = {rate:.4} (L_max = {l_max:.4}, the largest \
         eigenvalue of the Hessian at the start, which bounds it everywhere)"
    );
    println!("{:>7} {:>20} {:>12}", "step", "loss", "|gradient|");
    let start = Instant::now();
    let mut theta = [0.0; P];
    let mut descent_steps = 0;
    let descent = loop {
        let sums = objective(&data, theta, false);
        let g = norm(&sums.gradient);
        let done = g < TOLERANCE || descent_steps == MAX_DESCENT;
        if descent_steps == 0 || descent_steps.is_power_of_two() || done {
            println!("{descent_steps:>7} {:>20.15} {g:>12.3e}", sums.loss);
        }
        if done {
            break sums;
        }
        for (t, d) in theta.iter_mut().zip(sums.gradient) {
            *t -= rate * d;
        }
        descent_steps += 1;
    };
    let descent_time = start.elapsed();
    if norm(&descent.gradient) < TOLERANCE {
        println!(
            "gradient descent reached |gradient| < {TOLERANCE:e} after {descent_steps} steps \
             ({:.1} ms), {:.0} times as many as Newton's method",
            descent_time.as_secs_f64() * 1e3,
            descent_steps as f64 / newton_steps as f64
        );
    } else {
        println!(
            "gradient descent did not reach |gradient| < {TOLERANCE:e} in {MAX_DESCENT} steps"
        );
    }
    let distance = theta
        .iter()
        .zip(&newton_theta)
        .map(|(a, b)| (a - b).powi(2))
        .sum::<f64>()
        .sqrt();
    println!("  distance from Newton's fit: {distance:.1e}");
    let (mu, top) = curvature;
    println!(
        "  the Hessian at the minimum has eigenvalues from mu = {mu:.4} to {top:.4}; each step \
         shrinks the error there by about 1 - mu/L_max = {:.4}\n",
        1.0 - mu / l_max
    );

    // The fit.
    let theta = newton_theta;
    let [w0, w1, w2, w3, b] = theta;
    println!("fitted parameters (standardised features)");
    println!("  w = [{w0:.10}, {w1:.10}, {w2:.10}, {w3:.10}]");
    println!("  b = {b:.10}");
    let raw: [f64; 4] = core::array::from_fn(|j| theta[j] / sd[j]);
    let raw_b = b - (0..4).map(|j| raw[j] * mean[j]).sum::<f64>();
    println!("in cm: w = {}, b = {raw_b:.4}", row(&raw, 4));
    let correct = data
        .iter()
        .filter(|s| (probability(theta, s) > 0.5) == (s.y == 1.0))
        .count();
    println!(
        "training accuracy: {correct}/{n} = {:.0}%\n",
        100.0 * correct as f64 / n as f64
    );

    // One sample's Hessian against central differences of its gradient, at the fit.
    let Sample { x, y } = data[0];
    let report = gradgradcheck(&sample_loss(x, y), theta);
    report.assert_passed();
    let first_line = report.to_string();
    println!(
        "the first sample's Hessian at the fit: {}",
        first_line.lines().next().expect("the verdict")
    );
}

/// One sample's term of the objective, softplus(z) − y z + (λ/2)|w|² with z = w·x + b, as
/// a function of the five parameters; the sample's features `x` and label `y` are
/// constants of the closure.
fn sample_loss(x: [f64; 4], y: f64) -> impl SecondOrder<f64, P> {
    grad!(|w: [f64; 4], b: f64| {
        let mut z = b;
        let mut ridge = 0.0;
        for j in 0..4 {
            z += w[j] * x[j];
            ridge += w[j] * w[j];
        }
        // softplus(z) = ln(1 + e^z), which neither overflows nor loses digits; at θ = 0
        // every z is exactly 0, where its second derivative is 1/4.
        z.softplus() - y * z + 0.5 * LAMBDA * ridge
    })
}

/// The objective at `theta`, and its Hessian when `with_hessian`: each sample's term from
/// its own `grad!`, summed over the data by rayon, then averaged.
fn objective(data: &[Sample], theta: [f64; P], with_hessian: bool) -> Sums {
    let zero = || Sums {
        loss: 0.0,
        gradient: [0.0; P],
        hessian: [[0.0; P]; P],
    };
    let sum = data
        .par_iter()
        .map(|&Sample { x, y }| {
            let f = sample_loss(x, y);
            // The flat view: θ = [w0, w1, w2, w3, b] in, the gradient in the same order out.
            let (loss, gradient) = Differentiable::value_and_grad(&f, theta);
            let hessian = if with_hessian {
                hessian(&f, theta)
            } else {
                [[0.0; P]; P]
            };
            Sums {
                loss,
                gradient,
                hessian,
            }
        })
        .reduce(zero, |mut a, b| {
            a.loss += b.loss;
            for i in 0..P {
                a.gradient[i] += b.gradient[i];
                for j in 0..P {
                    a.hessian[i][j] += b.hessian[i][j];
                }
            }
            a
        });
    let n = data.len() as f64;
    Sums {
        loss: sum.loss / n,
        gradient: sum.gradient.map(|g| g / n),
        hessian: sum.hessian.map(|r| r.map(|h| h / n)),
    }
}

/// The samples with standardised features, and the features' means and (population)
/// standard deviations in cm.
fn load() -> (Vec<Sample>, [f64; 4], [f64; 4]) {
    let mut rows = Vec::new();
    for line in CSV.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 5, "{line}");
        let x: [f64; 4] = core::array::from_fn(|j| fields[j].parse().expect("a number"));
        let y = match fields[4] {
            "Iris-versicolor" => 0.0,
            "Iris-virginica" => 1.0,
            other => panic!("unexpected species {other:?}"),
        };
        rows.push(Sample { x, y });
    }
    let n = rows.len() as f64;
    let mean: [f64; 4] = core::array::from_fn(|j| rows.iter().map(|s| s.x[j]).sum::<f64>() / n);
    let sd: [f64; 4] = core::array::from_fn(|j| {
        (rows.iter().map(|s| (s.x[j] - mean[j]).powi(2)).sum::<f64>() / n).sqrt()
    });
    for s in &mut rows {
        s.x = core::array::from_fn(|j| (s.x[j] - mean[j]) / sd[j]);
    }
    (rows, mean, sd)
}

/// p = sigmoid(w·x + b) for one sample.
fn probability(theta: [f64; P], s: &Sample) -> f64 {
    sigmoid((0..4).map(|j| theta[j] * s.x[j]).sum::<f64>() + theta[4])
}

/// Solves A x = b for a symmetric positive definite A by its Cholesky factor, A = L Lᵀ.
// Triangular solves index rows and columns of one matrix.
#[allow(clippy::needless_range_loop)]
fn cholesky_solve<const N: usize>(a: [[f64; N]; N], b: [f64; N]) -> [f64; N] {
    let mut l = [[0.0; N]; N];
    for i in 0..N {
        for j in 0..=i {
            let s = a[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            if i == j {
                assert!(s > 0.0, "the matrix is not positive definite");
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    // L y = b, then Lᵀ x = y.
    let mut y = [0.0; N];
    for i in 0..N {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut x = [0.0; N];
    for i in (0..N).rev() {
        x[i] = (y[i] - (i + 1..N).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    x
}

/// The smallest and largest eigenvalues of a symmetric positive definite matrix, by power
/// iteration on it and on its inverse.
fn eigen_range<const N: usize>(a: [[f64; N]; N]) -> (f64, f64) {
    let power = |apply: &dyn Fn([f64; N]) -> [f64; N]| {
        let mut v = [1.0; N];
        let mut estimate = 0.0;
        for _ in 0..1000 {
            let w = apply(v);
            estimate = norm(&w) / norm(&v);
            v = w.map(|x| x / norm(&w));
        }
        estimate
    };
    let largest = power(&|v| core::array::from_fn(|i| dot(&a[i], &v)));
    let smallest = 1.0 / power(&|v| cholesky_solve(a, v));
    (smallest, largest)
}

fn dot<const N: usize>(a: &[f64; N], b: &[f64; N]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm<const N: usize>(v: &[f64; N]) -> f64 {
    dot(v, v).sqrt()
}

fn row(values: &[f64], digits: usize) -> String {
    let cells: Vec<String> = values.iter().map(|v| format!("{v:.digits$}")).collect();
    format!("[{}]", cells.join(", "))
}
