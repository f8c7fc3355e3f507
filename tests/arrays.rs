//! Array parameters, local arrays and `for` loops in `grad!` bodies: values against the
//! same body as a plain Rust closure (bit for bit), gradients against the runtime graph
//! and central differences through `gradcheck`, and gradients shaped like the parameters.

use backprop::{grad, gradcheck, Differentiable};

#[test]
fn rosenbrock_as_a_loop() {
    let f = grad!(|x: [f64; 4]| {
        let mut s = 0.0;
        for i in 0..x.len() - 1 {
            s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
        }
        s
    });
    let plain = |x: [f64; 4]| {
        let mut s = 0.0;
        for i in 0..x.len() - 1 {
            s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
        }
        s
    };
    let x = [-1.2, 1.0, 0.5, 2.0];
    assert_eq!(f.value(x).to_bits(), plain(x).to_bits());
    let (value, gradient) = f.value_and_grad(x);
    assert_eq!(value.to_bits(), plain(x).to_bits());
    // By hand: d/dx_i of the sum.
    let mut expected = [0.0; 4];
    for i in 0..3 {
        let r = x[i + 1] - x[i] * x[i];
        expected[i] += -400.0 * x[i] * r - 2.0 * (1.0 - x[i]);
        expected[i + 1] += 200.0 * r;
    }
    for k in 0..4 {
        assert!((gradient[k] - expected[k]).abs() <= 1e-12 * expected[k].abs().max(1.0));
    }
    assert_eq!(f.inputs(), ["x[0]", "x[1]", "x[2]", "x[3]"]);
    gradcheck(&f, x).assert_passed();
}

#[test]
fn several_parameters_give_a_tuple_shaped_like_them() {
    let f = grad!(|w: [[f64; 2]; 2], b: [f64; 2], c: f64| {
        let mut out = c;
        for j in 0..2 {
            out += (w[j][0] * 0.5 + w[j][1] * -1.5 + b[j]).tanh();
        }
        out
    });
    let w = [[0.1, 0.2], [0.3, -0.4]];
    let (value, (dw, db, dc)) = f.value_and_grad(w, [0.5, -0.25], 2.0);
    let plain = 2.0
        + (0.1 * 0.5 + 0.2 * -1.5 + 0.5_f64).tanh()
        + (0.3 * 0.5 + -0.4 * -1.5 - 0.25_f64).tanh();
    assert!((value - plain).abs() < 1e-15);
    assert_eq!(dc, 1.0);
    for j in 0..2 {
        let z: f64 = w[j][0] * 0.5 + w[j][1] * -1.5 + [0.5, -0.25][j];
        let dz = 1.0 - z.tanh() * z.tanh();
        assert!((db[j] - dz).abs() < 1e-15);
        assert!((dw[j][0] - 0.5 * dz).abs() < 1e-15);
        assert!((dw[j][1] - -1.5 * dz).abs() < 1e-15);
    }
    assert_eq!(
        f.inputs(),
        ["w[0][0]", "w[0][1]", "w[1][0]", "w[1][1]", "b[0]", "b[1]", "c"]
    );
    // The flat view, through which generic code takes any grad!.
    let flat = [0.1, 0.2, 0.3, -0.4, 0.5, -0.25, 2.0];
    let (flat_value, flat_grad) = Differentiable::value_and_grad(&f, flat);
    assert_eq!(flat_value.to_bits(), value.to_bits());
    assert_eq!(
        flat_grad,
        [dw[0][0], dw[0][1], dw[1][0], dw[1][1], db[0], db[1], dc]
    );
    gradcheck(&f, flat).assert_passed();
    // The pullback is shaped too.
    let (_, pullback) = f.forward(w, [0.5, -0.25], 2.0);
    assert_eq!(pullback.backward(1.0), (dw, db, dc));
}

