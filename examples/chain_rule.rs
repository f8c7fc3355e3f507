//! The chain rule unrolled, on the two other examples of the classic text:
//! `((x1 * x2) + x3) * x4`, and `(x + y)^2` whose derivative is 2(x + y). Each gradient is
//! printed with the steps that produced it, numbers included (`f.trace(..)`), and checked
//! against central differences and the runtime graph by `backprop::gradcheck`.
//!
//! Run with `cargo run --example chain_rule`.

use backprop::{grad, gradcheck};

fn main() {
    // Each `*` node sends dout times the other side's value back; each `+` node copies it.
    let f = grad!(((x1 * x2) + x3) * x4);
    let (x1, x2, x3, x4) = (2.0, 3.0, 4.0, 5.0);
    let (out, grad) = f.value_and_grad(x1, x2, x3, x4);
    println!("out = ((x1 * x2) + x3) * x4  at  x1 = {x1}, x2 = {x2}, x3 = {x3}, x4 = {x4}");
    println!("value {out}; gradient by {:?}: {grad:?}", f.inputs());
    // By hand: dout/dx1 = x4·x2, dout/dx2 = x4·x1, dout/dx3 = x4, dout/dx4 = x1·x2 + x3.
    let by_hand = [x4 * x2, x4 * x1, x4, x1 * x2 + x3];
    println!("by hand (x4·x2, x4·x1, x4, x1·x2 + x3): {by_hand:?}\n");
    assert_eq!(out, 50.0);
    assert_eq!(grad, by_hand);
    // The steps with their numbers: the trace of the generated code's own pass.
    print!("{}", f.trace(x1, x2, x3, x4));
    let report = gradcheck(&f, [x1, x2, x3, x4]);
    println!("\n{report}\n");
    report.assert_passed();

    // `^` is XOR in Rust, so the square is written `powi(2)`.
    let g = grad!((x + y).powi(2));
    let (x, y) = (1.5, -4.0);
    let (out, [dx, dy]) = g.value_and_grad(x, y);
    let expected = 2.0 * (x + y);
    println!("out = (x + y).powi(2)  at  x = {x}, y = {y}");
    println!("value {out}; gradient (dx, dy) = ({dx}, {dy}); 2(x + y) = {expected}\n");
    assert_eq!(out, (x + y) * (x + y));
    assert_eq!([dx, dy], [expected, expected]);
    print!("{}", g.trace(x, y));
    let report = gradcheck(&g, [x, y]);
    println!("\n{report}");
    report.assert_passed();
}
