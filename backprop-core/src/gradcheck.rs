//! Gradient checking in the manner of `torch.autograd.gradcheck`: every gradient a
//! [`Differentiable`] function computes is compared with two independent references.
//!
//! At a point `x`, [`GradCheck::check`] computes three gradients:
//!
//! - **analytic**: the function's own, `f.value_and_grad(x)` (for `grad!` functions, the
//!   generated backward code);
//! - **graph**: `f` recorded onto a fresh runtime [`Graph`] with [`Differentiable::record`]
//!   and swept by [`Graph::backward`];
//! - **numeric**: central differences of `f.value` (see [`numeric`]).
//!
//! # Pass criteria
//!
//! For every input, analytic `a` against numeric `n`, as gradcheck does:
//! `|a − n| ≤ atol + rtol·|n|`. Analytic against graph `g`, and the three values against
//! each other, only up to rounding: `|a − g| ≤ graph_tol·(1 + |g|)`. The graph
//! differentiates the recorded operations exactly, by the rules of [`rules`](crate::rules),
//! so for a correct function it agrees with the analytic gradient to rounding and a
//! mistake shows far above it, while the numeric estimate is itself good to a few digits
//! only. The values are compared with that tolerance too, not bit for bit. (For a
//! [`GraphFn`](crate::GraphFn) the analytic gradient *is* the graph's, so there only the
//! numeric comparison is informative.)
//!
//! Non-finite numbers: two numbers agree if they are equal, which includes the same
//! infinity on both sides, or if both are finite and within tolerance. NaN agrees with
//! nothing, not even NaN: it means the point is outside the function's domain or a rule is
//! broken, and in either case nothing has been verified. Central differences are finite
//! unless `f` itself overflows, so an infinite analytic gradient (`sqrt` at 0) fails the
//! check; a singular point cannot be checked numerically, check a point near it instead.
//!
//! ```
//! use backprop_core::{gradcheck, GraphFn};
//!
//! let f = GraphFn::new(["x", "y"], |[x, y]| (x * y).sin() + x.exp() / y);
//! let report = gradcheck(&f, [0.5, 2.0]);
//! assert!(report.passed(), "{report}");
//! ```

use core::fmt;

use crate::numeric::{self, is_single};
use crate::{Differentiable, Float, Graph};

/// The settings of a gradient check: the step of the central differences and the
/// tolerances. Build from the defaults with the setters.
///
/// | | `f64` | `f32` |
/// |---|---|---|
/// | `eps` | `1e-6` | `1e-3` |
/// | `atol` | `1e-5` | `1e-2` |
/// | `rtol` | `1e-3` | `1e-2` |
/// | `graph_tol` | `1024·ε` ≈ `2.3e-13` | `1024·ε` ≈ `1.2e-4` |
///
/// The `f64` numbers are `torch.autograd.gradcheck`'s. They sit far above the error of
/// the numeric estimate (about `1e-10·|f|` at this step, see [`numeric`]),
/// so a correct gradient passes even where `f` is large, while a wrong one, off by O(1),
/// fails. In `f32` the estimate is good only to about `1e-4·|f|` (rounding error
/// `ε·|f|/eps` with `ε ≈ 1.2e-7`), so the tolerances are loosened to `1e-2`, which still
/// leaves a margin of about a hundred for `|f|` near 1 and catches an error of a few
/// percent in any gradient of order one or more. As in gradcheck, a gradient much smaller
/// than `atol` passes whatever its value: lower `atol` to check one. `graph_tol` allows about a thousand roundings: the analytic and graph
/// gradients follow the same chain rule but may group the arithmetic differently (a
/// gradient simplified by hand, sums accumulated in another order).
///
/// ```
/// use backprop_core::{GradCheck, GraphFn};
///
/// let cube = GraphFn::new(["x"], |[x]| x * x * x);
/// // The central difference of x³ errs by exactly eps² = 1e-4 here: within the default
/// // rtol, but not within a relative 1e-6 of 12.
/// let loose = GradCheck::new().eps(1e-2).check(&cube, [2.0]);
/// assert!(loose.passed());
/// let tight = GradCheck::new().eps(1e-2).atol(0.0).rtol(1e-6).check(&cube, [2.0]);
/// assert!(!tight.passed());
/// assert_eq!(tight.worst().unwrap().name, "x");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct GradCheck<T> {
    /// The absolute step of the central differences.
    pub eps: T,
    /// The absolute tolerance of analytic against numeric.
    pub atol: T,
    /// The relative tolerance of analytic against numeric, relative to `|numeric|`.
    pub rtol: T,
    /// The tolerance of analytic against graph gradients and of the values against each
    /// other, relative to `1 + |graph|`.
    pub graph_tol: T,
}

