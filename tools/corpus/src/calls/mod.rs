//! The call corpus, `--calls`: random loop programs (those of `--loops`, with its options)
//! that call one to three `#[backprop::differentiable]` functions of their own, written to
//! `tests/call_corpus.rs`.
//!
//! Each case's functions are loop programs too (array and scalar parameters, `let mut`
//! locals, local arrays, loops, with `--branches` run-time branches), each of which may call
//! the functions before it, never itself; some have a custom derivative instead, from the
//! family in `custom`. The `grad!` closure calls them, in loops and branches, with
//! arguments of every kind the macro takes: array parameters and local arrays whole, array
//! literals, scalar expressions, loop variables and literals (a call on constants only is
//! a captured constant).

mod custom;
mod emit;

use crate::loops::eval;
use crate::loops::gen::Gen;
use crate::loops::prog::{Arg, Bin, Cond, IExpr, Param, Place, Program, Shape, Stmt, E};
use crate::loops::{grid, MIN_OPS};
use crate::rng::Rng;
use crate::screen;

use custom::Formula;

/// The most operations of a closure's own unrolled body, a call counting as one.
const MAX_OPS: usize = 70;
/// The most operations of a function's unrolled body.
const MAX_FUNCTION_OPS: usize = 50;
/// The fewest, so that every function does something.
const MIN_FUNCTION_OPS: usize = 4;
/// The most operations of a case: its closure and every function, each generated once.
const MAX_CASE_OPS: usize = 150;

pub enum Body {
    /// A body in the language of `grad!`, differentiated by the macro.
    Program(Program),
    /// Plain Rust with a hand-written derivative.
    Custom(Formula),
}

pub struct Function {
    pub name: String,
    pub params: Vec<Param>,
    pub body: Body,
    /// Operations of the unrolled body (one for a custom derivative).
    pub ops: usize,
}

pub struct Case {
    pub functions: Vec<Function>,
    pub closure: Program,
    /// The flat evaluation point, row-major, in parameter order.
    pub point: Vec<f64>,
    /// The captured constant arrays `xs` and `cm`.
    pub xs: [f64; 5],
    pub cm: [[f64; 3]; 3],
    /// Operations of the closure's unrolled body, a call counting as one.
    pub ops: usize,
}

impl Case {
    /// Whether the case can be differentiated twice: it has no function with a custom
    /// derivative (each function is reached from the closure, so one would be called).
    pub fn twice(&self) -> bool {
        self.functions
            .iter()
            .all(|f| matches!(f.body, Body::Program(_)))
    }
}

const NO_XS: [f64; 5] = [0.0; 5];
const NO_CM: [[f64; 3]; 3] = [[0.0; 3]; 3];

/// The value of function `k` at the flat arguments, if every intermediate is moderate.
fn call(functions: &[Function], k: usize, args: &[f64]) -> Option<f64> {
    match &functions.get(k)?.body {
        Body::Program(p) => {
            eval::run_program(p, &NO_XS, &NO_CM, &|j, a| call(functions, j, a), args)
                .map(|r| r.value)
        }
        Body::Custom(formula) => {
            let v = formula.value(args);
            (v.is_finite() && v.abs() <= 1e3).then_some(v)
        }
    }
}

/// The parameters of a function: one to three, shaped as the closure's often are, so that
/// they can be passed whole.
fn function_params(rng: &mut Rng, closure: &[Param]) -> Vec<Param> {
    let mut params: Vec<Param> = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let shape = if rng.chance(0.5) {
            rng.pick(closure).shape
        } else {
            match rng.weighted(&[4, 5, 1]) {
                0 => Shape::Scalar,
                1 => Shape::Vector(2 + rng.below(3)),
                _ => Shape::Matrix(2, 2 + rng.below(2)),
            }
        };
        let names: &[&'static str] = match shape {
            Shape::Scalar => &["c", "y", "a"],
            Shape::Vector(_) => &["x", "v", "u"],
            Shape::Matrix(..) => &["w", "m"],
        };
        if let Some(&name) = names.iter().find(|n| params.iter().all(|p| p.name != **n)) {
            params.push(Param { name, shape });
        }
    }
    params
}

