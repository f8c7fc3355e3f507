//! Functions with a custom derivative (`#[backprop::differentiable(grad = ..)]`): a small
//! family of formulas whose derivatives are written here by hand, with coefficients drawn
//! per case. Each body is ordinary Rust, some outside the language of a body (an iterator,
//! an `if` with a `let` in an arm), and the graph reference writes the same formula over
//! handles, so the graph differentiates it itself and checks the hand-written derivative.

use crate::loops::prog::{Param, Shape};
use crate::rng::Rng;

const COEFFICIENTS: &[&str] = &["0.5", "0.25", "1.5", "2.0", "0.75", "1.25", "3.0"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `a * x.sin() + b * y`.
    Sine,
    /// `(a * x - y).exp()`, whose derivative reads the output.
    Exp,
    /// `(1 + |v|²).sqrt()` by an iterator, of a vector of that length.
    Norm(usize),
    /// The logistic function, two ways by the sign of `x`.
    Logistic,
    /// `(v[0] * k).tanh() + a * v[1]`: an array and a scalar, a tuple gradient.
    Tanh,
    /// The determinant of a 2×2 matrix: a gradient shaped `[[f64; 2]; 2]`.
    Det,
}

pub const KINDS: usize = 6;

#[derive(Clone, Debug)]
pub struct Formula {
    pub kind: Kind,
    a: &'static str,
    b: &'static str,
}

impl Formula {
    /// A formula, of a vector of length `n` where it takes one.
    pub fn draw(rng: &mut Rng, n: usize) -> Formula {
        let kind = match rng.below(KINDS) {
            0 => Kind::Sine,
            1 => Kind::Exp,
            2 => Kind::Norm(n),
            3 => Kind::Logistic,
            4 => Kind::Tanh,
            _ => Kind::Det,
        };
        Formula {
            kind,
            a: COEFFICIENTS[rng.below(COEFFICIENTS.len())],
            b: COEFFICIENTS[rng.below(COEFFICIENTS.len())],
        }
    }

    /// The kind's index, for coverage.
    pub fn index(&self) -> usize {
        match self.kind {
            Kind::Sine => 0,
            Kind::Exp => 1,
            Kind::Norm(_) => 2,
            Kind::Logistic => 3,
            Kind::Tanh => 4,
            Kind::Det => 5,
        }
    }

    pub fn params(&self) -> Vec<Param> {
        let p = |name, shape| Param { name, shape };
        match self.kind {
            Kind::Sine | Kind::Exp => vec![p("x", Shape::Scalar), p("y", Shape::Scalar)],
            Kind::Norm(n) => vec![p("v", Shape::Vector(n))],
            Kind::Logistic => vec![p("x", Shape::Scalar)],
            Kind::Tanh => vec![p("v", Shape::Vector(2)), p("k", Shape::Scalar)],
            Kind::Det => vec![p("w", Shape::Matrix(2, 2))],
        }
    }

    /// The value at the flat arguments, as the body computes it.
    pub fn value(&self, x: &[f64]) -> f64 {
        let (a, b): (f64, f64) = (
            self.a.parse().expect("a number"),
            self.b.parse().expect("a number"),
        );
        match self.kind {
            Kind::Sine => a * x[0].sin() + b * x[1],
            Kind::Exp => (a * x[0] - x[1]).exp(),
            Kind::Norm(_) => (1.0 + x.iter().map(|t| t * t).sum::<f64>()).sqrt(),
            Kind::Logistic => {
                if x[0] >= 0.0 {
                    1.0 / (1.0 + (-x[0]).exp())
                } else {
                    let e = x[0].exp();
                    e / (1.0 + e)
                }
            }
            Kind::Tanh => (x[0] * x[2]).tanh() + a * x[1],
            Kind::Det => x[0] * x[3] - x[1] * x[2],
        }
    }

