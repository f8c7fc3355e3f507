//! Forward mode and second order: `jvp`, `hvp`, `hessian` and `gradgradcheck` against
//! closed forms worked out by hand and against central differences of the gradient,
//! through the language of a body and `#[differentiable]` calls, and the second
//! derivatives at singular points that the first-derivative conventions imply.

use backprop::rules::sigmoid;
use backprop::{differentiable, grad, gradgradcheck, hessian, hvp, jvp};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn jvp_gives_the_value_bit_for_bit_and_the_directional_derivative() {
    let f = grad!(|x: f64, y: f64| (x * y).sin() + x.exp() / y);
    let (x, v) = ([0.7, 1.3], [0.25, -2.0]);
    let (value, slope) = jvp(&f, x, v);
    assert_eq!(value.to_bits(), f.value(x[0], x[1]).to_bits());
    let g = f.grad(x[0], x[1]);
    assert!(close(slope, g[0] * v[0] + g[1] * v[1]), "{slope}");
}

#[test]
fn closed_form_hessians() {
    // f = x³y + sin(y): H = [[6xy, 3x²], [3x², −sin y]].
    let f = grad!(|x: f64, y: f64| x.powi(3) * y + y.sin());
    let (x, y) = (1.5, -0.5);
    let h = hessian(&f, [x, y]);
    let expected = [[6.0 * x * y, 3.0 * x * x], [3.0 * x * x, -y.sin()]];
    for i in 0..2 {
        for j in 0..2 {
            assert!(close(h[i][j], expected[i][j]), "{h:?}");
        }
    }
    // ln(x) + x·y·z: H has −1/x² and the ones off the diagonal.
    let g = grad!(|x: f64, y: f64, z: f64| x.ln() + x * y * z);
    let h = hessian(&g, [2.0, 3.0, 5.0]);
    assert_eq!(
        h,
        [[-0.25, 5.0, 3.0], [5.0, 0.0, 2.0], [3.0, 2.0, 0.0]],
        "{h:?}"
    );
}

#[test]
fn the_hessian_is_exactly_symmetric_and_its_columns_are_hvps() {
    let f = grad!(|x: [f64; 4]| {
        let mut s = 0.0;
        for i in 0..3 {
            s += (x[i] * x[i + 1]).tanh() + x[i].exp() * x[i + 1].sin();
        }
        s
    });
    let x = [0.3, -0.8, 1.1, 0.45];
    let h = hessian(&f, x);
    for i in 0..4 {
        let unit = std::array::from_fn(|k| if k == i { 1.0 } else { 0.0 });
        let column = hvp(&f, x, unit);
        for j in 0..4 {
            assert_eq!(h[i][j].to_bits(), h[j][i].to_bits());
            assert!(close(h[j][i], column[j]), "{h:?} vs {column:?}");
        }
    }
    gradgradcheck(&f, x).assert_passed();
}

#[test]
fn rosenbrock_hessian_by_hand() {
    let f = grad!(|x: [f64; 3]| {
        let mut s = 0.0;
        for i in 0..2 {
            s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
        }
        s
    });
    let x = [-1.2, 1.0, 0.5];
    let h = hessian(&f, x);
    let mut expected = [[0.0; 3]; 3];
    for i in 0..2 {
        expected[i][i] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0;
        expected[i][i + 1] += -400.0 * x[i];
        expected[i + 1][i] += -400.0 * x[i];
        expected[i + 1][i + 1] += 200.0;
    }
    for i in 0..3 {
        for j in 0..3 {
            assert!(close(h[i][j], expected[i][j]), "{h:?}");
        }
    }
}

#[test]
fn second_derivatives_at_singular_points_follow_the_conventions() {
    // relu'' = 0 and abs'' = 0 everywhere, the kink included.
    let f = grad!(|x: f64| relu(x) * 3.0 + x.abs());
    for x in [-1.0, 0.0, 2.0] {
        assert_eq!(hessian(&f, [x]), [[0.0]], "at {x}");
    }
    // max and min: second derivative 0 away from ties, by each argument.
    let g = grad!(|a: f64, b: f64| a.max(b) * 2.0 + a.min(b));
    assert_eq!(hessian(&g, [1.0, -1.0]), [[0.0, 0.0], [0.0, 0.0]]);
    // A run-time branch takes the second derivative of the arm taken.
    let h = grad!(|x: f64| if x > 0.0 { x * x * x } else { x * x });
    assert_eq!(hessian(&h, [2.0]), [[12.0]]);
    assert_eq!(hessian(&h, [-2.0]), [[2.0]]);
    // σ'' at 0 is 0, and σ'' = σ(1 − σ)(1 − 2σ) elsewhere.
    let s = grad!(|x: f64| sigmoid(x));
    assert_eq!(hessian(&s, [0.0]), [[0.0]]);
    let p = sigmoid(1.5);
    assert!(close(
        hessian(&s, [1.5])[0][0],
        p * (1.0 - p) * (1.0 - 2.0 * p)
    ));
}

#[differentiable]
fn cubic(x: f64, y: f64) -> f64 {
    x * x * x + x * y
}

#[differentiable(grad = cube_grad)]
fn cube(x: f64) -> f64 {
    x * x * x
}

fn cube_grad(x: f64, _out: f64, dout: f64) -> [f64; 1] {
    [dout * 3.0 * x * x]
}

#[test]
fn through_differentiable_calls() {
    let f = grad!(|x: f64, y: f64| cubic(x, y) * y);
    let (x, y) = (1.5, 2.0);
    // f = x³y + xy²: H = [[6xy, 3x² + 2y], [3x² + 2y, 2x]].
    let h = hessian(&f, [x, y]);
    assert_eq!(
        h,
        [
            [6.0 * x * y, 3.0 * x * x + 2.0 * y],
            [3.0 * x * x + 2.0 * y, 2.0 * x]
        ]
    );
    gradgradcheck(&f, [x, y]).assert_passed();
}

#[test]
fn jvp_goes_through_a_custom_derivative() {
    let f = grad!(|x: f64, y: f64| cube(x) * y);
    let (value, slope) = jvp(&f, [2.0, 3.0], [1.0, 0.5]);
    assert_eq!(value, f.value(2.0, 3.0));
    // ∂/∂x = 3x²y = 36, ∂/∂y = x³ = 8.
    assert_eq!(slope, 36.0 + 0.5 * 8.0);
    // First order is unchanged by the custom derivative's limit.
    backprop::gradcheck(&f, [2.0, 3.0]).assert_passed();
}

#[test]
fn f32_second_order() {
    let f = grad!(|x: f32, y: f32| x * x * y);
    assert_eq!(hessian(&f, [3.0, 2.0]), [[4.0, 6.0], [6.0, 0.0]]);
    assert_eq!(jvp(&f, [3.0, 2.0], [1.0, 0.0]), (18.0, 12.0));
}