fn signatures(functions: &[Function]) -> Vec<(String, Vec<Shape>)> {
    functions
        .iter()
        .map(|f| (f.name.clone(), f.params.iter().map(|p| p.shape).collect()))
        .collect()
}

fn draw_point(rng: &mut Rng, n: usize) -> Vec<f64> {
    (0..n).map(|_| grid(rng, 20, 1.0 / 16.0)).collect()
}

/// A function of the language of a body that calls the functions before it: one that
/// depends on its inputs and is moderate at a random point.
fn program_function(
    rng: &mut Rng,
    branches: bool,
    before: &[Function],
    params: Vec<Param>,
) -> Option<(Program, usize)> {
    let callees = signatures(before);
    let shapes: Vec<Shape> = params.iter().map(|p| p.shape).collect();
    let params_again = || {
        params
            .iter()
            .map(|p| Param {
                name: p.name,
                shape: p.shape,
            })
            .collect()
    };
    for _ in 0..20 {
        let Some(program) = Gen::new(rng, branches)
            .calling(callees.clone(), params_again(), false)
            .program()
        else {
            continue;
        };
        let arity: usize = shapes.iter().map(|s| s.size()).sum();
        let point = draw_point(rng, arity);
        let run =
            |x: &[f64]| eval::run_program(&program, &NO_XS, &NO_CM, &|j, a| call(before, j, a), x);
        let Some(at) = run(&point) else { continue };
        if !(MIN_FUNCTION_OPS..=MAX_FUNCTION_OPS).contains(&at.ops) {
            continue;
        }
        let moved: Vec<f64> = point.iter().map(|v| v + 0.0625).collect();
        match run(&moved) {
            Some(other) if other.value.to_bits() != at.value.to_bits() => {
                return Some((program, at.ops))
            }
            _ => continue,
        }
    }
    None
}

/// The function a call in `p` names, by index, for each call, in every expression.
fn called(p: &Program) -> Vec<usize> {
    let mut out = Vec::new();
    p.walk_exprs(&mut |e| {
        if let E::Apply(k, _) = e {
            out.push(*k);
        }
    });
    out
}

/// A call of function `k` on the closure's parameters, added to the closure's result for
/// each function with a custom derivative.
///
/// Known macro bug, worked around here: the code `#[differentiable(grad = path)]` generates
/// refers to `path` only from the companion methods that a differentiated call uses, so
/// where every call of the function is on constants only, or its value reaches no output
/// (`let mut h = [g(x), x]; h[0] = x;`), or it is called only from plain Rust, rustc warns
/// that the hand-written derivative is never used (`dead_code`). One call the result reads,
/// on parameters, keeps every case free of that warning.
fn live_call(rng: &mut Rng, params: &[Param], k: usize, shapes: &[Param]) -> E {
    let element = |rng: &mut Rng| -> E {
        let p = rng.below(params.len());
        let index = params[p]
            .shape
            .dims()
            .into_iter()
            .map(|n| IExpr::Lit(rng.below(n)))
            .collect();
        E::Read(Place::Param(p), index)
    };
    let args = shapes
        .iter()
        .map(|q| {
            if let Some(p) = params
                .iter()
                .position(|p| p.shape == q.shape && q.shape != Shape::Scalar)
            {
                return Arg::Whole(Place::Param(p));
            }
            match q.shape {
                Shape::Scalar => Arg::Scalar(element(rng)),
                Shape::Vector(n) => Arg::List((0..n).map(|_| Arg::Scalar(element(rng))).collect()),
                Shape::Matrix(r, c) => Arg::List(
                    (0..r)
                        .map(|_| Arg::List((0..c).map(|_| Arg::Scalar(element(rng))).collect()))
                        .collect(),
                ),
            }
        })
        .collect();
    E::Apply(k, args)
}

/// Whether every function is called by the closure or by a function it reaches.
fn all_reached(functions: &[Function], closure: &Program) -> bool {
    let mut reached = vec![false; functions.len()];
    let mut todo = called(closure);
    while let Some(k) = todo.pop() {
        if !std::mem::replace(&mut reached[k], true) {
            if let Body::Program(p) = &functions[k].body {
                todo.extend(called(p));
            }
        }
    }
    reached.into_iter().all(|r| r)
}

