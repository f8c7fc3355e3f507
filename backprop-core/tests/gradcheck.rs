//! The gradient check on right and deliberately wrong functions, with the expected
//! numbers worked out by hand.
//!
//! The hand-written `Differentiable` impls below exercise the trait without the graph:
//! their gradient is a formula, their pullback a type of their own, and only `record`
//! touches the graph.

use backprop_core::{gradcheck, Differentiable, Float, GradCheck, Graph, GraphFn, Pullback, Var};

/// `(x + y)·z`, with the gradient `(z, z, x + y)` written by hand.
#[derive(Clone, Copy)]
struct SumTimes;

/// What `SumTimes::forward` saves: `x + y` and `z`.
#[derive(Clone, Copy)]
struct SumTimesPullback<T> {
    sum: T,
    z: T,
}

impl<T: Float> Pullback<T, 3> for SumTimesPullback<T> {
    fn backward(&self, dout: T) -> [T; 3] {
        [self.z * dout, self.z * dout, self.sum * dout]
    }
}

impl<T: Float> Differentiable<T, 3> for SumTimes {
    type Pullback = SumTimesPullback<T>;

    fn value(&self, [x, y, z]: [T; 3]) -> T {
        (x + y) * z
    }

    fn forward(&self, [x, y, z]: [T; 3]) -> (T, SumTimesPullback<T>) {
        let sum = x + y;
        (sum * z, SumTimesPullback { sum, z })
    }

    fn inputs(&self) -> [&'static str; 3] {
        ["x", "y", "z"]
    }

    fn record<'g>(&self, _: &'g Graph<T>, [x, y, z]: [Var<'g, T>; 3]) -> Var<'g, T> {
        (x + y) * z
    }
}

/// `SumTimes` with a deliberate mistake in its gradient: ∂/∂y taken as 2z.
#[derive(Clone, Copy)]
struct WrongDy;

#[derive(Clone, Copy)]
struct WrongDyPullback<T>(SumTimesPullback<T>);

impl<T: Float> Pullback<T, 3> for WrongDyPullback<T> {
    fn backward(&self, dout: T) -> [T; 3] {
        let [dx, dy, dz] = self.0.backward(dout);
        [dx, dy + dy, dz]
    }
}

impl<T: Float> Differentiable<T, 3> for WrongDy {
    type Pullback = WrongDyPullback<T>;

    fn value(&self, x: [T; 3]) -> T {
        SumTimes.value(x)
    }

    fn forward(&self, x: [T; 3]) -> (T, WrongDyPullback<T>) {
        let (value, pullback) = SumTimes.forward(x);
        (value, WrongDyPullback(pullback))
    }

    fn inputs(&self) -> [&'static str; 3] {
        ["x", "y", "z"]
    }

    fn record<'g>(&self, g: &'g Graph<T>, inputs: [Var<'g, T>; 3]) -> Var<'g, T> {
        SumTimes.record(g, inputs)
    }
}

/// `SumTimes` whose value and gradient are right but whose recording has a stray `+ y`:
/// only the comparison with the graph can catch it.
#[derive(Clone, Copy)]
struct WrongRecord;

impl Differentiable<f64, 3> for WrongRecord {
    type Pullback = SumTimesPullback<f64>;

    fn value(&self, x: [f64; 3]) -> f64 {
        SumTimes.value(x)
    }

    fn forward(&self, x: [f64; 3]) -> (f64, SumTimesPullback<f64>) {
        SumTimes.forward(x)
    }

    fn inputs(&self) -> [&'static str; 3] {
        ["x", "y", "z"]
    }

