//! Every operation of the table, at several points of its domain: the value against the
//! standard library's own method (or a textbook formula), through the graph's `Var`
//! methods and through `Op::eval`; every partial derivative against central differences,
//! through the graph and through `Op::grad`. In `f64` and in `f32`.
//!
//! The cases are looked up by the table's names, so an operation added to the table
//! without a case here fails `every_operation_has_a_case`.

use backprop_core::{Float, Graph, NodeKind, Op, Var, OPS};

/// One operation's test case, for the element type `F`.
struct Case<F: Float> {
    op: Op,
    /// The value, computed without the library.
    reference: fn(&[F]) -> F,
    /// Records the operation on a graph the way a user writes it.
    record: for<'g> fn(&[Var<'g, F>]) -> Var<'g, F>,
    /// Points inside the domain, away from kinks and branch cuts.
    points: &'static [&'static [f64]],
    /// The relative tolerance of the value, where the reference formula itself rounds
    /// more than a few ulps (0: four ulps).
    rtol: f64,
}

impl<F: Float> Case<F> {
    fn rtol(self, rtol: f64) -> Self {
        Case { rtol, ..self }
    }
}

/// erf by its Maclaurin series 2/√π Σ (−1)ⁿ x^(2n+1) / (n!·(2n+1)), summed in f64; good to
/// a few ulps for |x| ≤ 2.
fn erf_series<F: Float>(x: F) -> F {
    let x = x.to_f64();
    let (mut term, mut sum) = (x, x);
    for n in 1..60_i32 {
        term *= -x * x / f64::from(n);
        sum += term / f64::from(2 * n + 1);
    }
    F::from_f64(sum * core::f64::consts::FRAC_2_SQRT_PI)
}

