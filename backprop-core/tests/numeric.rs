//! Central differences against derivatives worked out by hand.
//!
//! Each tolerance follows the error model in the `numeric` docs: truncation `eps²·f'''/6`
//! plus rounding about `ε·|f|/eps`, with a margin of ten or more.

use backprop_core::numeric::{central_difference, default_eps, numeric_grad};

#[test]
fn cube_at_two_is_twelve() {
    // Truncation eps² = 1e-12, rounding about 2.2e-16·8/1e-6 ≈ 2e-9.
    let [d] = central_difference(|[x]: [f64; 1]| x * x * x, [2.0], 1e-6);
    assert!((d - 12.0).abs() < 2e-8, "{d}");
}

#[test]
fn the_difference_is_central_not_one_sided() {
    // For x³ the central difference is exactly 3x² + eps², so with eps = 0.01 it gives
    // 12.0001; a forward difference would give 3x² + 3x·eps + eps² = 12.0601.
    let [d] = central_difference(|[x]: [f64; 1]| x * x * x, [2.0], 1e-2);
    assert!((d - 12.0001).abs() < 1e-10, "{d}");
}

#[test]
fn sine_at_one_is_cosine_of_one() {
    // Truncation eps²·cos(1)/6 ≈ 1e-13, rounding about 2e-10.
    let [d] = central_difference(|[x]: [f64; 1]| x.sin(), [1.0], 1e-6);
    assert!((d - 0.540_302_305_868_139_8).abs() < 2e-9, "{d}");
}

#[test]
fn each_input_is_moved_alone() {
    // f(x, y) = x·y² + eˣ: ∂f/∂x = y² + eˣ = 4 + e, ∂f/∂y = 2xy = 4 at (1, 2).
    let g = central_difference(|[x, y]: [f64; 2]| x * y * y + x.exp(), [1.0, 2.0], 1e-6);
    assert!((g[0] - (4.0 + core::f64::consts::E)).abs() < 1e-8, "{g:?}");
    assert!((g[1] - 4.0).abs() < 1e-8, "{g:?}");
}

#[test]
fn the_step_is_the_distance_actually_taken() {
    // 100 ± 1e-3 are not representable in f32 (its spacing there is 2^-17 ≈ 7.6e-6), so
    // dividing by 2·eps would be off by up to 0.4 %; dividing by the distance between the
    // evaluated points makes the slope of the identity exactly 1.
    for x in [100.0_f32, -37.25, 1234.5, 0.3] {
        let [d] = central_difference(|[x]: [f32; 1]| x, [x], 1e-3);
        assert_eq!(d, 1.0, "at {x}");
    }
}

#[test]
fn a_step_lost_to_rounding_gives_nan_not_zero() {
    // 1e10 ± 1e-3 both round to 1e10 in f32: the slope cannot be estimated.
    let [d] = central_difference(|[x]: [f32; 1]| x * x, [1e10], 1e-3);
    assert!(d.is_nan(), "{d}");
}

#[test]
fn default_steps() {
    assert_eq!(default_eps::<f64>(), 1e-6);
    assert_eq!(default_eps::<f32>(), 1e-3);
}

#[test]
fn f32_with_the_default_step() {
    // Rounding about 1.2e-7·8/1e-3 ≈ 1e-3 dominates; truncation is 1e-6.
    let [d] = numeric_grad(|[x]: [f32; 1]| x * x * x, [2.0]);
    assert!((d - 12.0).abs() < 1e-2, "{d}");
    let [s] = numeric_grad(|[x]: [f32; 1]| x.sin(), [1.0]);
    assert!((s - 0.540_302_3).abs() < 1e-3, "{s}");
}

#[test]
fn no_inputs_no_gradient() {
    let g: [f64; 0] = numeric_grad(|[]: [f64; 0]| 1.0, []);
    assert_eq!(g, []);
}