    fn record<'g>(&self, _: &'g Graph, [x, y, z]: [Var<'g>; 3]) -> Var<'g> {
        (x + y) * z + y
    }
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs()
}

#[test]
fn hand_written_gradient_passes_with_the_seed_numbers() {
    let report = gradcheck(&SumTimes, [100.0, 200.0, 4.0]);
    report.assert_passed();
    assert_eq!(report.value, 1200.0);
    assert_eq!(report.graph_value, 1200.0);
    assert_eq!(report.inputs.map(|c| c.analytic), [4.0, 4.0, 300.0]);
    assert_eq!(report.inputs.map(|c| c.graph), [4.0, 4.0, 300.0]);
    for (c, want) in report.inputs.iter().zip([4.0, 4.0, 300.0]) {
        // Rounding error about ε·1200/1e-6 ≈ 3e-7.
        assert!((c.numeric - want).abs() < 1e-5, "{report}");
    }
    assert_eq!(report.inputs.map(|c| c.name), ["x", "y", "z"]);
    assert_eq!(report.inputs.map(|c| c.at), [100.0, 200.0, 4.0]);
}

#[test]
fn hand_written_gradient_passes_at_awkward_points() {
    for x in [[0.1, 0.2, 0.3], [-3.5, 1e-3, 7.25], [1e3, -1e3, 1e-4]] {
        gradcheck(&SumTimes, x).assert_passed();
    }
}

#[test]
fn graph_functions_pass() {
    let f = GraphFn::new(["w", "b"], |[w, b]| {
        (w * b).sin() + w.exp() / b + (w - b).powi(3) + w.sigmoid() * b.tanh()
    });
    for x in [[0.5, 2.0], [-1.25, 0.75], [3.0, -0.5]] {
        let report = gradcheck(&f, x);
        report.assert_passed();
        assert_eq!(report.inputs.map(|c| c.name), ["w", "b"]);
    }
}

#[test]
fn a_wrong_gradient_fails_and_the_report_names_it() {
    let report = gradcheck(&WrongDy, [100.0, 200.0, 4.0]);
    eprintln!("{report}");
    assert!(!report.passed());
    assert!(report.values_agree());

    let worst = report.worst().unwrap();
    assert_eq!((worst.name, worst.index), ("y", 1));
    assert_eq!(worst.analytic, 8.0);
    assert_eq!(worst.graph, 4.0);
    assert!((worst.numeric - 4.0).abs() < 1e-5);
    // |8 − 4| against atol + rtol·|n| = 1e-5 + 1e-3·4.
    assert!(close(worst.numeric_error, 4.0 / 4.01e-3, 1e-6), "{report}");
    assert!(worst.graph_error > 1.0);

    let failed: Vec<_> = report.failures().map(|c| c.name).collect();
    assert_eq!(failed, ["y"]);

    let text = report.to_string();
    assert!(text.starts_with("gradcheck FAILED: 1 of 3"), "{text}");
    assert!(
        text.contains("worst `y` (input 1): analytic 8, numeric "),
        "{text}"
    );
    assert_eq!(text.matches("<- fails").count(), 1, "{text}");
}

#[test]
#[should_panic(expected = "gradcheck FAILED: 1 of 3 gradient(s) disagree; worst `y`")]
fn assert_passed_panics_with_the_report() {
    gradcheck(&WrongDy, [1.0, 2.0, 3.0]).assert_passed();
}

#[test]
fn the_worst_of_several_wrong_gradients_is_named() {
    let f = GraphFn::new(["x", "z"], |[x, z]| x * z);
    let neutral = Miscaled {
        inner: f,
        factors: [1.0, 1.0],
    };
    gradcheck(&neutral, [3.0, 2.0]).assert_passed();

    // ∂/∂x = z = 2 made 1 % too large, ∂/∂z = x = 3 made 50 % too large.
    let miscaled = Miscaled {
        inner: f,
        factors: [1.01, 1.5],
    };
    let report = gradcheck(&miscaled, [3.0, 2.0]);
    let failed: Vec<_> = report.failures().map(|c| c.name).collect();
    assert_eq!(failed, ["x", "z"], "{report}");
    let worst = report.worst().unwrap();
    assert_eq!((worst.name, worst.index, worst.analytic), ("z", 1, 4.5));
    assert!((worst.numeric - 3.0).abs() < 1e-6, "{report}");
}

/// Any function with its analytic gradient scaled input by input: a way to plant
/// mistakes of known size.
struct Miscaled<F, const N: usize> {
    inner: F,
    factors: [f64; N],
}

#[derive(Clone, Copy)]
struct MiscaledPullback<P, const N: usize> {
    inner: P,
    factors: [f64; N],
}

impl<P: Pullback<f64, N>, const N: usize> Pullback<f64, N> for MiscaledPullback<P, N> {
    fn backward(&self, dout: f64) -> [f64; N] {
        let mut g = self.inner.backward(dout);
        for (g, k) in g.iter_mut().zip(self.factors) {
            *g *= k;
        }
        g
    }
}

impl<F: Differentiable<f64, N>, const N: usize> Differentiable<f64, N> for Miscaled<F, N> {
    type Pullback = MiscaledPullback<F::Pullback, N>;

    fn value(&self, x: [f64; N]) -> f64 {
        self.inner.value(x)
    }

    fn forward(&self, x: [f64; N]) -> (f64, Self::Pullback) {
        let (value, inner) = self.inner.forward(x);
        let factors = self.factors;
        (value, MiscaledPullback { inner, factors })
    }

    fn inputs(&self) -> [&'static str; N] {
        self.inner.inputs()
    }