// The same table for both element types, so that each reference is that type's own method.
macro_rules! case_table {
    ($case:ident, $F:ident) => {
        fn $case(name: &str) -> Case<$F> {
            fn c(
                op: Op,
                reference: fn(&[$F]) -> $F,
                record: for<'g> fn(&[Var<'g, $F>]) -> Var<'g, $F>,
                points: &'static [&'static [f64]],
            ) -> Case<$F> {
                Case {
                    op,
                    reference,
                    record,
                    points,
                    rtol: 0.0,
                }
            }
            const UNARY: &[&[f64]] = &[&[-2.0], &[-0.6], &[0.3], &[1.5], &[4.0]];
            const BINARY: &[&[f64]] = &[&[1.5, -2.25], &[-0.7, 3.1], &[-1.2, -0.4], &[2.0, 0.5]];
            const POSITIVE: &[&[f64]] = &[&[0.3], &[1.0], &[2.5], &[7.5]];
            const UNIT: &[&[f64]] = &[&[-0.9], &[-0.3], &[0.0], &[0.5], &[0.8]];
            // Away from the jumps at integers and halves, and from 0.
            const STEPS: &[&[f64]] = &[&[-1.7], &[-0.6], &[0.3], &[1.4], &[3.2]];
            const ERF: &[&[f64]] = &[&[-1.5], &[-0.6], &[0.3], &[1.2]];
            // The formulas below round in ways the library avoids.
            const FORMULA: f64 = 1e-14;

            match name {
                "add" => c(Op::Add, |a| a[0] + a[1], |v| v[0] + v[1], BINARY),
                "sub" => c(Op::Sub, |a| a[0] - a[1], |v| v[0] - v[1], BINARY),
                "mul" => c(Op::Mul, |a| a[0] * a[1], |v| v[0] * v[1], BINARY),
                "div" => c(Op::Div, |a| a[0] / a[1], |v| v[0] / v[1], BINARY),
                "neg" => c(Op::Neg, |a| -a[0], |v| -v[0], UNARY),
                "powi" => c(Op::Powi(3), |a| a[0].powi(3), |v| v[0].powi(3), UNARY),
                "powf" => c(
                    Op::Powf,
                    |a| a[0].powf(a[1]),
                    |v| v[0].powf(v[1]),
                    &[&[1.7, 2.3], &[0.4, -1.5], &[2.5, 0.5], &[0.9, -3.0]],
                ),
                "sqrt" => c(Op::Sqrt, |a| a[0].sqrt(), |v| v[0].sqrt(), POSITIVE),
                "cbrt" => c(Op::Cbrt, |a| a[0].cbrt(), |v| v[0].cbrt(), UNARY),
                "exp" => c(Op::Exp, |a| a[0].exp(), |v| v[0].exp(), UNARY),
                "exp2" => c(Op::Exp2, |a| a[0].exp2(), |v| v[0].exp2(), UNARY),
                "exp_m1" => c(Op::ExpM1, |a| a[0].exp_m1(), |v| v[0].exp_m1(), UNARY),
                "ln" => c(Op::Ln, |a| a[0].ln(), |v| v[0].ln(), POSITIVE),
                "ln_1p" => c(
                    Op::Ln1p,
                    |a| a[0].ln_1p(),
                    |v| v[0].ln_1p(),
                    &[&[-0.5], &[-0.01], &[0.001], &[3.0]],
                ),
                "log2" => c(Op::Log2, |a| a[0].log2(), |v| v[0].log2(), POSITIVE),
                "log10" => c(Op::Log10, |a| a[0].log10(), |v| v[0].log10(), POSITIVE),
                "log" => c(
                    Op::Log,
                    |a| a[0].log(a[1]),
                    |v| v[0].log(v[1]),
                    &[&[2.0, 3.0], &[0.5, 10.0], &[7.0, 0.5], &[1.5, 2.0]],
                ),
                "recip" => c(Op::Recip, |a| a[0].recip(), |v| v[0].recip(), UNARY),
                "sin" => c(Op::Sin, |a| a[0].sin(), |v| v[0].sin(), UNARY),
                "cos" => c(Op::Cos, |a| a[0].cos(), |v| v[0].cos(), UNARY),
                "tan" => c(
                    Op::Tan,
                    |a| a[0].tan(),
                    |v| v[0].tan(),
                    &[&[-1.2], &[-0.3], &[0.3], &[1.0]],
                ),
                "asin" => c(Op::Asin, |a| a[0].asin(), |v| v[0].asin(), UNIT),
                "acos" => c(Op::Acos, |a| a[0].acos(), |v| v[0].acos(), UNIT),
                "atan" => c(Op::Atan, |a| a[0].atan(), |v| v[0].atan(), UNARY),
                // Off the branch cut (y = 0, x < 0) and away from the origin.
                "atan2" => c(
                    Op::Atan2,
                    |a| a[0].atan2(a[1]),
                    |v| v[0].atan2(v[1]),
                    &[&[1.0, 2.0], &[-1.5, -0.5], &[0.5, -2.0], &[-3.0, 0.25]],
                ),
                "sinh" => c(Op::Sinh, |a| a[0].sinh(), |v| v[0].sinh(), UNARY),
                "cosh" => c(Op::Cosh, |a| a[0].cosh(), |v| v[0].cosh(), UNARY),
                "tanh" => c(Op::Tanh, |a| a[0].tanh(), |v| v[0].tanh(), UNARY),
                "abs" => c(Op::Abs, |a| a[0].abs(), |v| v[0].abs(), UNARY),
                "max" => c(Op::Max, |a| a[0].max(a[1]), |v| v[0].max(v[1]), BINARY),
                "min" => c(Op::Min, |a| a[0].min(a[1]), |v| v[0].min(v[1]), BINARY),
                "hypot" => c(
                    Op::Hypot,
                    |a| a[0].hypot(a[1]),
                    |v| v[0].hypot(v[1]),
                    BINARY,
                ),
                "mul_add" => c(
                    Op::MulAdd,
                    |a| a[0].mul_add(a[1], a[2]),
                    |v| v[0].mul_add(v[1], v[2]),
                    &[&[1.5, -2.0, 0.5], &[-0.3, 4.0, -1.0], &[-2.5, -1.25, 3.0]],
                ),
                "sigmoid" => c(
                    Op::Sigmoid,
                    |a| 1.0 / (1.0 + (-a[0]).exp()),
                    |v| v[0].sigmoid(),
                    UNARY,
                ),
                "relu" => c(
                    Op::Relu,
                    |a| if a[0] > 0.0 { a[0] } else { 0.0 },
                    |v| v[0].relu(),
                    UNARY,
                ),
                "softplus" => c(
                    Op::Softplus,
                    |a| (1.0 + a[0].exp()).ln(),
                    |v| v[0].softplus(),
                    UNARY,
                ),
                "erf" => c(Op::Erf, |a| erf_series(a[0]), |v| v[0].erf(), ERF).rtol(FORMULA),
                "erfc" => {
                    c(Op::Erfc, |a| 1.0 - erf_series(a[0]), |v| v[0].erfc(), ERF).rtol(FORMULA)
                }
                "silu" => c(
                    Op::Silu,
                    |a| a[0] / (1.0 + (-a[0]).exp()),
                    |v| v[0].silu(),
                    UNARY,
                )
                .rtol(FORMULA),
                "gelu" => c(
                    Op::Gelu,
                    |a| 0.5 * a[0] * (1.0 + erf_series(a[0] / (2.0 as $F).sqrt())),
                    |v| v[0].gelu(),
                    ERF,
                )
                .rtol(FORMULA),
                "gelu_tanh" => c(
                    Op::GeluTanh,
                    |a| {
                        let k = (2.0 / core::f64::consts::PI).sqrt() as $F;
                        let u = k * (a[0] + 0.044715 * a[0] * a[0] * a[0]);
                        0.5 * a[0] * (1.0 + u.tanh())
                    },
                    |v| v[0].gelu_tanh(),
                    UNARY,
                )
                .rtol(FORMULA),
                "elu" => c(
                    Op::Elu,
                    |a| if a[0] > 0.0 { a[0] } else { a[0].exp() - 1.0 },
                    |v| v[0].elu(),
                    UNARY,
                )
                .rtol(FORMULA),
                "leaky_relu" => c(
                    Op::LeakyRelu,
                    |a| if a[0] > 0.0 { a[0] } else { a[1] * a[0] },
                    |v| v[0].leaky_relu(v[1]),
                    &[&[1.5, 0.1], &[-0.7, 0.2], &[-2.0, 0.01], &[2.0, 0.3]],
                ),
                "log_sigmoid" => c(
                    Op::LogSigmoid,
                    |a| -(1.0 + (-a[0]).exp()).ln(),
                    |v| v[0].log_sigmoid(),
                    UNARY,
                )
                .rtol(FORMULA),
                "logaddexp" => c(
                    Op::Logaddexp,
                    |a| (a[0].exp() + a[1].exp()).ln(),
                    |v| v[0].logaddexp(v[1]),
                    BINARY,
                )
                .rtol(FORMULA),
                "clamp" => c(
                    Op::Clamp,
                    |a| a[0].clamp(a[1], a[2]),
                    |v| v[0].clamp(v[1], v[2]),
                    &[&[0.5, -1.0, 2.0], &[-2.0, -1.0, 1.5], &[3.0, 0.0, 2.5]],
                ),
                "signum" => c(Op::Signum, |a| a[0].signum(), |v| v[0].signum(), STEPS),
                "floor" => c(Op::Floor, |a| a[0].floor(), |v| v[0].floor(), STEPS),
                "ceil" => c(Op::Ceil, |a| a[0].ceil(), |v| v[0].ceil(), STEPS),
                "round" => c(Op::Round, |a| a[0].round(), |v| v[0].round(), STEPS),
                "trunc" => c(Op::Trunc, |a| a[0].trunc(), |v| v[0].trunc(), STEPS),
                other => panic!("no test case for the operation `{other}`: add one here"),
            }
        }
    };
}