impl<T: Float> Default for GradCheck<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Float> GradCheck<T> {
    /// The default settings for `T` (see the table above).
    ///
    /// ```
    /// use backprop_core::GradCheck;
    ///
    /// let settings = GradCheck::<f64>::new();
    /// assert_eq!((settings.eps, settings.atol, settings.rtol), (1e-6, 1e-5, 1e-3));
    /// assert_eq!(GradCheck::<f32>::new().eps, 1e-3);
    /// ```
    pub fn new() -> Self {
        let (atol, rtol) = if is_single::<T>() {
            (1e-2, 1e-2)
        } else {
            (1e-5, 1e-3)
        };
        GradCheck {
            eps: numeric::default_eps(),
            atol: T::from_f64(atol),
            rtol: T::from_f64(rtol),
            graph_tol: T::from_i32(1024) * T::EPSILON,
        }
    }

    /// Sets the step of the central differences.
    ///
    /// ```
    /// use backprop_core::{GradCheck, GraphFn};
    ///
    /// // A wider step for a function evaluated with noise-free arithmetic.
    /// let f = GraphFn::new(["x"], |[x]| x * x);
    /// let report = GradCheck::new().eps(0.5).check(&f, [1.0]);
    /// assert_eq!(report.inputs[0].numeric, 2.0); // exact for a quadratic
    /// ```
    #[must_use]
    pub fn eps(mut self, eps: T) -> Self {
        self.eps = eps;
        self
    }

    /// Sets the absolute tolerance of analytic against numeric.
    ///
    /// ```
    /// use backprop_core::GradCheck;
    ///
    /// assert_eq!(GradCheck::new().atol(1e-9).atol, 1e-9);
    /// ```
    #[must_use]
    pub fn atol(mut self, atol: T) -> Self {
        self.atol = atol;
        self
    }

    /// Sets the relative tolerance of analytic against numeric.
    ///
    /// ```
    /// use backprop_core::GradCheck;
    ///
    /// assert_eq!(GradCheck::new().rtol(1e-6).rtol, 1e-6);
    /// ```
    #[must_use]
    pub fn rtol(mut self, rtol: T) -> Self {
        self.rtol = rtol;
        self
    }

    /// Sets the tolerance of analytic against graph (and of the values).
    ///
    /// ```
    /// use backprop_core::GradCheck;
    ///
    /// assert_eq!(GradCheck::new().graph_tol(0.0).graph_tol, 0.0);
    /// ```
    #[must_use]
    pub fn graph_tol(mut self, graph_tol: T) -> Self {
        self.graph_tol = graph_tol;
        self
    }

