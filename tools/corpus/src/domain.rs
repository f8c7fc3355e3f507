//! Where each operation's arguments must stay, so that every point of the corpus is far
//! from singular points, domain edges and kinks, by a margin far above the numeric step.

/// A region an argument must lie in at the evaluation point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Domain {
    Any,
    /// `x >= lo`.
    Above(f64),
    /// `|x| <= b`: keeps `exp`, `sinh` and friends moderate.
    Bounded(f64),
    /// `|x| <= 0.9`: inside the domain of `asin` and `acos`, away from the ends.
    Unit,
    /// `|x| >= 0.3`: away from a pole or an infinite derivative at 0.
    AwayFromZero,
    /// A logarithm's base: positive and away from 1, where ln(base) = 0.
    LogBase,
    /// Away from the poles of `tan`.
    TanSafe,
}

impl Domain {
    pub fn contains(self, v: f64) -> bool {
        match self {
            Domain::Any => true,
            Domain::Above(lo) => v >= lo,
            Domain::Bounded(b) => v.abs() <= b,
            Domain::Unit => v.abs() <= 0.9,
            Domain::AwayFromZero => v.abs() >= 0.3,
            Domain::LogBase => v >= 0.3 && v.ln().abs() >= 0.3,
            Domain::TanSafe => v.cos().abs() >= 0.3,
        }
    }
}

/// The margin kept from a kink (`abs`, `relu`, `max`, `min`) and from the discontinuity
/// of `atan2`.
pub const KINK_MARGIN: f64 = 0.1;

/// The operations whose domains below were written by hand. A row of the table outside
/// this list is still generated, with unrestricted arguments, and kept only where the
/// screen finds it finite and smooth; `main` names it so its domain gets written here.
pub const REVIEWED: &[&str] = &[
    "add",
    "sub",
    "mul",
    "div",
    "neg",
    "powi",
    "powf",
    "sqrt",
    "cbrt",
    "exp",
    "exp2",
    "exp_m1",
    "ln",
    "ln_1p",
    "log2",
    "log10",
    "log",
    "recip",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "atan2",
    "sinh",
    "cosh",
    "tanh",
    "abs",
    "max",
    "min",
    "hypot",
    "mul_add",
    "sigmoid",
    "relu",
    "softplus",
    "erf",
    "erfc",
    "silu",
    "gelu",
    "gelu_tanh",
    "elu",
    "leaky_relu",
    "log_sigmoid",
    "logaddexp",
    "clamp",
    "signum",
    "floor",
    "ceil",
    "round",
    "trunc",
];

/// The domain of each differentiable argument of the operation called `name`; `powi`'s
/// depends on its exponent and is decided where the exponent is drawn.
pub fn domains(name: &str, arity: usize) -> Vec<Domain> {
    use Domain::*;
    match name {
        "div" => vec![Any, AwayFromZero],
        "powf" => vec![Above(0.3), Bounded(3.0)],
        "sqrt" | "ln" | "log2" | "log10" => vec![Above(0.3)],
        "ln_1p" => vec![Above(-0.7)],
        "log" => vec![Above(0.3), LogBase],
        "cbrt" | "recip" => vec![AwayFromZero],
        "exp" | "exp2" | "exp_m1" | "sinh" | "cosh" => vec![Bounded(4.0)],
        // Where their derivatives are not vanishingly small.
        "erf" | "erfc" | "gelu" | "gelu_tanh" => vec![Bounded(4.0)],
        "asin" | "acos" => vec![Unit],
        "tan" => vec![TanSafe],
        _ => vec![Any; arity],
    }
}

/// Conditions on the arguments together, at the evaluation point.
pub fn jointly_safe(name: &str, v: &[f64]) -> bool {
    match name {
        "abs" | "relu" => v[0].abs() >= KINK_MARGIN,
        "max" | "min" => (v[0] - v[1]).abs() >= KINK_MARGIN,
        // atan2(y, x) jumps by 2π across the negative x axis.
        "atan2" => v[0].hypot(v[1]) >= 0.3 && (v[1] >= KINK_MARGIN || v[0].abs() >= 0.3),
        "hypot" => v[0].hypot(v[1]) >= 0.3,
        "leaky_relu" | "signum" => v[0].abs() >= KINK_MARGIN,
        // Strictly inside or outside [lo, hi], and the interval not empty.
        "clamp" => {
            v[2] - v[1] >= KINK_MARGIN
                && (v[0] - v[1]).abs() >= KINK_MARGIN
                && (v[0] - v[2]).abs() >= KINK_MARGIN
        }
        // Away from the jumps: at integers, and at halves for round.
        "floor" | "ceil" | "trunc" => (v[0] - v[0].round()).abs() >= KINK_MARGIN,
        "round" => (v[0] - v[0].floor() - 0.5).abs() >= KINK_MARGIN,
        _ => true,
    }
}