case_table!(case_f64, f64);
case_table!(case_f32, f32);

/// ∂f/∂xᵢ by central differences, with a step of about 1e-6 relative to xᵢ.
fn central_difference(f: fn(&[f64]) -> f64, x: &[f64], i: usize) -> f64 {
    let h = 1e-6 * x[i].abs().max(1.0);
    let (mut hi, mut lo) = (x.to_vec(), x.to_vec());
    hi[i] += h;
    lo[i] -= h;
    // The step actually taken, after rounding x ± h.
    (f(&hi) - f(&lo)) / (hi[i] - lo[i])
}

#[track_caller]
fn assert_close(got: f64, want: f64, rtol: f64, atol: f64, what: &str) {
    assert!(
        (got - want).abs() <= atol + rtol * want.abs(),
        "{what}: got {got:e}, want {want:e} (difference {:e})",
        got - want
    );
}

/// Records the case at `point` on a fresh graph and returns the output value and each
/// input's gradient.
fn through_graph<F: Float>(case: &Case<F>, point: &[F]) -> (F, Vec<F>) {
    let g = Graph::new();
    let inputs: Vec<_> = point.iter().map(|&x| g.input("x", x)).collect();
    let out = (case.record)(&inputs);
    let last = *g.nodes().last().unwrap();
    assert_eq!(
        last.kind,
        NodeKind::Op(case.op),
        "the method records its own operation"
    );
    let grads = g.backward(out).unwrap();
    (out.value(), inputs.iter().map(|&v| grads[v]).collect())
}