    /// Checks the gradient of `f` at `x` against the runtime graph and central
    /// differences; see the [module docs](self) for the criteria.
    ///
    /// ```
    /// use backprop_core::{GradCheck, GraphFn};
    ///
    /// let f = GraphFn::new(["x", "y", "z"], |[x, y, z]| (x + y) * z);
    /// let report = GradCheck::new().check(&f, [100.0, 200.0, 4.0]);
    /// report.assert_passed();
    /// assert_eq!(report.inputs[2].analytic, 300.0);
    /// ```
    ///
    /// # Panics
    ///
    /// If `f.record` returns a handle of a graph other than the one it was given.
    pub fn check<F, const N: usize>(&self, f: &F, x: [T; N]) -> GradCheckReport<T, N>
    where
        F: Differentiable<T, N> + ?Sized,
    {
        let names = f.inputs();
        let value = f.value(x);
        let (analytic_value, analytic) = f.value_and_grad(x);
        let numeric = numeric::central_difference(|p| f.value(p), x, self.eps);

        let graph = Graph::new();
        let vars = core::array::from_fn(|i| graph.input(names[i], x[i]));
        let out = f.record(&graph, vars);
        let grads = graph.backward(out).unwrap_or_else(|e| {
            panic!("gradcheck: `record` returned a handle of another graph: {e}")
        });
        let graph_value = out.value();

        let graph_error = |a: T, g: T| error(a, g, self.graph_tol, self.graph_tol);
        let inputs = core::array::from_fn(|i| {
            let (a, n, g) = (analytic[i], numeric[i], grads[vars[i]]);
            InputCheck {
                name: names[i],
                index: i,
                at: x[i],
                analytic: a,
                numeric: n,
                graph: g,
                numeric_error: error(a, n, self.atol, self.rtol),
                graph_error: graph_error(a, g),
            }
        });
        GradCheckReport {
            settings: *self,
            value,
            analytic_value,
            graph_value,
            value_error: rank(graph_error(analytic_value, graph_value))
                .max(rank(graph_error(value, graph_value))),
            inputs,
        }
    }
}

/// [`GradCheck::check`] with the default settings for `T`.
///
/// ```
/// use backprop_core::{gradcheck, GraphFn};
///
/// let f = GraphFn::new(["x"], |[x]| x.tanh());
/// gradcheck(&f, [0.3_f32]).assert_passed();
/// ```
pub fn gradcheck<T, F, const N: usize>(f: &F, x: [T; N]) -> GradCheckReport<T, N>
where
    T: Float,
    F: Differentiable<T, N> + ?Sized,
{
    GradCheck::new().check(f, x)
}

/// `|a − b|` in units of the tolerance `atol + rtol·|b|`: at most 1 passes. Equal numbers
/// (the same infinity included) give 0; NaN, or a non-finite number against another,
/// gives infinity.
fn error<T: Float>(a: T, b: T, atol: T, rtol: T) -> T {
    if a == b {
        T::ZERO
    } else if !(a.is_finite() && b.is_finite()) {
        T::INFINITY
    } else {
        let allowed = atol + rtol * b.abs();
        if allowed > T::ZERO {
            (a - b).abs() / allowed
        } else {
            T::INFINITY
        }
    }
}

/// Orders errors with NaN (from NaN settings) as the worst, so it is never hidden.
fn rank<T: Float>(e: T) -> T {
    if e.is_nan() {
        T::INFINITY
    } else {
        e
    }
}

/// One input's part of a [`GradCheckReport`]: its three gradients and how far apart they
/// are.
///
/// ```
/// use backprop_core::{gradcheck, GraphFn};
///
/// let f = GraphFn::new(["x", "y"], |[x, y]| x.sin() * y);
/// let report = gradcheck(&f, [0.0_f64, 2.0]);
/// let x = &report.inputs[0];
/// assert_eq!((x.name, x.index, x.at), ("x", 0, 0.0));
/// assert_eq!((x.analytic, x.graph), (2.0, 2.0));
/// assert!((x.numeric - 2.0).abs() < 1e-9);
/// assert!(x.passed() && x.error() <= 1.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct InputCheck<T> {
    /// The input's name, from [`Differentiable::inputs`].
    pub name: &'static str,
    /// The input's position in the argument list.
    pub index: usize,
    /// The input's value at the checked point.
    pub at: T,
    /// The function's own gradient.
    pub analytic: T,
    /// The central-difference estimate.
    pub numeric: T,
    /// The runtime graph's gradient.
    pub graph: T,
    /// `|analytic − numeric|` in units of `atol + rtol·|numeric|`; at most 1 passes.
    pub numeric_error: T,
    /// `|analytic − graph|` in units of `graph_tol·(1 + |graph|)`; at most 1 passes.
    pub graph_error: T,
}

impl<T: Float> InputCheck<T> {
    /// `true` if the analytic gradient agrees with both references (see the example on
    /// [`InputCheck`]).
    pub fn passed(&self) -> bool {
        self.numeric_error <= T::ONE && self.graph_error <= T::ONE
    }

    /// The larger of the two errors, in units of their tolerances (NaN counts as
    /// infinite); see the example on [`InputCheck`].
    pub fn error(&self) -> T {
        rank(self.numeric_error).max(rank(self.graph_error))
    }
}