fn attempt(rng: &mut Rng, branches: bool) -> Option<Case> {
    let closure_params = Gen::new(rng, branches).parameters();
    let mut functions: Vec<Function> = Vec::new();
    for k in 0..1 + rng.below(3) {
        // A custom derivative about two times in five, less often first.
        let custom = rng.chance(0.45) && (k > 0 || rng.chance(0.5));
        let function = if custom {
            let n = match rng.pick(&closure_params).shape {
                Shape::Vector(n) => n,
                _ => 2 + rng.below(2),
            };
            let formula = Formula::draw(rng, n);
            Function {
                name: format!("g{k}"),
                params: formula.params(),
                body: Body::Custom(formula),
                ops: 1,
            }
        } else {
            let params = function_params(rng, &closure_params);
            let kept: Vec<Param> = params
                .iter()
                .map(|p| Param {
                    name: p.name,
                    shape: p.shape,
                })
                .collect();
            let (program, ops) = program_function(rng, branches, &functions, params)?;
            Function {
                name: format!("f{k}"),
                params: kept,
                body: Body::Program(program),
                ops,
            }
        };
        functions.push(function);
    }
    let function_ops: usize = functions.iter().map(|f| f.ops).sum();
    let callees = signatures(&functions);
    for _ in 0..30 {
        let params = closure_params
            .iter()
            .map(|p| Param {
                name: p.name,
                shape: p.shape,
            })
            .collect();
        let Some(mut closure) = Gen::new(rng, branches)
            .calling(callees.clone(), params, true)
            .program()
        else {
            continue;
        };
        for (k, f) in functions.iter().enumerate() {
            if matches!(f.body, Body::Custom(_)) {
                let call = live_call(rng, &closure.params, k, &f.params);
                let result = std::mem::replace(&mut closure.result, E::Lit("0.0"));
                closure.result = E::Bin(Bin::Add, Box::new(result), Box::new(call));
            }
        }
        if called(&closure).len() < 2 || !all_reached(&functions, &closure) {
            continue;
        }
        let point = draw_point(rng, closure.arity());
        let xs = std::array::from_fn(|_| grid(rng, 8, 0.125));
        let cm = std::array::from_fn(|_| std::array::from_fn(|_| grid(rng, 8, 0.125)));
        let mut case = Case {
            functions,
            closure,
            point,
            xs,
            cm,
            ops: 0,
        };
        let ok = screened(&mut case, function_ops);
        if ok {
            return Some(case);
        }
        functions = case.functions;
    }
    None
}

/// Whether the case's closure is moderate in size, depends on its inputs and is smooth at
/// the point; sets its size.
fn screened(case: &mut Case, function_ops: usize) -> bool {
    let run = |x: &[f64]| {
        eval::run_program(
            &case.closure,
            &case.xs,
            &case.cm,
            &|j, a| call(&case.functions, j, a),
            x,
        )
    };
    let Some(at) = run(&case.point) else {
        return false;
    };
    if !(MIN_OPS..=MAX_OPS).contains(&at.ops) || at.ops + function_ops > MAX_CASE_OPS {
        return false;
    }
    // `grad!` refuses a result that depends on no input; moving every input shows one.
    let moved: Vec<f64> = case.point.iter().map(|v| v + 0.0625).collect();
    match run(&moved) {
        Some(other) if other.value.to_bits() != at.value.to_bits() => {}
        _ => return false,
    }
    let value = |x: &[f64]| run(x).map(|r| r.value);
    if !screen::smooth_at::<f64>(&case.point, &value, &value) {
        return false;
    }
    case.ops = at.ops;
    true
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
    let gaps = coverage_gaps(&cases, branches);
    if !gaps.is_empty() {
        let message = format!("these features appear in no case: {}", gaps.join(", "));
        if count >= 40 {
            return Err(format!("{message}; use another seed or more cases"));
        }
        eprintln!("corpus-gen: {message}");
    }
    let flag = if branches { " --branches" } else { "" };
    let command = format!(
        "cargo run -p corpus-gen -- --calls{flag} --seed {seed} --count {count} > tests/call_corpus.rs"
    );
    let text = emit::file(&cases, seed, &command);
    Ok(crate::rustfmt(&text).unwrap_or_else(|e| {
        eprintln!("corpus-gen: rustfmt failed ({e}); writing the file unformatted");
        text
    }))
}

