//! Names that look like the generated ones work as inputs, as captured constants and as
//! `let` bindings: the generated locals are hygienic and the names never collide.

use backprop::grad;

#[test]
fn inputs_named_like_generated_locals() {
    // out = (dout + t0) * grad + out_ * d_t0 ... each name is just an input.
    let f = grad!((dout + t0) * grad + out * d_t0 + __t0 * value * pullback * graph * inputs);
    assert_eq!(
        f.inputs(),
        ["dout", "t0", "grad", "out", "d_t0", "__t0", "value", "pullback", "graph", "inputs"]
    );
    let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
    let (value, grad) =
        f.value_and_grad(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9]);
    assert_eq!(
        value,
        (1.0 + 2.0) * 3.0 + 4.0 * 5.0 + 6.0 * 7.0 * 8.0 * 9.0 * 10.0
    );
    let rest = 7.0 * 8.0 * 9.0 * 10.0;
    assert_eq!(
        grad,
        [
            3.0,
            3.0,
            3.0,
            5.0,
            4.0,
            rest,
            rest / 7.0 * 6.0,
            rest / 8.0 * 6.0,
            rest / 9.0 * 6.0,
            rest / 10.0 * 6.0
        ]
    );
}

#[test]
fn captured_constants_named_like_generated_locals() {
    let dout = 2.0;
    let t0 = 3.0;
    let out = 5.0;
    let d_w = 7.0;
    let saved = [11.0];
    let f = grad!(|w| {
        let t0 = w * t0 + dout;
        let out = t0 * out + d_w * saved[0];
        out * w
    });
    // f(w) = ((3w + 2) * 5 + 77) w = 15w² + 87w; f'(w) = 30w + 87.
    assert_eq!(
        f.value_and_grad(2.0),
        (15.0 * 4.0 + 87.0 * 2.0, [30.0 * 2.0 + 87.0])
    );
}

#[test]
fn raw_identifiers_and_keywords_as_names() {
    let r#type = 4.0;
    let f = grad!(|r#in, r#match| {
        let r#fn = r#in * r#type;
        r#fn + r#match
    });
    assert_eq!(f.inputs(), ["in", "match"]);
    assert_eq!(f.value_and_grad(1.5, 2.0), (8.0, [4.0, 1.0]));
}

#[test]
fn shadowing_in_let_blocks() {
    let f = grad!(|w, b| {
        let a = w * b;
        let a = a + w;
        let w = a * a;
        w - b
    });
    // a = w b + w; result = a² − b; d/dw = 2a (b + 1), d/db = 2a w − 1.
    let (w, b) = (1.5, -0.5);
    let a = w * b + w;
    assert_eq!(
        f.value_and_grad(w, b),
        (a * a - b, [2.0 * a * (b + 1.0), 2.0 * a * w - 1.0])
    );
}

#[test]
fn two_invocations_in_one_scope() {
    let f = grad!(x * y);
    let g = grad!(x + y);
    assert_eq!(f.grad(2.0, 3.0), [3.0, 2.0]);
    assert_eq!(g.grad(2.0, 3.0), [1.0, 1.0]);
}

const SCALE: f64 = 2.0;
static OFFSET: f64 = 0.5;

#[test]
fn captured_constants_that_are_items() {
    // A local named `SCALE` would be a pattern matching the constant; the generated code
    // must not bind one.
    let f = grad!(|x| SCALE * x + OFFSET * x * x);
    assert_eq!(
        f.value_and_grad(2.0),
        (4.0 + 2.0, [SCALE + 2.0 * OFFSET * 2.0])
    );
}

const STEPS: usize = 400;

#[test]
fn loop_states_and_captured_items_named_like_generated_locals() {
    // States named as the rolled loop's own locals (`acc`, `acc1`, `e1`, `g1`, `pb1`),
    // and a `const` and a `static` read inside the loop, which the loop's generated
    // parameters must not meet as patterns.
    let f = grad!(|k: f64| {
        let mut acc = 1.0;
        let mut acc1 = 0.0;
        let mut e1 = 0.0;
        for _ in 0..STEPS {
            let g1 = SCALE * 0.001 * k * acc;
            let pb1 = OFFSET * 0.001 * acc1;
            acc1 -= g1;
            acc += pb1 + 0.001 * acc1;
            e1 += acc * acc;
        }
        acc + acc1 + 0.001 * e1
    });
    let run = |k: f64| {
        let (mut acc, mut acc1, mut e1) = (1.0_f64, 0.0_f64, 0.0_f64);
        for _ in 0..STEPS {
            let g1 = SCALE * 0.001 * k * acc;
            let pb1 = OFFSET * 0.001 * acc1;
            acc1 -= g1;
            acc += pb1 + 0.001 * acc1;
            e1 += acc * acc;
        }
        acc + acc1 + 0.001 * e1
    };
    assert!(f.derivation().contains("kept a loop"));
    let (value, [d_k]) = f.value_and_grad(0.7);
    assert_eq!(value.to_bits(), run(0.7).to_bits());
    let h = 1e-6;
    let numeric = (run(0.7 + h) - run(0.7 - h)) / (2.0 * h);
    assert!(
        (d_k - numeric).abs() <= 1e-6 * numeric.abs().max(1.0),
        "{d_k} {numeric}"
    );
}
