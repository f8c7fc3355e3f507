//! Forward mode and second order over any [`HigherOrder`] function (every `grad!`): the
//! generated code, written once generic over its scalar, runs on [`Dual`] numbers.
//!
//! - [`jvp`] runs the value on duals with one tangent, the direction `v`: forward mode,
//!   one pass, the directional derivative ∇f(x)·v.
//! - [`hvp`] runs the value *and gradient* on duals with tangent `v`: forward over
//!   reverse. The gradient's tangents are d/dε ∇f(x + εv) = H(x)·v.
//! - [`hessian`] does the same with N tangents, one per input, in one pass: the gradient's
//!   tangents are the Hessian's columns. It averages each entry with its transpose, so
//!   the result is exactly symmetric. Each scalar of that pass carries N + 1 numbers, so
//!   for a function of many inputs (hundreds), one [`hvp`] per column keeps the memory
//!   small.
//!
//! No allocation and no dynamic dispatch: a dual is an array on the stack. Second
//! derivatives at singular points follow from the first-derivative conventions, because
//! the derivative rules themselves run on duals: relu'' = 0, abs'' = 0, and max/min'' = 0
//! away from ties.
//!
//! A function with a custom derivative (`#[differentiable(grad = ..)]`) gives first
//! derivatives only: [`jvp`] goes through it, and [`hvp`], [`hessian`] and
//! [`gradgradcheck`] are a compile error that names it (the bound
//! `F::Twice: DifferentiableTwice`, which `cargo check` reports too).

use core::fmt;

use backprop_core::{numeric, DifferentiableTwice, Dual, Float, HigherOrder, Scalar};

/// The value and the directional derivative ∇f(x)·v, in one forward-mode pass. The value
/// is `f.value(x)`'s, bit for bit.
///
/// ```
/// let f = backprop::grad!(|x: f64, y: f64| x * y.sin());
/// let (value, slope) = backprop::jvp(&f, [2.0, 0.5], [1.0, -1.0]);
/// assert_eq!(value, f.value(2.0, 0.5));
/// // ∂f/∂x − ∂f/∂y = sin y − x cos y.
/// assert!((slope - (0.5_f64.sin() - 2.0 * 0.5_f64.cos())).abs() < 1e-15);
/// ```
pub fn jvp<T: Scalar<T>, F: HigherOrder<T, N> + ?Sized, const N: usize>(
    f: &F,
    x: [T; N],
    v: [T; N],
) -> (T, T) {
    let input = core::array::from_fn(|i| Dual::<T, 1>::new(x[i], [v[i]]));
    let out = f.value_in(input);
    (out.re, out.eps[0])
}

/// The Hessian–vector product H(x)·v, forward over reverse: one pass of the value and
/// gradient on duals whose tangent is `v`, at a few times the cost of a gradient.
///
/// ```
/// // f = x²y: H = [[2y, 2x], [2x, 0]].
/// let f = backprop::grad!(|x: f64, y: f64| x * x * y);
/// assert_eq!(backprop::hvp(&f, [3.0, 2.0], [1.0, 0.0]), [4.0, 6.0]);
/// assert_eq!(backprop::hvp(&f, [3.0, 2.0], [0.0, 1.0]), [6.0, 0.0]);
/// ```
pub fn hvp<T: Scalar<T>, F: HigherOrder<T, N> + ?Sized, const N: usize>(
    f: &F,
    x: [T; N],
    v: [T; N],
) -> [T; N]
where
    F::Twice: DifferentiableTwice,
{
    let input = core::array::from_fn(|i| Dual::<T, 1>::new(x[i], [v[i]]));
    let (_, gradient) = f.value_and_grad_in(input);
    gradient.map(|g| g.eps[0])
}

/// The Hessian, exactly symmetric (`h[i][j] == h[j][i]`), from one pass of the value and
/// gradient on duals with one tangent per input.
///
/// ```
/// // Rosenbrock's function of two variables at its minimum (1, 1).
/// let f = backprop::grad!(|x: f64, y: f64| (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2));
/// assert_eq!(backprop::hessian(&f, [1.0, 1.0]), [[802.0, -400.0], [-400.0, 200.0]]);
/// ```
pub fn hessian<T: Scalar<T>, F: HigherOrder<T, N> + ?Sized, const N: usize>(
    f: &F,
    x: [T; N],
) -> [[T; N]; N]
where
    F::Twice: DifferentiableTwice,
{
    let input = core::array::from_fn(|i| Dual::<T, N>::variable(x[i], i));
    let (_, gradient) = f.value_and_grad_in(input);
    symmetric(gradient.map(|g| g.eps))
}

/// The value, the gradient and the Hessian from the one pass [`hessian`] makes, for a
/// Newton step that needs all three.
///
/// ```
/// let f = backprop::grad!(|x: f64, y: f64| x * x * y);
/// let (value, gradient, h) = backprop::value_grad_hessian(&f, [3.0, 2.0]);
/// assert_eq!((value, gradient), (18.0, [12.0, 9.0]));
/// assert_eq!(h, backprop::hessian(&f, [3.0, 2.0]));
/// ```
pub fn value_grad_hessian<T: Scalar<T>, F: HigherOrder<T, N> + ?Sized, const N: usize>(
    f: &F,
    x: [T; N],
) -> (T, [T; N], [[T; N]; N])
where
    F::Twice: DifferentiableTwice,
{
    let input = core::array::from_fn(|i| Dual::<T, N>::variable(x[i], i));
    let (value, gradient) = f.value_and_grad_in(input);
    (
        value.re,
        gradient.map(|g| g.re),
        symmetric(gradient.map(|g| g.eps)),
    )
}