/// Whether an expression involves no parameter or local: a constant, in the closure.
fn constant(e: &E) -> bool {
    let mut found = false;
    e.walk(&mut |e| match e {
        E::Read(Place::Param(_) | Place::Local(_), _) => found = true,
        E::Apply(_, args) => found |= args.iter().any(has_whole),
        _ => {}
    });
    !found
}

/// Whether an argument is or holds an array passed whole.
fn has_whole(a: &Arg) -> bool {
    match a {
        Arg::Scalar(_) => false,
        Arg::Whole(_) => true,
        Arg::List(items) => items.iter().any(has_whole),
    }
}

fn any_arg(p: &Program, pred: &dyn Fn(&Arg) -> bool) -> bool {
    fn deep(a: &Arg, pred: &dyn Fn(&Arg) -> bool) -> bool {
        pred(a)
            || match a {
                Arg::List(items) => items.iter().any(|a| deep(a, pred)),
                _ => false,
            }
    }
    p.any_expr(|e| matches!(e, E::Apply(_, args) if args.iter().any(|a| deep(a, pred))))
}

/// Whether a call sits in a loop of `stmts` (at any depth) or, with `in_branch`, in an arm
/// of a run-time branch.
fn call_in(stmts: &[Stmt], in_branch: bool) -> bool {
    let has_call = |s: &Stmt| s.exprs().iter().any(|e| has_apply(e));
    stmts.iter().any(|s| match s {
        Stmt::For { body, .. } if !in_branch => {
            let mut found = false;
            for s in body {
                s.walk(&mut |s| found |= has_call(s));
            }
            found
        }
        Stmt::For { body, .. } => call_in(body, true),
        Stmt::If {
            cond: Cond::Runtime(..),
            then,
            otherwise,
        } if in_branch => {
            let mut found = false;
            for s in then.iter().chain(otherwise.iter().flatten()) {
                s.walk(&mut |s| found |= has_call(s));
            }
            found
        }
        Stmt::If {
            then, otherwise, ..
        } => call_in(then, in_branch) || call_in(otherwise.as_deref().unwrap_or(&[]), in_branch),
        _ => false,
    })
}

fn has_apply(e: &E) -> bool {
    let mut found = false;
    e.walk(&mut |e| found |= matches!(e, E::Apply(..)));
    found
}

type Feature = dyn Fn(&Case) -> bool;

/// The functions of a case written in the language of a body.
fn programs(c: &Case) -> Vec<&Program> {
    c.functions
        .iter()
        .filter_map(|f| match &f.body {
            Body::Program(p) => Some(p),
            Body::Custom(_) => None,
        })
        .collect()
}

