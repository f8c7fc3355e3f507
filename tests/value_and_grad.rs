//! `value_and_grad` is `forward` then `backward(1)`, to the bit, although the macro writes
//! it as one body of its own (see `FUSED_LIMIT` in backprop-macro/src/emit/mod.rs).

use backprop::grad;

fn bits<const N: usize>((v, g): (f64, [f64; N])) -> (u64, [u64; N]) {
    (v.to_bits(), g.map(f64::to_bits))
}

#[test]
fn seed_example() {
    let f = grad!((x + y) * z);
    let (value, pullback) = f.forward(100.0, 200.0, 4.0);
    assert_eq!(
        f.value_and_grad(100.0, 200.0, 4.0),
        (value, pullback.backward(1.0))
    );
    assert_eq!(
        f.value_and_grad(100.0, 200.0, 4.0),
        (1200.0, [4.0, 4.0, 300.0])
    );
}

#[test]
fn every_kind_of_step() {
    // Shared values, an auxiliary value (sigmoid), a binary rule (atan2), powi with a
    // captured exponent, a captured constant and shadowing `let`s.
    let (n, k) = (3, 0.25);
    let f = grad!(|a, b, c| {
        let s = (a * b + k).sigmoid();
        let s = s * s.atan2(c) + (a - c).powi(n);
        s.tanh() / (b * b + 1.0) + a.max(c).sqrt()
    });
    for x in [[0.3, -1.2, 0.7], [2.0, 0.5, -0.1], [0.0, 0.0, 1.0]] {
        let (value, pullback) = f.forward(x[0], x[1], x[2]);
        assert_eq!(
            bits(f.value_and_grad(x[0], x[1], x[2])),
            bits((value, pullback.backward(1.0)))
        );
    }
}
