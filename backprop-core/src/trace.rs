//! A trace: one forward and one backward pass at one point, each step of the derivation
//! with its numbers filled in, as the teaching text works the chain rule by hand.
//!
//! `grad!` generates a `trace` method beside `value_and_grad`: the same statements, each
//! followed by a record of its operands and its value, so the numbers are the generated
//! code's own, bit for bit. The usual methods do not change; only `trace` allocates.
//!
//! For `grad!((x + y) * z)` at (100, 200, 4), `f.trace(100.0, 200.0, 4.0)` displays
//!
//! ```text
//! forward
//!   t0 = x + y = 100 + 200 = 300
//!   out = t0 * z = 300 * 4 = 1200
//! backward (dout = 1)
//!   d_t0 = dout * z = 1 * 4 = 4
//!   d_z = dout * t0 = 1 * 300 = 300
//!   d_x = d_t0 = 4
//!   d_y = d_t0 = 4
//! ```
//!
//! and gives the same steps as data: [`Trace::steps`], each with its text, its operands'
//! values and its value. Numbers print as `{}` prints them, the shortest text that reads
//! back to the same number.

use core::fmt;

use crate::Float;

/// The pass a step belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pass {
    /// The forward pass: the value of one operation.
    Forward,
    /// The backward pass: one contribution to an adjoint.
    Backward,
}

/// The text of one step, fixed when `grad!` expands: `t0 = x + y`, written as pieces
/// between its operands so the numbers can be put in their place.
///
/// ```
/// use backprop_core::trace::{Pass, StepText};
///
/// let text = StepText {
///     pass: Pass::Forward,
///     target: "t0",
///     accumulates: false,
///     condition: false,
///     depth: 0,
///     pieces: vec!["", " + ", ""],
///     operands: vec!["x", "y"],
/// };
/// assert_eq!(text.to_string(), "t0 = x + y");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepText {
    /// Forward or backward.
    pub pass: Pass,
    /// The name the step defines: `t0`, `d_x`.
    pub target: &'static str,
    /// `true` for `+=`, a later contribution to an adjoint.
    pub accumulates: bool,
    /// `true` for the condition of a branch decided at run time, whose value shows as
    /// `true` or `false` (recorded as 1 or 0).
    pub condition: bool,
    /// How many branches the step is inside, for its indentation.
    pub depth: usize,
    /// The right-hand side's text around its operands: `["", " + ", ""]` for `x + y`;
    /// one more piece than operands.
    pub pieces: Vec<&'static str>,
    /// The operands' names, in order: `["x", "y"]`.
    pub operands: Vec<&'static str>,
}

/// Separates the steps of a table of step texts.
const STEP: char = '\u{1d}';
/// Separates the fields of one step.
const FIELD: char = '\u{1f}';
/// Separates the items of a field that is a list.
const ITEM: char = '\u{1e}';

impl StepText {
    /// The step texts of a `grad!` function, from the table its expansion writes: one
    /// string for all, which builds faster than one struct literal per step. Each step
    /// is `pass condition accumulates depth target pieces operands`, separated by
    /// U+001F, its lists by U+001E, the steps by U+001D; the pass is `F` or `B`, the
    /// flags `0` or `1`.
    ///
    /// ```
    /// use backprop_core::trace::{Pass, StepText};
    ///
    /// let table = "F\u{1f}0\u{1f}0\u{1f}0\u{1f}t0\u{1f}\u{1e} + \u{1e}\u{1f}x\u{1e}y";
    /// let texts = StepText::parse_table(table);
    /// assert_eq!(texts[0].to_string(), "t0 = x + y");
    /// assert_eq!(texts[0].pass, Pass::Forward);
    /// ```
    pub fn parse_table(table: &'static str) -> Vec<StepText> {
        if table.is_empty() {
            return Vec::new();
        }
        table
            .split(STEP)
            .map(|step| {
                let mut fields = step.split(FIELD);
                let mut next = || fields.next().unwrap_or_default();
                let list = |field: &'static str| -> Vec<&'static str> {
                    if field.is_empty() {
                        Vec::new()
                    } else {
                        field.split(ITEM).collect()
                    }
                };
                StepText {
                    pass: if next() == "B" {
                        Pass::Backward
                    } else {
                        Pass::Forward
                    },
                    condition: next() == "1",
                    accumulates: next() == "1",
                    depth: next().parse().unwrap_or_default(),
                    target: next(),
                    pieces: {
                        let pieces = next();
                        let mut pieces = list(pieces);
                        if pieces.is_empty() {
                            pieces.push("");
                        }
                        pieces
                    },
                    operands: list(next()),
                }
            })
            .collect()
    }
}