#[test]
fn every_operation_has_a_case() {
    for info in OPS {
        for case_op in [case_f64(info.name).op, case_f32(info.name).op] {
            assert!(core::ptr::eq(case_op.info(), info), "{}", info.name);
        }
        for point in case_f64(info.name).points {
            assert_eq!(point.len(), info.signature.arity(), "{}", info.name);
        }
    }
}

#[test]
fn values_f64() {
    for info in OPS {
        let case = case_f64(info.name);
        for &point in case.points {
            let want = (case.reference)(point);
            let what = format!("{}{point:?}", info.name);
            let (eval, _) = case.op.eval(point);
            assert_close(eval, want, case.rtol.max(4.0 * f64::EPSILON), 0.0, &what);
            let (graph, _) = through_graph(&case, point);
            assert_eq!(
                graph.to_bits(),
                eval.to_bits(),
                "{what}: graph and Op::eval"
            );
        }
    }
}

#[test]
fn partial_derivatives_f64() {
    const DOUT: f64 = -1.5;
    for info in OPS {
        let case = case_f64(info.name);
        for &point in case.points {
            let (out, aux) = case.op.eval(point);
            let local = case.op.grad(point, out, aux, DOUT);
            let (_, graph) = through_graph(&case, point);
            for i in 0..point.len() {
                let want = central_difference(case.reference, point, i);
                let what = format!("d{}{point:?}/d{}", info.name, info.params[i]);
                assert_close(graph[i], want, 1e-7, 1e-9, &format!("{what}, graph"));
                assert_close(
                    local[i],
                    DOUT * want,
                    1e-7,
                    1e-9,
                    &format!("{what}, Op::grad"),
                );
            }
            assert!(
                local[point.len()..].iter().all(|&d| d == 0.0),
                "{}",
                info.name
            );
        }
    }
}

#[test]
fn values_f32() {
    for info in OPS {
        let case = case_f32(info.name);
        for &point in case_f64(info.name).points {
            let point: Vec<f32> = point.iter().map(|&x| x as f32).collect();
            let want = (case.reference)(&point);
            let what = format!("{}{point:?}", info.name);
            let (eval, _) = case.op.eval(&point);
            // A formula's own rounding grows with the element type's epsilon.
            let scale = f64::from(f32::EPSILON) / f64::EPSILON;
            let rtol = (case.rtol * scale).max(4.0 * f64::from(f32::EPSILON));
            assert_close(f64::from(eval), f64::from(want), rtol, 0.0, &what);
            let (graph, _) = through_graph(&case, &point);
            assert_eq!(
                graph.to_bits(),
                eval.to_bits(),
                "{what}: graph and Op::eval"
            );
        }
    }
}

/// The `f32` rules against central differences of the `f64` reference at the same point:
/// an `f32` difference quotient would be too coarse to check anything.
#[test]
fn partial_derivatives_f32() {
    for info in OPS {
        let case = case_f32(info.name);
        let reference = case_f64(info.name).reference;
        for &point in case.points {
            let point32: Vec<f32> = point.iter().map(|&x| x as f32).collect();
            let point64: Vec<f64> = point32.iter().map(|&x| f64::from(x)).collect();
            let (_, graph) = through_graph(&case, &point32);
            for (i, &got) in graph.iter().enumerate() {
                let want = central_difference(reference, &point64, i);
                let what = format!("d{}{point32:?}/d{}", info.name, info.params[i]);
                assert_close(f64::from(got), want, 1e-5, 1e-6, &what);
            }
        }
    }
}

#[test]
fn powi_with_other_exponents() {
    for n in [-3, -2, -1, 1, 2, 5] {
        for x in [-1.75_f64, -0.5, 0.25, 1.0, 3.5] {
            let op = Op::Powi(n);
            let (out, aux) = op.eval(&[x]);
            assert_eq!(out, x.powi(n), "{x}^{n}");
            let h = 1e-6 * x.abs().max(1.0);
            let want = ((x + h).powi(n) - (x - h).powi(n)) / ((x + h) - (x - h));
            let what = format!("d({x}^{n})/dx");
            assert_close(op.grad(&[x], out, aux, 1.0)[0], want, 1e-7, 1e-9, &what);

            let g = Graph::new();
            let v = g.input("x", x);
            let y = v.powi(n);
            assert_eq!(y.value(), x.powi(n));
            assert_close(g.backward(y).unwrap()[v], want, 1e-7, 1e-9, &what);
        }
    }
}