/// The outcome of [`GradCheck::check`]: the values, every input's three gradients, and
/// the settings used. `Display` prints a one-line verdict naming the worst input, then a
/// table of all of them.
///
/// ```
/// use backprop_core::{gradcheck, GraphFn};
///
/// // A gradient that is wrong on purpose: the graph says d/dx x² is 2x, this says 3x.
/// # use backprop_core::{Differentiable, Graph, ScaledGradient, Var};
/// struct Wrong;
/// impl Differentiable<f64, 1> for Wrong {
///     type Pullback = ScaledGradient<f64, 1>;
///     fn value(&self, [x]: [f64; 1]) -> f64 { x * x }
///     fn forward(&self, [x]: [f64; 1]) -> (f64, Self::Pullback) {
///         (x * x, ScaledGradient([3.0 * x]))
///     }
///     fn inputs(&self) -> [&'static str; 1] { ["x"] }
///     fn record<'g>(&self, _: &'g Graph, [x]: [Var<'g>; 1]) -> Var<'g> { x * x }
/// }
/// let report = gradcheck(&Wrong, [1.0]);
/// assert!(!report.passed());
/// assert!(report.values_agree());
/// assert_eq!(report.worst().unwrap().analytic, 3.0);
/// assert_eq!(report.failures().count(), 1);
/// assert!(report.to_string().starts_with("gradcheck FAILED: 1 of 1 gradient(s) disagree"));
///
/// let right = GraphFn::new(["x"], |[x]| x * x);
/// assert!(gradcheck(&right, [1.0]).passed());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct GradCheckReport<T, const N: usize> {
    /// The settings the check ran with.
    pub settings: GradCheck<T>,
    /// `f.value(x)`, the value the central differences are taken of.
    pub value: T,
    /// The value returned by `f.value_and_grad(x)`.
    pub analytic_value: T,
    /// The value of the recorded graph's output.
    pub graph_value: T,
    /// The larger disagreement of `analytic_value` and `value` with `graph_value`, in
    /// units of `graph_tol·(1 + |graph_value|)`; at most 1 passes.
    pub value_error: T,
    /// One entry per input, in argument order.
    pub inputs: [InputCheck<T>; N],
}

impl<T: Float, const N: usize> GradCheckReport<T, N> {
    /// `true` if the values agree and every input's gradient passed (see the example on
    /// [`GradCheckReport`]).
    pub fn passed(&self) -> bool {
        self.values_agree() && self.inputs.iter().all(InputCheck::passed)
    }

    /// `true` if the three values agree to within `graph_tol` (see the example on
    /// [`GradCheckReport`]).
    pub fn values_agree(&self) -> bool {
        self.value_error <= T::ONE
    }

    /// The input with the largest [`error`](InputCheck::error) (the first of equals), or
    /// `None` for a function of no inputs (see the example on [`GradCheckReport`]).
    pub fn worst(&self) -> Option<&InputCheck<T>> {
        self.inputs
            .iter()
            .reduce(|worst, c| if c.error() > worst.error() { c } else { worst })
    }

    /// The inputs whose gradient failed, in argument order (see the example on
    /// [`GradCheckReport`]).
    pub fn failures(&self) -> impl Iterator<Item = &InputCheck<T>> {
        self.inputs.iter().filter(|c| !c.passed())
    }

    /// Panics with the whole report (verdict and table) if the check failed; meant for
    /// tests, where the report is the most useful failure message.
    ///
    /// ```should_panic
    /// use backprop_core::{GradCheck, GraphFn};
    ///
    /// let cube = GraphFn::new(["x"], |[x]| x * x * x);
    /// GradCheck::new().eps(1e-2).atol(0.0).rtol(1e-6).check(&cube, [2.0]).assert_passed();
    /// ```
    #[track_caller]
    pub fn assert_passed(&self) {
        assert!(self.passed(), "{self}");
    }
}