/// The features the call corpus promises, each named if no case has it.
fn coverage_gaps(cases: &[Case], branches: bool) -> Vec<String> {
    let closure_arg = |pred: fn(&Arg) -> bool| move |c: &Case| any_arg(&c.closure, &pred);
    let mut features: Vec<(String, Box<Feature>)> = vec![
        (
            "three functions".into(),
            Box::new(|c| c.functions.len() == 3),
        ),
        (
            "a function calling a function".into(),
            Box::new(|c| programs(c).iter().any(|p| !called(p).is_empty())),
        ),
        (
            "a function calling a custom derivative".into(),
            Box::new(|c| {
                programs(c).iter().any(|p| {
                    called(p)
                        .iter()
                        .any(|&k| matches!(c.functions[k].body, Body::Custom(_)))
                })
            }),
        ),
        (
            "a function with a 2-D parameter".into(),
            Box::new(move |c| {
                c.functions.iter().any(|f| {
                    matches!(f.body, Body::Program(_))
                        && f.params
                            .iter()
                            .any(|p| matches!(p.shape, Shape::Matrix(..)))
                })
            }),
        ),
        (
            "a parameter passed whole".into(),
            Box::new(closure_arg(|a| matches!(a, Arg::Whole(Place::Param(_))))),
        ),
        (
            "a local array passed whole".into(),
            Box::new(closure_arg(|a| matches!(a, Arg::Whole(Place::Local(_))))),
        ),
        (
            "a 2-D parameter passed whole".into(),
            Box::new(|c| {
                any_arg(
                    &c.closure,
                    &|a| matches!(a, Arg::Whole(Place::Param(p)) if matches!(c.closure.params[*p].shape, Shape::Matrix(..))),
                )
            }),
        ),
        (
            "an array literal argument".into(),
            Box::new(closure_arg(|a| matches!(a, Arg::List(_)))),
        ),
        (
            "a 2-D array literal argument".into(),
            Box::new(closure_arg(
                |a| matches!(a, Arg::List(rows) if matches!(rows[0], Arg::List(_))),
            )),
        ),
        (
            "a literal argument".into(),
            Box::new(closure_arg(|a| matches!(a, Arg::Scalar(E::Lit(_))))),
        ),
        (
            "an `i as f64` argument".into(),
            Box::new(closure_arg(|a| matches!(a, Arg::Scalar(E::LoopVal(_))))),
        ),
        (
            "a call on constants only".into(),
            Box::new(|c| {
                c.closure
                    .any_expr(|e| matches!(e, E::Apply(..)) && constant(e))
            }),
        ),
        (
            "a call in a loop".into(),
            Box::new(|c| call_in(&c.closure.body, false)),
        ),
        (
            "a call of a call's value".into(),
            Box::new(closure_arg(|a| matches!(a, Arg::Scalar(e) if has_apply(e)))),
        ),
    ];
    features.push((
        "second order (a case with no custom derivative)".into(),
        Box::new(Case::twice),
    ));
    features.push((
        "`jvp` through a custom derivative".into(),
        Box::new(|c| !c.twice()),
    ));
    if branches {
        features.push((
            "a call in a run-time branch".into(),
            Box::new(|c| call_in(&c.closure.body, true)),
        ));
        features.push((
            "a run-time branch in a function".into(),
            Box::new(|c| {
                programs(c).iter().any(|p| {
                    p.any_stmt(|s| {
                        matches!(
                            s,
                            Stmt::If {
                                cond: Cond::Runtime(..),
                                ..
                            }
                        )
                    })
                })
            }),
        ));
    }
    for k in 0..custom::KINDS {
        features.push((
            format!("custom derivative {k}"),
            Box::new(move |c| {
                c.functions
                    .iter()
                    .any(|f| matches!(&f.body, Body::Custom(g) if g.index() == k))
            }),
        ));
    }
    features
        .into_iter()
        .filter(|(_, pred)| !cases.iter().any(pred))
        .map(|(label, _)| label)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked-in call corpus is exactly what its header's command writes.
    #[test]
    fn checked_in_call_corpus_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/call_corpus.rs");
        let checked_in = std::fs::read_to_string(path).expect("tests/call_corpus.rs");
        let number = |flag: &str| crate::header_number(&checked_in, flag);
        let (seed, count) = (number("--seed"), number("--count"));
        let count = usize::try_from(count).expect("a count");
        let branches = checked_in.contains("--calls --branches");
        assert!(branches, "the call corpus branches at run time too");
        let regenerated = corpus(seed, count, branches).expect("the generator runs");
        assert!(
            regenerated == checked_in,
            "tests/call_corpus.rs is stale: regenerate it with \
             `cargo run -p corpus-gen -- --calls --branches --seed {seed} --count {count} \
             > tests/call_corpus.rs`"
        );
    }

    /// No function calls itself or a function after it: calls go only backward.
    #[test]
    fn calls_never_recurse() {
        let mut rng = Rng::new(5);
        for _ in 0..10 {
            let case = generate(&mut rng, true);
            for (k, f) in case.functions.iter().enumerate() {
                if let Body::Program(p) = &f.body {
                    assert!(called(p).iter().all(|&j| j < k));
                }
            }
            assert!(all_reached(&case.functions, &case.closure));
        }
    }
}