    fn record<'g>(&self, g: &'g Graph, inputs: [Var<'g>; N]) -> Var<'g> {
        self.inner.record(g, inputs)
    }
}

#[test]
fn a_wrong_recording_is_caught_by_the_graph_comparison() {
    let report = gradcheck(&WrongRecord, [100.0, 200.0, 4.0]);
    assert!(!report.passed(), "{report}");
    // Value 1200 against the graph's 1200 + 200.
    assert_eq!(report.graph_value, 1400.0);
    assert!(!report.values_agree());
    // Every analytic gradient is right by the numbers; only y's graph gradient (z + 1)
    // differs.
    assert!(report.inputs.iter().all(|c| c.numeric_error <= 1.0));
    assert_eq!(report.inputs.map(|c| c.graph), [4.0, 5.0, 300.0]);
    assert_eq!(report.failures().map(|c| c.name).collect::<Vec<_>>(), ["y"]);
    assert!(report.to_string().contains("and the values disagree"));
}

#[test]
fn f32_passes_with_its_own_defaults() {
    let settings = GradCheck::<f32>::new();
    assert_eq!(
        [settings.eps, settings.atol, settings.rtol],
        [1e-3, 1e-2, 1e-2]
    );
    gradcheck(&SumTimes, [1.5_f32, -2.25, 3.0]).assert_passed();
    let f = GraphFn::new(["x", "y"], |[x, y]| (x * y).sin() + x.exp() / y);
    gradcheck(&f, [0.5_f32, 2.0]).assert_passed();

    let report = gradcheck(&WrongDy, [1.5_f32, -2.25, 3.0]);
    assert_eq!(report.worst().unwrap().name, "y", "{report}");
    assert!(!report.passed());
}

#[test]
fn f64_defaults_are_gradchecks() {
    let s = GradCheck::<f64>::default();
    assert_eq!([s.eps, s.atol, s.rtol], [1e-6, 1e-5, 1e-3]);
    assert_eq!(s.graph_tol, 1024.0 * f64::EPSILON);
}

#[test]
fn settings_are_honored() {
    // The central difference of x³ at 2 is exactly 12 + eps², so with eps = 0.01 the
    // analytic 12 misses it by 1e-4: inside the default rtol, outside a relative 1e-6.
    let cube = GraphFn::new(["x"], |[x]| x * x * x);
    let coarse = GradCheck::new().eps(1e-2);
    let loose = coarse.check(&cube, [2.0]);
    loose.assert_passed();
    assert!((loose.inputs[0].numeric - 12.0001).abs() < 1e-10);

    let tight = coarse.atol(0.0).rtol(1e-6).check(&cube, [2.0]);
    assert!(!tight.passed(), "{tight}");
    let worst = tight.worst().unwrap();
    assert_eq!(worst.analytic, 12.0);
    assert!(
        close(worst.numeric_error, 1e-4 / 12.0001e-6, 1e-5),
        "{tight}"
    );

    // atol alone can admit it again.
    coarse
        .atol(2e-4)
        .rtol(0.0)
        .check(&cube, [2.0])
        .assert_passed();

    // A graph tolerance of 1 admits WrongRecord's stray term: |4 − 5| ≤ 1 + 5 and
    // |1200 − 1400| ≤ 1 + 1400.
    GradCheck::new()
        .graph_tol(1.0)
        .check(&WrongRecord, [100.0, 200.0, 4.0])
        .assert_passed();
}

#[test]
fn an_infinite_gradient_cannot_be_confirmed_numerically() {
    // sqrt'(0) = +inf by convention; the central difference needs sqrt(−eps) = NaN.
    let f = GraphFn::new(["x"], |[x]| x.sqrt());
    let report = gradcheck(&f, [0.0]);
    let c = report.inputs[0];
    assert_eq!((c.analytic, c.graph), (f64::INFINITY, f64::INFINITY));
    assert!(c.numeric.is_nan());
    assert_eq!(c.graph_error, 0.0, "the same infinity agrees");
    assert_eq!(c.numeric_error, f64::INFINITY);
    assert!(!report.passed());
    let text = report.to_string();
    assert!(
        text.contains("analytic inf, numeric NaN, graph inf"),
        "{text}"
    );
}

#[test]
fn a_nan_value_fails() {
    let f = GraphFn::new(["x"], |[x]| x.ln());
    let report = gradcheck(&f, [-1.0]);
    assert!(report.value.is_nan());
    assert!(!report.values_agree(), "{report}");
    assert!(!report.passed());
}

#[test]
fn a_function_of_no_inputs_has_no_worst_input() {
    let report = gradcheck(&Constant, []);
    assert!(report.worst().is_none());
    report.assert_passed();
    assert!(report
        .to_string()
        .starts_with("gradcheck passed: 0 gradient(s)"));
}

/// The constant 2, a function of no inputs.
struct Constant;

#[derive(Clone, Copy)]
struct NoInputs;

impl Pullback<f64, 0> for NoInputs {
    fn backward(&self, _: f64) -> [f64; 0] {
        []
    }
}

impl Differentiable<f64, 0> for Constant {
    type Pullback = NoInputs;

    fn value(&self, _: [f64; 0]) -> f64 {
        2.0
    }

    fn forward(&self, _: [f64; 0]) -> (f64, NoInputs) {
        (2.0, NoInputs)
    }

    fn inputs(&self) -> [&'static str; 0] {
        []
    }

    fn record<'g>(&self, g: &'g Graph, _: [Var<'g>; 0]) -> Var<'g> {
        g.constant(2.0)
    }
}