impl StepText {
    /// The right-hand side, each operand written by `operand`.
    fn rhs(&self, operand: &mut dyn FnMut(usize, &mut String)) -> String {
        let mut out = String::new();
        for (k, piece) in self.pieces.iter().enumerate() {
            out.push_str(piece);
            if k < self.operands.len() {
                operand(k, &mut out);
            }
        }
        out
    }

    fn sign(&self) -> &'static str {
        if self.accumulates {
            "+="
        } else {
            "="
        }
    }
}

impl fmt::Display for StepText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rhs = self.rhs(&mut |k, out| out.push_str(self.operands[k]));
        write!(f, "{} {} {rhs}", self.target, self.sign())
    }
}

/// One step of a trace: its text, the numbers of its operands and its value.
#[derive(Clone, Debug)]
pub struct TraceStep<T> {
    /// The step's text.
    pub text: StepText,
    /// The operands' values, in the order of `text.operands`.
    pub operands: Vec<T>,
    /// The value the step computes: an operation's value, or one contribution to an
    /// adjoint.
    pub value: T,
    /// For a step that accumulates (`+=`), the adjoint's total after it.
    pub total: Option<T>,
}

impl<T: Float> TraceStep<T> {
    /// Whether the step's value (or the adjoint's total) is NaN or infinite.
    pub fn is_finite(&self) -> bool {
        self.value.is_finite() && self.total.is_none_or(Float::is_finite)
    }

    /// The right-hand side with the operands' numbers in place of their names:
    /// `100 + 200`.
    pub fn numbers(&self) -> String {
        // A negative operand inside a longer expression is parenthesized, as a person
        // writes `1.5 + (-4)` and `(-2.5)^2`.
        let alone = self.text.operands.len() == 1 && self.text.pieces.iter().all(|p| p.is_empty());
        self.text.rhs(&mut |k, out| {
            let number = self.operands[k].to_string();
            if number.starts_with('-') && !alone {
                out.push('(');
                out.push_str(&number);
                out.push(')');
            } else {
                out.push_str(&number);
            }
        })
    }
}

impl<T: Float> fmt::Display for TraceStep<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.text)?;
        // `d_x = d_t0 = 4`: a lone operand is its own number, and a step without operands
        // (a captured constant) has no numbers to show.
        let lone = self.text.operands.len() == 1 && self.text.pieces.iter().all(|p| p.is_empty());
        if !lone && !self.text.operands.is_empty() {
            write!(f, " = {}", self.numbers())?;
        }
        if self.text.condition {
            write!(f, " = {}", self.value != T::ZERO)?;
        } else {
            write!(f, " = {}", self.value)?;
        }
        if let Some(total) = self.total {
            write!(f, ", so {} = {total}", self.text.target)?;
        }
        Ok(())
    }
}

