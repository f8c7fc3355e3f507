//! The closure form: parameters as inputs, constants captured from the scope, `let`
//! blocks, element types.

use backprop::grad;

struct Model {
    scale: f64,
}

impl Model {
    fn loss(&self, x: f64, y: f64) -> (f64, [f64; 1]) {
        // `self.scale` is captured when grad! runs.
        grad!(|w| (w * self.scale * x - y).powi(2)).value_and_grad(0.5)
    }
}

fn offset(k: f64) -> f64 {
    k * 10.0
}

#[test]
fn captured_constants_inside_a_training_loop() {
    let xs = [1.0, 2.0, 3.0];
    let ys = [2.0, 4.0, 6.0];
    let (mut w, mut b) = (0.0, 0.0);
    for _ in 0..2000 {
        let mut dw = 0.0;
        let mut db = 0.0;
        for i in 0..xs.len() {
            let [gw, gb] = grad!(|w, b| (w * xs[i] + b - ys[i]).powi(2)).grad(w, b);
            dw += gw;
            db += gb;
        }
        w -= 0.05 * dw;
        b -= 0.05 * db;
    }
    assert!((w - 2.0).abs() < 1e-6 && b.abs() < 1e-6, "w = {w}, b = {b}");
}

#[test]
fn constants_of_every_kind() {
    let k = 1.5;
    let model = Model { scale: 2.0 };
    let data = Vec::from([0.5, 0.25]);
    let f = grad!(|w| w * k
        + w * model.scale
        + w * data[1]
        + w * offset(k)
        + w * (data.len() as f64)
        + w * std::f64::consts::PI
        + 2.0 * k * w
        + sigmoid(k) * w);
    let slope =
        1.5 + 2.0 + 0.25 + 15.0 + 2.0 + std::f64::consts::PI + 3.0 + 1.0 / (1.0 + (-1.5_f64).exp());
    let [g] = f.grad(3.0);
    assert!((g - slope).abs() < 1e-12, "{g} vs {slope}");
    assert!((model.loss(1.0, 0.0).1[0] - 2.0 * (0.5 * 2.0) * 2.0).abs() < 1e-12);
}

#[test]
fn parameters_come_in_the_order_written() {
    let f = grad!(|b, a| a * 10.0 + b);
    assert_eq!(f.inputs(), ["b", "a"]);
    assert_eq!(f.grad(1.0, 1.0), [1.0, 10.0]);
}

#[test]
fn the_first_annotation_sets_the_element_type() {
    let f = grad!(|a, b: f32| a * b);
    let (value, grad): (f32, [f32; 2]) = f.value_and_grad(1.5, 2.0);
    assert_eq!((value, grad), (3.0, [2.0, 1.5]));
    let g = grad!(|a: f64, b: f64| -> f64 { a / b });
    assert_eq!(g.grad(1.0, 2.0), [0.5, -0.25]);
}

#[test]
fn a_let_may_carry_the_element_type() {
    let f = grad!(|x: f32| {
        let y: f32 = x * x;
        y.sqrt()
    });
    assert_eq!(f.value_and_grad(3.0), (3.0, [1.0]));
}

#[test]
fn expression_form_paths_are_constants() {
    let f = grad!(x * std::f64::consts::E + core::f64::consts::LN_2);
    assert_eq!(f.inputs(), ["x"]);
    assert_eq!(f.grad(1.0), [std::f64::consts::E]);
}

#[test]
fn expression_form_inputs_in_order_of_first_appearance() {
    let f = grad!(atan2(y, x) + x * z.exp() - y);
    assert_eq!(f.inputs(), ["y", "x", "z"]);
}