/// Each entry averaged with its transpose.
fn symmetric<T: Float, const N: usize>(mut h: [[T; N]; N]) -> [[T; N]; N] {
    // Two indices into one matrix.
    #[allow(clippy::needless_range_loop)]
    for i in 0..N {
        for j in i + 1..N {
            let mean = (h[i][j] + h[j][i]) * T::HALF;
            h[i][j] = mean;
            h[j][i] = mean;
        }
    }
    h
}

/// The second-order check: each column of the Hessian, by [`hvp`] along a unit vector,
/// against central differences of the gradient, in the manner of
/// `torch.autograd.gradgradcheck`. The tolerances are [`gradcheck`](crate::gradcheck())'s
/// (for `f64`: step 1e-6, |a − n| ≤ 1e-5 + 1e-3·|n|).
///
/// ```
/// let f = backprop::grad!(|x: f64, y: f64| (x * y).sin() + x.exp());
/// backprop::gradgradcheck(&f, [0.3, -0.7]).assert_passed();
/// ```
pub fn gradgradcheck<T: Scalar<T>, F: HigherOrder<T, N> + ?Sized, const N: usize>(
    f: &F,
    x: [T; N],
) -> GradGradReport<T, N>
where
    F::Twice: DifferentiableTwice,
{
    let settings = backprop_core::GradCheck::<T>::new();
    let names = f.inputs();
    let mut analytic = [[T::ZERO; N]; N];
    let mut numeric = [[T::ZERO; N]; N];
    for j in 0..N {
        let unit = core::array::from_fn(|i| if i == j { T::ONE } else { T::ZERO });
        let column = hvp(f, x, unit);
        let partials = numeric::central_difference(|p| f.value_and_grad(p).1[j], x, settings.eps);
        // ∂/∂x_i of ∂f/∂x_j: row j of the Hessian, which is column j.
        for (i, (&c, &p)) in column.iter().zip(&partials).enumerate() {
            analytic[i][j] = c;
            numeric[i][j] = p;
        }
    }
    let mut worst = (T::ZERO, 0, 0);
    for (i, (row_a, row_n)) in analytic.iter().zip(&numeric).enumerate() {
        for (j, (&a, &n)) in row_a.iter().zip(row_n).enumerate() {
            let allowed = settings.atol + settings.rtol * n.abs();
            let e = if a == n {
                T::ZERO
            } else if !(a.is_finite() && n.is_finite()) || allowed <= T::ZERO {
                T::INFINITY
            } else {
                (a - n).abs() / allowed
            };
            if e.is_nan() || e > worst.0 || (i, j) == (0, 0) && worst.0 == T::ZERO {
                worst = (if e.is_nan() { T::INFINITY } else { e }, i, j);
            }
        }
    }
    GradGradReport {
        names,
        analytic,
        numeric,
        worst_error: worst.0,
        worst: (worst.1, worst.2),
    }
}

/// The outcome of [`gradgradcheck`]: the Hessian by [`hvp`] and by central differences of
/// the gradient, and the worst entry in units of tolerance (passed when at most 1).
///
/// ```
/// let f = backprop::grad!(|x: f64, y: f64| x * x * y);
/// let report = backprop::gradgradcheck(&f, [3.0, 2.0]);
/// assert!(report.passed());
/// assert_eq!(report.analytic, [[4.0, 6.0], [6.0, 0.0]]);
/// assert!((report.numeric[0][1] - 6.0).abs() < 1e-6);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct GradGradReport<T, const N: usize> {
    /// The input names.
    pub names: [&'static str; N],
    /// `analytic[i][j]`: ∂²f/∂x_i∂x_j by [`hvp`].
    pub analytic: [[T; N]; N],
    /// The same by central differences of the gradient.
    pub numeric: [[T; N]; N],
    /// The worst entry's distance, in units of tolerance.
    pub worst_error: T,
    /// The worst entry, (i, j).
    pub worst: (usize, usize),
}

impl<T: Float, const N: usize> GradGradReport<T, N> {
    /// Whether every entry agrees within the tolerance.
    pub fn passed(&self) -> bool {
        self.worst_error <= T::ONE
    }

    /// Panics with the report unless it passed.
    ///
    /// # Panics
    ///
    /// If an entry of the Hessian disagrees with the central differences of the gradient.
    #[track_caller]
    pub fn assert_passed(&self) {
        assert!(self.passed(), "{self}");
    }
}

impl<T: Float, const N: usize> fmt::Display for GradGradReport<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (i, j) = self.worst;
        let verdict = if self.passed() { "passed" } else { "FAILED" };
        writeln!(
            f,
            "gradgradcheck {verdict}: worst ∂²/∂{}∂{}: hvp {:.6e}, numeric {:.6e} ({:.2e} in \
             units of tolerance)",
            self.names[i],
            self.names[j],
            self.analytic[i][j].to_f64(),
            self.numeric[i][j].to_f64(),
            self.worst_error.to_f64()
        )?;
        writeln!(f, "  row by row, hvp (numeric):")?;
        for (r, row) in self.analytic.iter().enumerate() {
            write!(f, "  {:>8}", self.names[r])?;
            for (c, a) in row.iter().enumerate() {
                write!(
                    f,
                    "  {:>10.3e} ({:>10.3e})",
                    a.to_f64(),
                    self.numeric[r][c].to_f64()
                )?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