/// One forward and one backward pass of a `grad!` function at one point, with every
/// step's numbers: what `f.trace(..)` returns. `Display` writes it as the derivation
/// with the numbers filled in and the first non-finite step marked.
#[derive(Clone, Debug)]
pub struct Trace<T> {
    inputs: Vec<(&'static str, T)>,
    dout: T,
    texts: Vec<StepText>,
    steps: Vec<TraceStep<T>>,
    value: T,
    gradient: Vec<T>,
    untraced: usize,
}

impl<T: Float> Trace<T> {
    /// An empty trace at the point `inputs` (name and value), with the backward pass
    /// started from `dout`, and the step texts of `table` (see
    /// [`StepText::parse_table`]). Generated code builds traces; a user reads them.
    #[doc(hidden)]
    pub fn new(inputs: &[(&'static str, T)], dout: T, table: &'static str) -> Self {
        let texts = StepText::parse_table(table);
        Trace {
            inputs: inputs.to_vec(),
            dout,
            steps: Vec::with_capacity(texts.len()),
            texts,
            value: T::ZERO,
            gradient: Vec::new(),
            untraced: 0,
        }
    }

    /// A trace of a function too long to trace step by step: `steps` steps left out.
    #[doc(hidden)]
    pub fn untraced(inputs: &[(&'static str, T)], dout: T, steps: usize) -> Self {
        let mut trace = Trace::new(inputs, dout, "");
        trace.untraced = steps;
        trace
    }

    /// How many steps were left out: nonzero for a `grad!` of more operations than its
    /// trace records one by one (2,000).
    pub fn untraced_steps(&self) -> usize {
        self.untraced
    }

    /// Records step `k` of the table.
    #[doc(hidden)]
    pub fn step(&mut self, k: usize, operands: &[T], value: T) {
        self.push(k, operands, value, None);
    }

    /// Records step `k` of the table, a contribution added to an adjoint whose total is
    /// now `total`.
    #[doc(hidden)]
    pub fn step_total(&mut self, k: usize, operands: &[T], value: T, total: T) {
        self.push(k, operands, value, Some(total));
    }

    fn push(&mut self, k: usize, operands: &[T], value: T, total: Option<T>) {
        let Some(text) = self.texts.get(k) else {
            return;
        };
        self.steps.push(TraceStep {
            text: text.clone(),
            operands: operands.to_vec(),
            value,
            total,
        });
    }

    /// Ends the trace with the pass's value and gradient.
    #[doc(hidden)]
    #[must_use]
    pub fn finish(mut self, value: T, gradient: &[T]) -> Self {
        self.value = value;
        self.gradient = gradient.to_vec();
        self
    }

    /// The steps, forward then backward.
    pub fn steps(&self) -> &[TraceStep<T>] {
        &self.steps
    }

    /// The function's value, as `value_and_grad` returns it.
    pub fn value(&self) -> T {
        self.value
    }

    /// The gradient, as `value_and_grad` returns it.
    pub fn gradient(&self) -> &[T] {
        &self.gradient
    }

    /// The point: each input's name and value.
    pub fn inputs(&self) -> &[(&'static str, T)] {
        &self.inputs
    }

    /// The first step whose value is NaN or infinite, where a NaN gradient starts.
    pub fn first_non_finite(&self) -> Option<&TraceStep<T>> {
        self.steps.iter().find(|step| !step.is_finite())
    }
}

impl<T: Float> fmt::Display for Trace<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.steps.iter().position(|step| !step.is_finite());
        let backward = self
            .steps
            .iter()
            .position(|step| step.text.pass == Pass::Backward)
            .unwrap_or(self.steps.len());
        writeln!(f, "forward")?;
        for (k, step) in self.steps.iter().enumerate() {
            if k == backward {
                writeln!(f, "backward (dout = {})", self.dout)?;
            }
            write!(f, "  {}{step}", "  ".repeat(step.text.depth))?;
            if first == Some(k) {
                write!(f, "   <- the first non-finite value")?;
            }
            writeln!(f)?;
        }
        if backward == self.steps.len() {
            writeln!(f, "backward (dout = {})", self.dout)?;
        }
        if self.untraced > 0 {
            writeln!(
                f,
                "  ({} steps not traced: a grad! of more than 2,000 operations traces its \
                 value {} and gradient {:?} only)",
                self.untraced, self.value, self.gradient
            )?;
        }
        if let Some(step) = first.map(|k| &self.steps[k]) {
            let point: Vec<String> = self
                .inputs
                .iter()
                .map(|(name, value)| format!("{name} = {value}"))
                .collect();
            writeln!(
                f,
                "first non-finite value: {} at {}",
                step.text,
                point.join(", ")
            )?;
        }
        Ok(())
    }
}