    /// The function's body, plain Rust.
    pub fn body(&self) -> String {
        let (a, b) = (self.a, self.b);
        match self.kind {
            Kind::Sine => format!("{a} * x.sin() + {b} * y"),
            Kind::Exp => format!("({a} * x - y).exp()"),
            Kind::Norm(_) => "(1.0 + v.iter().map(|t| t * t).sum::<f64>()).sqrt()".to_owned(),
            Kind::Logistic => "if x >= 0.0 { 1.0 / (1.0 + (-x).exp()) } else { let e = x.exp(); \
                               e / (1.0 + e) }"
                .to_owned(),
            Kind::Tanh => format!("(v[0] * k).tanh() + {a} * v[1]"),
            Kind::Det => "w[0][0] * w[1][1] - w[0][1] * w[1][0]".to_owned(),
        }
    }

    /// The hand-written derivative, `fn {name}_grad(..)`: the parameters, the output and
    /// `dout`, to the gradient shaped like the parameters.
    pub fn grad(&self, name: &str) -> String {
        let a = self.a;
        let (params, ret, body) = match self.kind {
            Kind::Sine => (
                "x: f64, _y: f64, _out: f64, dout: f64".to_owned(),
                "[f64; 2]".to_owned(),
                format!("[dout * {a} * x.cos(), dout * {}]", self.b),
            ),
            Kind::Exp => (
                "_x: f64, _y: f64, out: f64, dout: f64".to_owned(),
                "[f64; 2]".to_owned(),
                format!("[dout * {a} * out, -dout * out]"),
            ),
            Kind::Norm(n) => (
                format!("v: [f64; {n}], out: f64, dout: f64"),
                format!("[f64; {n}]"),
                "v.map(|t| dout * t / out)".to_owned(),
            ),
            Kind::Logistic => (
                "_x: f64, out: f64, dout: f64".to_owned(),
                "[f64; 1]".to_owned(),
                "[dout * out * (1.0 - out)]".to_owned(),
            ),
            Kind::Tanh => (
                "v: [f64; 2], k: f64, _out: f64, dout: f64".to_owned(),
                "([f64; 2], f64)".to_owned(),
                format!(
                    "let t = (v[0] * k).tanh(); let d = dout * (1.0 - t * t); \
                     ([d * k, dout * {a}], d * v[0])"
                ),
            ),
            Kind::Det => (
                "w: [[f64; 2]; 2], _out: f64, dout: f64".to_owned(),
                "[[f64; 2]; 2]".to_owned(),
                "[[dout * w[1][1], -dout * w[1][0]], [-dout * w[0][1], dout * w[0][0]]]".to_owned(),
            ),
        };
        format!("fn {name}_grad({params}) -> {ret} {{ {body} }}")
    }

    /// The formula over graph handles: `{name}_ref`.
    pub fn reference(&self, name: &str) -> String {
        let (a, b) = (self.a, self.b);
        let (params, body) = match self.kind {
            Kind::Sine => (
                "x: Var<'g, f64>, y: Var<'g, f64>".to_owned(),
                format!("{a} * x.sin() + {b} * y"),
            ),
            Kind::Exp => (
                "x: Var<'g, f64>, y: Var<'g, f64>".to_owned(),
                format!("({a} * x - y).exp()"),
            ),
            Kind::Norm(n) => {
                let squares: Vec<String> = (0..n).map(|i| format!("v[{i}] * v[{i}]")).collect();
                (
                    format!("v: [Var<'g, f64>; {n}]"),
                    format!("(1.0 + {}).sqrt()", squares.join(" + ")),
                )
            }
            Kind::Logistic => ("x: Var<'g, f64>".to_owned(), "x.sigmoid()".to_owned()),
            Kind::Tanh => (
                "v: [Var<'g, f64>; 2], k: Var<'g, f64>".to_owned(),
                format!("(v[0] * k).tanh() + {a} * v[1]"),
            ),
            Kind::Det => (
                "w: [[Var<'g, f64>; 2]; 2]".to_owned(),
                "w[0][0] * w[1][1] - w[0][1] * w[1][0]".to_owned(),
            ),
        };
        format!("fn {name}_ref<'g>({params}) -> Var<'g, f64> {{ {body} }}")
    }
}