impl<T: Float, const N: usize> fmt::Display for GradCheckReport<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failed = self.failures().count();
        if self.passed() {
            write!(f, "gradcheck passed: {N} gradient(s) agree")?;
        } else {
            write!(f, "gradcheck FAILED: {failed} of {N} gradient(s) disagree")?;
            if !self.values_agree() {
                write!(f, ", and the values disagree")?;
            }
        }
        if let Some(w) = self.worst() {
            write!(
                f,
                "; worst `{}` (input {}): analytic {}, numeric {}, graph {} \
                 (errors {} and {} in units of tolerance)",
                w.name,
                w.index,
                show(w.analytic),
                show(w.numeric),
                show(w.graph),
                show_error(w.numeric_error),
                show_error(w.graph_error),
            )?;
        }
        let s = &self.settings;
        writeln!(f)?;
        writeln!(
            f,
            "  {}: numeric step {}, |a − n| ≤ {} + {}·|n|, |a − g| ≤ {}·(1 + |g|)",
            T::NAME,
            show_setting(s.eps),
            show_setting(s.atol),
            show_setting(s.rtol),
            show_setting(s.graph_tol)
        )?;
        writeln!(
            f,
            "  value {}, analytic value {}, graph value {}{}",
            show(self.value),
            show(self.analytic_value),
            show(self.graph_value),
            if self.values_agree() {
                ""
            } else {
                "  <- disagree"
            }
        )?;
        write!(
            f,
            "  {:<10} {:>12} {:>22} {:>22} {:>22} {:>9} {:>9}",
            "input", "at", "analytic", "numeric", "graph", "a−n err", "a−g err"
        )?;
        for c in &self.inputs {
            write!(
                f,
                "\n  {:<10} {:>12} {:>22} {:>22} {:>22} {:>9} {:>9}{}",
                c.name,
                show(c.at),
                show(c.analytic),
                show(c.numeric),
                show(c.graph),
                show_error(c.numeric_error),
                show_error(c.graph_error),
                if c.passed() { "" } else { "  <- fails" }
            )?;
        }
        Ok(())
    }
}

/// The shortest text that reads back as `x`, switching to exponent form where plain
/// decimals would run long (`f64`'s `Display` never does).
fn show<T: Float>(x: T) -> String {
    let v = x.to_f64();
    let magnitude = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-4..1e12).contains(&magnitude) {
        format!("{x}")
    } else if is_single::<T>() {
        #[allow(clippy::cast_possible_truncation)] // exact: `v` came from an f32
        let single = v as f32;
        format!("{single:e}")
    } else {
        format!("{v:e}")
    }
}

/// A setting as written if it is short (`1e-6`), else to three figures (`2.27e-13`).
fn show_setting<T: Float>(x: T) -> String {
    let text = show(x);
    if text.len() <= 8 {
        text
    } else {
        format!("{:.2e}", x.to_f64())
    }
}

/// An error in units of tolerance, to three figures.
fn show_error<T: Float>(e: T) -> String {
    let e = e.to_f64();
    if e == 0.0 || !e.is_finite() || (1e-2..1e4).contains(&e.abs()) {
        format!("{:.3}", e)
    } else {
        format!("{e:.2e}")
    }
}

#[cfg(test)]
mod tests {
    use super::error;

    const INF: f64 = f64::INFINITY;

    #[test]
    fn error_is_the_distance_in_units_of_tolerance() {
        // |1 − 1.1| against 0.01 + 0.1·1.1 = 0.12.
        assert!((error(1.0_f64, 1.1, 0.01, 0.1) - 0.1 / 0.12).abs() < 1e-12);
        assert_eq!(error(3.0, 3.0, 0.0, 0.0), 0.0);
        assert_eq!(error(1.0, 1.5, 0.0, 0.0), INF);
    }

    #[test]
    fn only_the_same_infinity_agrees() {
        assert_eq!(error(INF, INF, 1e-5, 1e-3), 0.0);
        assert_eq!(error(-INF, -INF, 1e-5, 1e-3), 0.0);
        assert_eq!(error(INF, -INF, 1e-5, 1e-3), INF);
        assert_eq!(error(INF, 1e300, 1e-5, 1e-3), INF);
        assert_eq!(error(f64::NAN, f64::NAN, 1e-5, 1e-3), INF);
        assert_eq!(error(1.0, f64::NAN, 1e-5, 1e-3), INF);
    }
}
