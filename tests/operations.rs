//! Every operation of the table through `grad!`, in method form and in function form,
//! against the runtime graph (recorded independently, handle by handle) and against
//! central differences.

use backprop::{grad, gradcheck, Differentiable, GraphFn, OPS};

/// Checks a one-input `grad!` function against the graph version `reference` at `points`:
/// values and gradients equal (both apply the same rule), and central differences agree.
fn check<F, G, const N: usize>(name: &str, f: &F, reference: &G, points: &[[f64; N]])
where
    F: Differentiable<f64, N>,
    G: Differentiable<f64, N>,
{
    for &x in points {
        let (value, grad) = f.value_and_grad(x);
        let (ref_value, ref_grad) = reference.value_and_grad(x);
        assert_eq!(
            value.to_bits(),
            ref_value.to_bits(),
            "{name} value at {x:?}"
        );
        for k in 0..N {
            let (a, b) = (grad[k], ref_grad[k]);
            assert!(
                a == b || (a - b).abs() <= 1e-15 * b.abs(),
                "{name} gradient {k} at {x:?}: grad! {a}, graph {b}"
            );
        }
        let report = gradcheck(f, x);
        assert!(report.passed(), "{name} at {x:?}:\n{report}");
    }
}

/// For each unary operation: the method form, the function form, and the graph's method.
macro_rules! unary {
    ($($name:ident: $points:expr;)*) => {
        #[test]
        fn unary_operations() {
            $(
                let method = grad!(|x| x.$name());
                let function = grad!(|x| $name(x));
                let graph = GraphFn::new(["x"], |[x]| x.$name());
                let points: Vec<[f64; 1]> = $points.iter().map(|&p| [p]).collect();
                check(concat!(stringify!($name), " (method)"), &method, &graph, &points);
                check(concat!(stringify!($name), " (function)"), &function, &graph, &points);
            )*
        }
        const UNARY: &[&str] = &[$(stringify!($name)),*];
    };
}

/// Binary operations: `a.op(b)` and `op(a, b)`.
macro_rules! binary {
    ($($name:ident: $points:expr;)*) => {
        #[test]
        fn binary_operations() {
            $(
                let method = grad!(|a, b| a.$name(b));
                let function = grad!(|a, b| $name(a, b));
                let graph = GraphFn::new(["a", "b"], |[a, b]| a.$name(b));
                check(concat!(stringify!($name), " (method)"), &method, &graph, &$points);
                check(concat!(stringify!($name), " (function)"), &function, &graph, &$points);
            )*
        }
        const BINARY: &[&str] = &[$(stringify!($name)),*];
    };
}

const EVERYWHERE: [f64; 6] = [0.3, 0.7, 1.9, -0.4, -2.2, 3.5];
const POSITIVE: [f64; 5] = [0.3, 0.7, 1.9, 3.5, 12.0];
const INSIDE_ONE: [f64; 5] = [0.3, 0.7, -0.4, -0.9, 0.05];
/// Away from the jumps of `floor`, `round` and the others, at integers and halves.
const AWAY_FROM_STEPS: [f64; 5] = [0.3, 0.7, 1.8, -0.4, -2.2];

unary! {
    sqrt: POSITIVE;
    cbrt: EVERYWHERE;
    exp: EVERYWHERE;
    exp2: EVERYWHERE;
    exp_m1: EVERYWHERE;
    ln: POSITIVE;
    ln_1p: [0.3, 0.7, -0.4, -0.9, 5.0];
    log2: POSITIVE;
    log10: POSITIVE;
    recip: EVERYWHERE;
    sin: EVERYWHERE;
    cos: EVERYWHERE;
    tan: [0.3, 0.7, -0.4, -1.2, 1.5];
    asin: INSIDE_ONE;
    acos: INSIDE_ONE;
    atan: EVERYWHERE;
    sinh: EVERYWHERE;
    cosh: EVERYWHERE;
    tanh: EVERYWHERE;
    abs: EVERYWHERE;
    sigmoid: [0.3, -0.7, 4.0, -6.0, 30.0];
    relu: EVERYWHERE;
    softplus: [0.3, -0.7, 4.0, -6.0, 20.0];
    erf: [0.3, -0.7, 1.9, -2.5, 4.0];
    erfc: [0.3, -0.7, 1.9, -2.5, 4.0];
    silu: [0.3, -0.7, 4.0, -6.0, 20.0];
    gelu: [0.3, -0.7, 1.9, -2.5, 4.0];
    gelu_tanh: [0.3, -0.7, 1.9, -2.5, 4.0];
    elu: EVERYWHERE;
    log_sigmoid: [0.3, -0.7, 4.0, -6.0, 20.0];
    signum: AWAY_FROM_STEPS;
    floor: AWAY_FROM_STEPS;
    ceil: AWAY_FROM_STEPS;
    round: AWAY_FROM_STEPS;
    trunc: AWAY_FROM_STEPS;
}

