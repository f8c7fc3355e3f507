//! The loop corpus, `--loops`: random programs with array parameters, `let mut` locals
//! and local arrays, nested `for` loops (`a..b`, `a..=b`, `.rev()`, `.step_by(k)`, `x.len()`,
//! inner bounds from outer loop variables), static `if`s on loop variables and compound
//! assignments, written to `tests/loop_corpus.rs`.
//!
//! Each case's body is one text, compiled by `grad!` and as a plain closure (values bit
//! for bit), and the same program over graph handles (value and gradient to a few ulps),
//! with `gradcheck`. With `--branches`, bodies also branch on values at run time, and the
//! checked-in file is written with it.

pub mod emit;
pub mod eval;
pub mod gen;
pub mod print;
pub mod prog;

use crate::rng::Rng;
use crate::screen;

use prog::{AssignOp, Cond, Exponent, Fun, IExpr, Init, Place, Program, RangeForm, Shape, Stmt, E};

/// The most operations an unrolled body may have, to keep the test file's build short.
const MAX_OPS: usize = 120;
/// The fewest, so that every case does something.
pub const MIN_OPS: usize = 12;

pub struct Case {
    pub program: Program,
    /// The flat evaluation point, row-major, in parameter order.
    pub point: Vec<f64>,
    /// The captured constant arrays `xs` and `cm`.
    pub xs: [f64; 5],
    pub cm: [[f64; 3]; 3],
    /// Operations of the unrolled body.
    pub ops: usize,
}

pub fn grid(rng: &mut Rng, steps: usize, scale: f64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let k = rng.below(2 * steps + 1) as f64 - steps as f64;
    k * scale
}

fn attempt(rng: &mut Rng, branches: bool) -> Option<Case> {
    let program = gen::Gen::new(rng, branches).program()?;
    let point = (0..program.arity())
        .map(|_| grid(rng, 20, 1.0 / 16.0))
        .collect();
    let xs = std::array::from_fn(|_| grid(rng, 8, 0.125));
    let cm = std::array::from_fn(|_| std::array::from_fn(|_| grid(rng, 8, 0.125)));
    let mut case = Case {
        program,
        point,
        xs,
        cm,
        ops: 0,
    };
    let run = eval::run(&case, &case.point)?;
    if !(MIN_OPS..=MAX_OPS).contains(&run.ops) {
        return None;
    }
    case.ops = run.ops;
    // `grad!` refuses a result that depends on no input; moving every input shows one.
    let moved: Vec<f64> = case.point.iter().map(|v| v + 0.0625).collect();
    if eval::run(&case, &moved)?.value.to_bits() == run.value.to_bits() {
        return None;
    }
    let value = |x: &[f64]| eval::run(&case, x).map(|r| r.value);
    screen::smooth_at::<f64>(&case.point, &value, &value).then_some(case)
}

/// A case that passed the screen.
fn generate(rng: &mut Rng, branches: bool) -> Case {
    loop {
        if let Some(case) = attempt(rng, branches) {
            return case;
        }
    }
}

/// The whole test file.
pub fn corpus(seed: u64, count: usize, branches: bool) -> Result<String, String> {
    let mut rng = Rng::new(seed);
    let cases: Vec<Case> = (0..count).map(|_| generate(&mut rng, branches)).collect();
    let gaps = coverage_gaps(&cases);
    if !gaps.is_empty() {
        let message = format!("these features appear in no case: {}", gaps.join(", "));
        if count >= 50 {
            return Err(format!("{message}; use another seed or more cases"));
        }
        eprintln!("corpus-gen: {message}");
    }
    let flag = if branches { " --branches" } else { "" };
    let command = format!(
        "cargo run -p corpus-gen -- --loops{flag} --seed {seed} --count {count} > tests/loop_corpus.rs"
    );
    let text = emit::file(&cases, seed, &command);
    Ok(crate::rustfmt(&text).unwrap_or_else(|e| {
        eprintln!("corpus-gen: rustfmt failed ({e}); writing the file unformatted");
        text
    }))
}

type Feature = dyn Fn(&Program) -> bool;

/// Whether an integer expression uses a loop variable.
fn outer(e: &IExpr) -> bool {
    (0..3).any(|d| e.uses_var(d))
}

fn has_range(p: &Program, pred: impl Fn(&prog::Range) -> bool) -> bool {
    p.any_stmt(|s| matches!(s, Stmt::For { range, .. } if pred(range)))
}