#[test]
fn local_arrays_and_element_assignment() {
    let f = grad!(|x: [f64; 3]| {
        let mut h = [0.0; 3];
        for i in 0..3 {
            h[i] = x[i] * (i + 1) as f64;
        }
        let g = [h[0] + h[1], h[2]];
        g[0] * g[1]
    });
    let x: [f64; 3] = [1.5, -2.0, 0.5];
    let plain = {
        let h = [x[0] * 1.0, x[1] * 2.0, x[2] * 3.0];
        (h[0] + h[1]) * h[2]
    };
    assert_eq!(f.value(x).to_bits(), plain.to_bits());
    gradcheck(&f, x).assert_passed();
}

#[test]
fn loop_forms_nested_reversed_stepped_and_inclusive() {
    let f = grad!(|x: [f64; 6]| {
        let mut s = 0.0;
        for i in (0..6).rev() {
            s = s * 0.5 + x[i];
        }
        for i in (0..6).step_by(2) {
            for j in i..=i + 1 {
                s += x[i] * x[j];
            }
        }
        s
    });
    let plain = |x: [f64; 6]| {
        let mut s = 0.0;
        for i in (0..6).rev() {
            s = s * 0.5 + x[i];
        }
        for i in (0..6).step_by(2) {
            for j in i..=i + 1 {
                s += x[i] * x[j];
            }
        }
        s
    };
    let x = [0.3, -1.1, 2.0, 0.7, -0.4, 1.3];
    assert_eq!(f.value(x).to_bits(), plain(x).to_bits());
    gradcheck(&f, x).assert_passed();
}

#[test]
fn the_loop_variable_as_an_exponent_and_in_static_conditions() {
    let f = grad!(|x| {
        let mut s = 0.0;
        for i in 0..5 {
            if i % 2 == 0 {
                s += x.powi(i as i32);
            } else if i == 3 {
                s -= x;
            } else {
                s *= 2.0;
            }
        }
        s
    });
    let x: f64 = 1.3;
    // i = 0, 2, 4 add x^i; i = 3 subtracts x; i = 1 doubles.
    let plain = ((x.powi(0) * 2.0 + x.powi(2)) - x) + x.powi(4);
    assert_eq!(f.value(x).to_bits(), plain.to_bits());
    gradcheck(&f, [x]).assert_passed();
}

#[test]
fn captured_data_indexed_by_the_loop_variable() {
    let xs = [1.0, 2.0, 3.0];
    let ys = [2.1, 3.9, 6.2];
    let f = grad!(|w, b| {
        let mut loss = 0.0;
        for i in 0..3 {
            loss += (w * xs[i] + b - ys[i]).powi(2);
        }
        loss
    });
    let plain = |w: f64, b: f64| {
        let mut loss = 0.0;
        for i in 0..3 {
            loss += (w * xs[i] + b - ys[i]).powi(2);
        }
        loss
    };
    assert_eq!(f.value(2.0, 0.1).to_bits(), plain(2.0, 0.1).to_bits());
    gradcheck(&f, [2.0, 0.1]).assert_passed();
    assert!(f.derivation().contains("xs[1]"), "{}", f.derivation());
}

#[test]
fn derivation_names_array_elements_as_written() {
    let f = grad!(|x: [f64; 2]| x[0] * x[1]);
    assert_eq!(
        f.derivation(),
        "forward\n  out = x[0] * x[1]\nbackward\n  d_x[0] = dout * x[1]\n  d_x[1] = dout * x[0]\n"
    );
    assert_eq!(f.grad([3.0, 4.0]), [4.0, 3.0]);
    let trace = f.trace([3.0, 4.0]);
    assert!(
        trace
            .to_string()
            .contains("  d_x[0] = dout * x[1] = 1 * 4 = 4\n"),
        "{trace}"
    );
}

#[test]
fn f32_arrays() {
    let f = grad!(|x: [f32; 2]| x[0].sin() * x[1]);
    let (value, gradient) = f.value_and_grad([0.5, 2.0]);
    assert_eq!(value.to_bits(), (0.5_f32.sin() * 2.0).to_bits());
    assert_eq!(gradient, [0.5_f32.cos() * 2.0, 0.5_f32.sin()]);
}
