//! Generated expressions for the benchmarks, one generator for every place that needs a
//! big expression: the checked-in 1,000-operation benchmark function, the in-process
//! expansion-scaling measurement of the macro crate, and the end-to-end compile-time check.
//!
//! Three shapes:
//! - [`Mixed`]: a sum of small terms drawn from a fixed list (products, quotients, `powi`,
//!   `sin`, `cos`, `exp`, `ln`, `sqrt`) over 16 inputs, the workload of an ordinary model.
//!   Every term also has its derivative written out the way a person would write it by
//!   hand, so the benchmark's hand-written gradient of a 1,000-operation function is real
//!   hand-written reverse mode, instantiated per term rather than typed 240 times.
//! - [`flat_sum`]: `x0 * x1 + x1 * x2 + ...`, a 15,000-deep left spine at 30,000 operations.
//! - [`chain`]: `x.sin().cos().sin()...`, a method chain nested as deep as it is long.
//!
//! Every generated expression stays in the operations the `symdiff` crate accepts, so it
//! can be one of the contenders too.

use std::fmt::Write;

/// The inputs of a [`Mixed`] expression.
pub const MIXED_INPUTS: usize = 16;

/// The inputs a [`flat_sum`] cycles through.
pub const FLAT_INPUTS: usize = 100;

/// A generated sum of terms over [`MIXED_INPUTS`] inputs.
pub struct Mixed {
    terms: Vec<Term>,
    ops: usize,
}

/// One term: a template of the list below, applied to inputs `a`, `b`, `c`.
struct Term {
    template: usize,
    a: usize,
    b: usize,
    c: usize,
}

/// Each template: its expression over `{a}`, `{b}`, `{c}`, and its operation count.
const TEMPLATES: [(&str, usize); 8] = [
    ("({a} * {b}).sin()", 2),
    ("({a} - {b}).powi(2) * {c}", 3),
    ("({a} * {a} + 1.0).ln() * {b}", 4),
    ("{a} / ({b} * {b} + 1.0)", 3),
    ("({a} * {b} + {c}).cos()", 3),
    ("({a} * {a} + {b} * {b} + 1.0).sqrt()", 5),
    ("({a} * {b}).exp() * {c}", 3),
    ("{a} * {b} * {c}", 2),
];

/// The hand-written reverse mode of each template: statements that add the term to `f`
/// and its partial derivatives to `g[..]`, sharing what the value already computed.
const HAND: [&str; 8] = [
    "let t = {a} * {b}; f += t.sin(); let d = t.cos(); g[A] += d * {b}; g[B] += d * {a};",
    "let u = {a} - {b}; let u2 = u * u; f += u2 * {c}; let d = 2.0 * u * {c}; \
     g[A] += d; g[B] -= d; g[C] += u2;",
    "let q = {a} * {a} + 1.0; let l = q.ln(); f += l * {b}; \
     g[A] += 2.0 * {a} * {b} / q; g[B] += l;",
    "let q = {b} * {b} + 1.0; let r = {a} / q; f += r; g[A] += 1.0 / q; \
     g[B] -= 2.0 * {b} * r / q;",
    "let t = {a} * {b} + {c}; f += t.cos(); let d = -t.sin(); \
     g[A] += d * {b}; g[B] += d * {a}; g[C] += d;",
    "let r = ({a} * {a} + {b} * {b} + 1.0).sqrt(); f += r; g[A] += {a} / r; g[B] += {b} / r;",
    "let e = ({a} * {b}).exp(); let y = e * {c}; f += y; \
     g[A] += y * {b}; g[B] += y * {a}; g[C] += e;",
    "f += {a} * {b} * {c}; g[A] += {b} * {c}; g[B] += {a} * {c}; g[C] += {a} * {b};",
];

/// A small deterministic generator (xorshift64*), so the expressions need no dependency
/// and are the same on every machine.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let r = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        // The high bits are the well-mixed ones.
        ((r >> 32) as usize) % n
    }
}

impl Mixed {
    /// A sum of terms with at least `ops` operations (each term's own, and one `+` per
    /// term after the first), the same for the same `ops` and `seed`.
    pub fn new(ops: usize, seed: u64) -> Mixed {
        let mut rng = Rng(seed | 1);
        let mut terms = Vec::new();
        let mut count = 0;
        while count < ops {
            let template = rng.below(TEMPLATES.len());
            let term = Term {
                template,
                a: rng.below(MIXED_INPUTS),
                b: rng.below(MIXED_INPUTS),
                c: rng.below(MIXED_INPUTS),
            };
            count += TEMPLATES[template].1 + usize::from(!terms.is_empty());
            terms.push(term);
        }
        Mixed { terms, ops: count }
    }

    /// The number of operations.
    pub fn ops(&self) -> usize {
        self.ops
    }

    /// The expression, with input `i` written as `input(i)` (`x3`, or `x[3]`).
    pub fn expr(&self, input: impl Fn(usize) -> String) -> String {
        self.expr_joined(input, " + ")
    }

    /// The expression with its terms joined by `plus`, e.g. `"\n    + "` for a file.
    pub fn expr_joined(&self, input: impl Fn(usize) -> String, plus: &str) -> String {
        let terms: Vec<String> = self
            .terms
            .iter()
            .map(|t| fill(TEMPLATES[t.template].0, t, &input))
            .collect();
        terms.join(plus)
    }