binary! {
    powf: [[0.5, 1.5], [2.0, -0.7], [3.2, 2.0], [0.9, 0.0]];
    log: [[0.5, 3.0], [8.0, 2.0], [2.5, 0.4]];
    atan2: [[1.0, 2.0], [-0.5, 0.3], [0.7, -1.2], [-2.0, -0.1]];
    max: [[1.0, 2.0], [-0.5, -0.7], [3.0, -3.0]];
    min: [[1.0, 2.0], [-0.5, -0.7], [3.0, -3.0]];
    hypot: [[3.0, 4.0], [-0.5, 1.2], [2.0, -0.1]];
    leaky_relu: [[1.5, 0.1], [-0.7, 0.2], [-2.0, 0.05]];
    logaddexp: [[1.0, 2.0], [-0.5, 3.0], [40.0, 39.0], [0.25, 0.25]];
}

#[test]
fn integer_power() {
    let points = [[0.3], [-1.7], [2.5]];
    for n in [-3, -1, 0, 1, 2, 5] {
        let graph = GraphFn::new(["x"], move |[x]| x.powi(n));
        match n {
            -3 => {
                check("powi(-3)", &grad!(|x| x.powi(-3)), &graph, &points);
                check("powi(x, -3)", &grad!(|x| powi(x, -3)), &graph, &points);
            }
            -1 => check("powi(-1)", &grad!(|x| x.powi(-1)), &graph, &points),
            0 => check(
                "powi(0)",
                &grad!(|x| x.powi(0) + x),
                &GraphFn::new(["x"], |[x]| x.powi(0) + x),
                &points,
            ),
            1 => check("powi(1)", &grad!(|x| powi(x, 1)), &graph, &points),
            2 => check("powi(2)", &grad!(|x| x.powi(2)), &graph, &points),
            _ => {
                // An integer constant captured from the surrounding scope.
                let five = 5;
                check("powi(five)", &grad!(|x| x.powi(five)), &graph, &points);
            }
        }
    }
}

#[test]
fn fused_multiply_add() {
    let method = grad!(|a, b, c| a.mul_add(b, c));
    let function = grad!(|a, b, c| mul_add(a, b, c));
    let graph = GraphFn::new(["a", "b", "c"], |[a, b, c]| a.mul_add(b, c));
    let points = [[0.5, 2.0, -1.0], [-3.0, 0.25, 7.0]];
    check("mul_add (method)", &method, &graph, &points);
    check("mul_add (function)", &function, &graph, &points);
}

#[test]
fn clamp() {
    let method = grad!(|x, lo, hi| x.clamp(lo, hi));
    let function = grad!(|x, lo, hi| clamp(x, lo, hi));
    let graph = GraphFn::new(["x", "lo", "hi"], |[x, lo, hi]| x.clamp(lo, hi));
    // Inside, below and above the interval, away from its ends.
    let points = [[0.5, -1.0, 2.0], [-2.0, -1.0, 1.5], [3.0, 0.0, 2.5]];
    check("clamp (method)", &method, &graph, &points);
    check("clamp (function)", &function, &graph, &points);
}

#[test]
fn operators() {
    let f = grad!(|a, b| -(a - b) / (a * b + a));
    let graph = GraphFn::new(["a", "b"], |[a, b]| -(a - b) / (a * b + a));
    check(
        "operators",
        &f,
        &graph,
        &[[0.5, 2.0], [-1.5, 0.75], [3.0, -4.0]],
    );
}

#[test]
fn the_function_form_may_be_spelled_with_the_type() {
    let f = grad!(|x| f64::sin(x) * f64::max(x, 0.5));
    let graph = GraphFn::new(["x"], |[x]| x.sin() * x.max(x.graph().constant(0.5)));
    check("f64::sin", &f, &graph, &[[0.2], [1.3]]);
}

#[test]
fn every_operation_of_the_table_is_covered() {
    let others = [
        "add", "sub", "mul", "div", "neg", "powi", "mul_add", "clamp",
    ];
    for op in OPS {
        assert!(
            UNARY.contains(&op.name) || BINARY.contains(&op.name) || others.contains(&op.name),
            "operation `{}` has no test here",
            op.name
        );
    }
}
