//! The teaching examples, with numbers worked out by hand.

use backprop::grad;

#[test]
fn add_then_multiply() {
    // t = x + y = 300, out = t * z = 1200; d out/d t = z = 4 reaches x and y unchanged
    // through the `+`, and d out/d z = t = 300.
    let f = grad!((x + y) * z);
    let (out, pullback) = f.forward(100.0, 200.0, 4.0);
    assert_eq!(out, 1200.0);
    assert_eq!(pullback.backward(1.0), [4.0, 4.0, 300.0]);
    assert_eq!(
        f.value_and_grad(100.0, 200.0, 4.0),
        (1200.0, [4.0, 4.0, 300.0])
    );
    assert_eq!(f.inputs(), ["x", "y", "z"]);
}

#[test]
fn two_products_and_a_sum() {
    // out = (x1 x2 + x3) x4 at (2, 3, 4, 5): value (6 + 4) * 5 = 50;
    // gradient (x2 x4, x1 x4, x4, x1 x2 + x3) = (15, 10, 5, 10).
    let f = grad!(((x1 * x2) + x3) * x4);
    assert_eq!(
        f.value_and_grad(2.0, 3.0, 4.0, 5.0),
        (50.0, [15.0, 10.0, 5.0, 10.0])
    );
}

#[test]
fn square_of_a_sum() {
    // d/dx (x + y)^2 = 2(x + y), and the same by y.
    let f = grad!((x + y).powi(2));
    for (x, y) in [(1.0, 2.0), (-3.5, 0.25), (0.0, 0.0), (1e3, -2e3)] {
        let (value, [dx, dy]) = f.value_and_grad(x, y);
        assert_eq!(value, (x + y) * (x + y));
        assert_eq!(dx, 2.0 * (x + y));
        assert_eq!(dy, 2.0 * (x + y));
    }
}

#[test]
fn the_derivation_spells_out_the_chain_rule() {
    let f = grad!((x + y) * z);
    assert_eq!(
        f.derivation(),
        "forward\n  t0 = x + y\n  out = t0 * z\nbackward\n  d_t0 = dout * z\n  d_z = dout * t0\n  \
         d_x = d_t0\n  d_y = d_t0\n"
    );
}