/// The features the loop corpus promises, each named if no case has it.
fn coverage_gaps(cases: &[Case]) -> Vec<String> {
    let assign = |op: AssignOp, element: bool| {
        move |p: &Program| {
            p.any_stmt(|s| {
                matches!(s, Stmt::Assign { op: o, index, .. } if *o == op && index.is_some() == element)
            })
        }
    };
    let fun = |f: Fun| move |p: &Program| p.any_expr(|e| matches!(e, E::Call(g, _) if *g == f));
    let shape = |pred: fn(Shape) -> bool| move |p: &Program| p.params.iter().any(|q| pred(q.shape));
    let features: Vec<(&str, Box<Feature>)> = vec![
        (
            "1-D parameter",
            Box::new(shape(|s| matches!(s, Shape::Vector(_)))),
        ),
        (
            "2-D parameter",
            Box::new(shape(|s| matches!(s, Shape::Matrix(..)))),
        ),
        ("scalar parameter", Box::new(shape(|s| s == Shape::Scalar))),
        ("three parameters", Box::new(|p| p.params.len() >= 3)),
        ("loops nested 3 deep", Box::new(|p| p.loop_depth() == 3)),
        (
            "inner bound from an outer variable",
            Box::new(|p| has_range(p, |r| outer(&r.lo) || outer(&r.hi))),
        ),
        ("`..=`", Box::new(|p| has_range(p, |r| r.inclusive))),
        (
            "`.rev()`",
            Box::new(|p| has_range(p, |r| r.form == RangeForm::Rev)),
        ),
        (
            "`.step_by(k)`",
            Box::new(|p| has_range(p, |r| matches!(r.form, RangeForm::Step(_)))),
        ),
        (
            "`x.len()` bound",
            Box::new(|p| has_range(p, |r| matches!(r.hi, IExpr::Len(_) | IExpr::Sub(..)))),
        ),
        (
            "static if",
            Box::new(|p| {
                p.any_stmt(|s| {
                    matches!(
                        s,
                        Stmt::If {
                            cond: Cond::Static(..),
                            ..
                        }
                    )
                })
            }),
        ),
        (
            "static if with else",
            Box::new(|p| {
                p.any_stmt(|s| {
                    matches!(
                        s,
                        Stmt::If {
                            cond: Cond::Static(..),
                            otherwise: Some(_),
                            ..
                        }
                    )
                })
            }),
        ),
        (
            "`i % 2 == 0`",
            Box::new(|p| {
                p.any_stmt(|s| {
                    matches!(
                        s,
                        Stmt::If {
                            cond: Cond::Static(IExpr::Rem(..), ..),
                            ..
                        }
                    )
                })
            }),
        ),
        (
            "let mut scalar from a literal",
            Box::new(|p| {
                p.any_stmt(|s| matches!(s, Stmt::Let { init: Init::Scalar(E::Lit(_)), local } if p.locals[*local].mutable))
            }),
        ),
        (
            "annotated local",
            Box::new(|p| p.locals.iter().any(|l| l.annotated)),
        ),
        (
            "unannotated let mut from a literal",
            Box::new(|p| {
                p.any_stmt(|s| matches!(s, Stmt::Let { init: Init::Scalar(E::Lit(_)), local } if p.locals[*local].mutable && !p.locals[*local].annotated))
            }),
        ),
        (
            "local array [0.0; n]",
            Box::new(|p| {
                p.any_stmt(|s| {
                    matches!(
                        s,
                        Stmt::Let {
                            init: Init::Zeros(_),
                            ..
                        }
                    )
                })
            }),
        ),
        (
            "local array [a, b]",
            Box::new(|p| {
                p.any_stmt(|s| {
                    matches!(
                        s,
                        Stmt::Let {
                            init: Init::List(_),
                            ..
                        }
                    )
                })
            }),
        ),
        (
            "let inside a loop",
            Box::new(|p| p.locals.iter().any(|l| l.name.starts_with('t'))),
        ),
        ("`+=`", Box::new(assign(AssignOp::Add, false))),
        ("`-=`", Box::new(assign(AssignOp::Sub, false))),
        ("`*=`", Box::new(assign(AssignOp::Mul, false))),
        ("`/=`", Box::new(assign(AssignOp::Div, false))),
        ("`s = ..`", Box::new(assign(AssignOp::Set, false))),
        ("`h[i] = ..`", Box::new(assign(AssignOp::Set, true))),
        ("`h[i] += ..`", Box::new(assign(AssignOp::Add, true))),
        ("`h[i] *= ..`", Box::new(assign(AssignOp::Mul, true))),
        (
            "captured xs[i]",
            Box::new(|p| p.any_expr(|e| matches!(e, E::Read(Place::Const(0), _)))),
        ),
        (
            "captured cm[i][j]",
            Box::new(|p| p.any_expr(|e| matches!(e, E::Read(Place::Const(1), _)))),
        ),
        (
            "`i as f64`",
            Box::new(|p| p.any_expr(|e| matches!(e, E::LoopVal(_)))),
        ),
        (
            "`powi(i as i32)`",
            Box::new(|p| p.any_expr(|e| matches!(e, E::Powi(_, Exponent::Loop(_))))),
        ),
        (
            "`powi(2)`",
            Box::new(|p| p.any_expr(|e| matches!(e, E::Powi(_, Exponent::Lit(_))))),
        ),
        (
            "mul_add",
            Box::new(|p| p.any_expr(|e| matches!(e, E::MulAdd(..)))),
        ),
        (
            "division",
            Box::new(|p| p.any_expr(|e| matches!(e, E::Bin(prog::Bin::Div, ..)))),
        ),
        (
            "negation",
            Box::new(|p| p.any_expr(|e| matches!(e, E::Neg(_)))),
        ),
        (
            "index `% len`",
            Box::new(|p| {
                p.any_expr(|e| matches!(e, E::Read(_, idx) if idx.iter().any(|i| matches!(i, IExpr::Rem(..)))))
            }),
        ),
        ("sin", Box::new(fun(Fun::Sin))),
        ("cos", Box::new(fun(Fun::Cos))),
        ("tanh", Box::new(fun(Fun::Tanh))),
        ("atan", Box::new(fun(Fun::Atan))),
        ("exp", Box::new(fun(Fun::Exp))),
        ("sigmoid", Box::new(fun(Fun::Sigmoid))),
        ("softplus", Box::new(fun(Fun::Softplus))),
        ("sqrt", Box::new(fun(Fun::Sqrt))),
        ("ln", Box::new(fun(Fun::Ln))),
    ];
    features
        .into_iter()
        .filter(|(_, pred)| !cases.iter().any(|c| pred(&c.program)))
        .map(|(label, _)| label.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked-in loop corpus is exactly what its header's command writes.
    #[test]
    fn checked_in_loop_corpus_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/loop_corpus.rs");
        let checked_in = std::fs::read_to_string(path).expect("tests/loop_corpus.rs");
        let number = |flag: &str| crate::header_number(&checked_in, flag);
        let (seed, count) = (number("--seed"), number("--count"));
        let count = usize::try_from(count).expect("a count");
        let branches = checked_in.contains("--loops --branches");
        assert!(branches, "the loop corpus branches at run time too");
        let regenerated = corpus(seed, count, branches).expect("the generator runs");
        assert!(
            regenerated == checked_in,
            "tests/loop_corpus.rs is stale: regenerate it with \
             `cargo run -p corpus-gen -- --loops --seed {seed} --count {count} > tests/loop_corpus.rs`"
        );
    }

    /// Run-time branches can be switched on: the generator writes them, with each arm's
    /// body and a condition on values, `.value()` on the graph side.
    #[test]
    fn branches_are_generated_on_request() {
        let mut rng = Rng::new(7);
        let cases: Vec<Case> = (0..20).map(|_| generate(&mut rng, true)).collect();
        assert!(cases.iter().any(|c| c.program.any_stmt(|s| matches!(
            s,
            Stmt::If {
                cond: Cond::Runtime(..),
                ..
            }
        ))));
        let text = emit::file(&cases, 7, "test");
        assert!(text.contains(".value() "), "graph side compares values");
    }

    #[test]
    fn without_the_flag_no_branch_is_on_inputs() {
        let mut rng = Rng::new(3);
        for _ in 0..20 {
            let case = generate(&mut rng, false);
            assert!(!case.program.any_stmt(|s| matches!(
                s,
                Stmt::If {
                    cond: Cond::Runtime(..),
                    ..
                }
            )));
        }
    }
}