    /// The hand-written value-and-gradient body: reads the inputs as `x0`.., declares
    /// `f` and `g`, and leaves `(f, g)` as its tail.
    pub fn hand_value_and_grad(&self) -> String {
        let mut out = format!("let mut f = 0.0;\nlet mut g = [0.0; {MIXED_INPUTS}];\n");
        for t in &self.terms {
            let stmts = fill(HAND[t.template], t, &|i| format!("x{i}"))
                .replace("g[A]", &format!("g[{}]", t.a))
                .replace("g[B]", &format!("g[{}]", t.b))
                .replace("g[C]", &format!("g[{}]", t.c));
            let _ = writeln!(out, "{{ {stmts} }}");
        }
        out.push_str("(f, g)\n");
        out
    }
}

fn fill(template: &str, t: &Term, input: &impl Fn(usize) -> String) -> String {
    template
        .replace("{a}", &input(t.a))
        .replace("{b}", &input(t.b))
        .replace("{c}", &input(t.c))
}

/// `x0 * x1 + x1 * x2 + ...` with about `ops` operations, the inputs cycling through
/// [`FLAT_INPUTS`] names.
pub fn flat_sum(ops: usize) -> String {
    let terms = ops.div_ceil(2).max(1);
    let mut out = String::with_capacity(terms * 16);
    for i in 0..terms {
        if i > 0 {
            out.push_str(" + ");
        }
        let _ = write!(out, "x{} * x{}", i % FLAT_INPUTS, (i + 1) % FLAT_INPUTS);
    }
    out
}

/// `x.sin().cos().sin()...` with `ops` calls.
pub fn chain(ops: usize) -> String {
    let mut out = String::with_capacity(ops * 7 + 1);
    out.push('x');
    for i in 0..ops {
        out.push_str(if i % 2 == 0 { ".sin()" } else { ".cos()" });
    }
    out
}

/// `|x0, x1, ..., x{n-1}|`: the closure form fixes the argument order.
pub fn params(n: usize) -> String {
    let names: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
    format!("|{}|", names.join(", "))
}

/// The inputs at which the generated benchmark function is evaluated, spread over
/// [−0.875, 1] in eighths (exact in binary) so every term stays well inside its domain.
pub fn mixed_point() -> [f64; MIXED_INPUTS] {
    core::array::from_fn(|i| ((i * 7) % MIXED_INPUTS) as f64 / 8.0 - 0.875)
}

/// The seed and size of the checked-in benchmark function.
pub const BENCH_SEED: u64 = 1;
pub const BENCH_OPS: usize = 1000;

const HEADER: &str = "// @generated by benches/support/generate.rs; do not edit. The test \
`bench_sources` checks it and rewrites it when run with BACKPROP_BLESS=1.\n";

/// `benches/common/big.rs`: the generated function for the contenders of this project.
pub fn bench_source() -> String {
    let m = Mixed::new(BENCH_OPS, BENCH_SEED);
    let n = MIXED_INPUTS;
    let names = (0..n)
        .map(|i| format!("x{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let expr = m.expr_joined(|i| format!("x{i}"), "\n        + ");
    format!(
        "{HEADER}//! A generated sum of {terms} terms, {ops} operations over {n} inputs: \
         the 1,000-operation benchmark function.

use backprop::{{grad, Differentiable, Var}};

pub const X: [f64; {n}] = {point:?};

pub fn value(x: [f64; {n}]) -> f64 {{
    let [{names}] = x;
    {expr}
}}

pub fn hand(x: [f64; {n}]) -> (f64, [f64; {n}]) {{
    let [{names}] = x;
{hand}}}

pub fn grad_fn() -> impl Differentiable<f64, {n}> + Copy {{
    grad!(|{names}| {expr})
}}

pub fn record<'g>(x: [Var<'g>; {n}]) -> Var<'g> {{
    let [{names}] = x;
    {expr}
}}
",
        terms = m.terms.len(),
        ops = m.ops(),
        point = mixed_point(),
        hand = indent(&m.hand_value_and_grad()),
    )
}

/// `bench/benches/compare/big.rs`: the same function for `num-dual` and `symdiff`.
pub fn compare_source() -> String {
    let m = Mixed::new(BENCH_OPS, BENCH_SEED);
    let n = MIXED_INPUTS;
    let reads: String = (0..n)
        .map(|i| format!("    let x{i} = x[{i}];\n"))
        .collect();
    let expr = m.expr_joined(|i| format!("x{i}"), "\n        + ");
    let indexed = m.expr_joined(|i| format!("x[{i}]"), "\n        + ");
    format!(
        "{HEADER}//! The generated benchmark function of `benches/common/big.rs`, written for \
         `num-dual` and for `symdiff`.

use nalgebra::SVector;
use num_dual::{{DualNum, DualSVec64}};
use symdiff::gradient;

pub fn num_dual(x: SVector<DualSVec64<{n}>, {n}>) -> DualSVec64<{n}> {{
{reads}    {expr}
}}

#[gradient(var = x, dim = {n})]
pub fn symdiff(x: &[f64]) -> f64 {{
    {indexed}
}}
"
    )
}

fn indent(code: &str) -> String {
    code.lines().map(|l| format!("    {l}\n")).collect()
}
