//! The last check on a case before it is written: the test's central differences must
//! agree with an accurate derivative by a wide margin, so a correct implementation always
//! passes and only a wrong gradient fails.
//!
//! The accurate derivative is a Richardson extrapolation of central differences with
//! steps far larger than the test's, in `f64`; computing it at two steps and asking them
//! to agree also proves the function smooth around the point (a kink or a jump within the
//! larger step would make them differ). Everything here uses forward values only, never a
//! derivative rule of the code under test.

use backprop_core::{Float, GradCheck};

use crate::case::Case;
use crate::expr::{Elem, Eval};

/// The largest value and gradient component a case may have.
const MODERATE: f64 = 1e3;
/// The test's numeric gradient must be within this fraction of its tolerance.
const MARGIN: f64 = 0.1;

pub fn passes(case: &Case) -> bool {
    let value64 = |x: &[f64]| value(case, x);
    match case.elem {
        Elem::F64 => smooth_at::<f64>(&case.point, &value64, &value64),
        Elem::F32 => smooth_at::<f32>(&case.point, &|x: &[f32]| value(case, x), &value64),
    }
}

/// The case's value at `x` in `T`, if every intermediate is finite and moderate.
pub fn value<T: Float>(case: &Case, x: &[T]) -> Option<T> {
    let mut lets = Vec::new();
    for b in &case.lets {
        let v = Eval {
            inputs: x,
            lets: &lets,
            consts: &case.consts,
        }
        .eval(&b.value)?;
        lets.push(v);
    }
    Eval {
        inputs: x,
        lets: &lets,
        consts: &case.consts,
    }
    .eval(&case.body)
}

/// The screen for any function of the point, given by its forward values in `T` (what the
/// test computes) and in `f64` (for the accurate derivative): the value is moderate, the
/// function smooth around the point, and the test's central differences within a small
/// fraction of `gradcheck`'s tolerance of the accurate derivative. The loop corpus shares it.
pub fn smooth_at<T: Float>(
    point: &[f64],
    value: &dyn Fn(&[T]) -> Option<T>,
    value64: &dyn Fn(&[f64]) -> Option<f64>,
) -> bool {
    let at: Vec<T> = point.iter().map(|&v| T::from_f64(v)).collect();
    let Some(v) = value(&at) else {
        return false;
    };
    if v.to_f64().abs() > MODERATE {
        return false;
    }
    let settings = GradCheck::<T>::new();
    (0..at.len()).all(|i| {
        let (Some(r1), Some(r2)) = (
            richardson(point, value64, i, 1e-3),
            richardson(point, value64, i, 2e-3),
        ) else {
            return false;
        };
        if (r1 - r2).abs() > 1e-6 * (1.0 + r1.abs()) || r1.abs() > MODERATE {
            return false;
        }
        let Some(numeric) = central::<T>(value, &at, i, settings.eps) else {
            return false;
        };
        let allowed = settings.atol.to_f64() + settings.rtol.to_f64() * numeric.abs();
        (numeric - r1).abs() <= MARGIN * allowed
    })
}

/// What `numeric::central_difference` computes for input `i`, in `T`.
fn central<T: Float>(value: &dyn Fn(&[T]) -> Option<T>, at: &[T], i: usize, eps: T) -> Option<f64> {
    let mut plus = at.to_vec();
    let mut minus = at.to_vec();
    plus[i] = at[i] + eps;
    minus[i] = at[i] - eps;
    let d = (value(&plus)? - value(&minus)?) / (plus[i] - minus[i]);
    Some(d.to_f64())
}

/// d/dx_i in f64 by Richardson extrapolation: (4·D(h/2) − D(h)) / 3, error O(h⁴).
fn richardson(
    point: &[f64],
    value: &dyn Fn(&[f64]) -> Option<f64>,
    i: usize,
    h: f64,
) -> Option<f64> {
    let d = |h: f64| -> Option<f64> {
        let mut plus = point.to_vec();
        let mut minus = point.to_vec();
        plus[i] += h;
        minus[i] -= h;
        Some((value(&plus)? - value(&minus)?) / (plus[i] - minus[i]))
    };
    Some((4.0 * d(h / 2.0)? - d(h)?) / 3.0)
}
