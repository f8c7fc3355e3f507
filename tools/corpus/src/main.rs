//! Writes the corpus test file: `cargo run -p corpus-gen -- --seed N --count C`, to
//! standard output; with `--loops`, the loop corpus instead (`loops`), and with
//! `--loops --branches` loop programs that also branch on values at run time (the
//! checked-in loop corpus); with `--calls` (and the same `--branches`), loop programs that
//! call `#[backprop::differentiable]` functions of their own (`calls`, the call corpus).
//!
//! Cases are random expressions over every operation of the table, in both input forms,
//! built at an evaluation point where they are safe (see `gen` and `screen`). The file is
//! formatted with `rustfmt`, so it is checked in as written.

mod calls;
mod case;
mod domain;
mod emit;
mod expr;
mod gen;
mod loops;
mod print;
mod rng;
mod screen;

use std::io::Write;
use std::process::{Command, Stdio};

use backprop_core::OPS;

use case::{Case, Form};
use expr::{Const, Elem, Node, Style};

const USAGE: &str = "usage: corpus-gen --seed N --count C > tests/corpus.rs\n       \
                     corpus-gen --loops [--branches] --seed N --count C > tests/loop_corpus.rs\n       \
                     corpus-gen --calls [--branches] --seed N --count C > tests/call_corpus.rs";

struct Args {
    seed: u64,
    count: usize,
    loops: bool,
    branches: bool,
    calls: bool,
}

fn main() {
    let Args {
        seed,
        count,
        loops,
        branches,
        calls,
    } = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            std::process::exit(2);
        }
    };
    if loops || calls {
        let text = if calls {
            calls::corpus(seed, count, branches)
        } else {
            loops::corpus(seed, count, branches)
        };
        match text {
            Ok(text) => std::io::stdout()
                .write_all(text.as_bytes())
                .expect("write to standard output"),
            Err(message) => {
                eprintln!("corpus-gen: {message}");
                std::process::exit(1);
            }
        }
        return;
    }
    for row in OPS {
        if !domain::REVIEWED.contains(&row.name) {
            eprintln!(
                "corpus-gen: note: `{}` has no domain in domain.rs; it is generated with \
                 unrestricted arguments and kept only where finite and smooth",
                row.name
            );
        }
    }
    match corpus(seed, count) {
        Ok(text) => std::io::stdout()
            .write_all(text.as_bytes())
            .expect("write to standard output"),
        Err(message) => {
            eprintln!("corpus-gen: {message}");
            std::process::exit(1);
        }
    }
}

/// The whole test file for `seed` and `count`.
fn corpus(seed: u64, count: usize) -> Result<String, String> {
    let mut rng = rng::Rng::new(seed);
    let cases: Vec<Case> = (0..count).map(|_| case::generate(&mut rng)).collect();
    let gaps = coverage_gaps(&cases);
    if !gaps.is_empty() {
        let message = format!("these features appear in no case: {}", gaps.join(", "));
        // A full-size corpus must cover everything; a small one is for experiments.
        if count >= 200 {
            return Err(format!("{message}; use another seed or more cases"));
        }
        eprintln!("corpus-gen: {message}");
    }
    let command =
        format!("cargo run -p corpus-gen -- --seed {seed} --count {count} > tests/corpus.rs");
    let text = emit::file(&cases, seed, &command);
    Ok(rustfmt(&text).unwrap_or_else(|e| {
        eprintln!("corpus-gen: rustfmt failed ({e}); writing the file unformatted");
        text
    }))
}

fn parse_args() -> Result<Args, String> {
    let mut seed = None;
    let mut count = None;
    let (mut loops, mut branches, mut calls) = (false, false, false);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--loops" => {
                loops = true;
                continue;
            }
            "--branches" => {
                branches = true;
                continue;
            }
            "--calls" => {
                calls = true;
                continue;
            }
            _ => {}
        }
        let value = args.next().ok_or(format!("`{flag}` needs a value"))?;
        match flag.as_str() {
            "--seed" => seed = Some(value.parse().map_err(|_| format!("bad seed `{value}`"))?),
            "--count" => count = Some(value.parse().map_err(|_| format!("bad count `{value}`"))?),
            _ => return Err(format!("unknown argument `{flag}`")),
        }
    }
    if branches && !loops && !calls {
        return Err("`--branches` is for `--loops` and `--calls`".to_owned());
    }
    Ok(Args {
        seed: seed.ok_or("missing --seed")?,
        count: count.ok_or("missing --count")?,
        loops,
        branches,
        calls,
    })
}

/// The file as `cargo fmt` would leave it.
fn rustfmt(text: &str) -> Result<String, String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(text.as_bytes())
        .map_err(|e| e.to_string())?;
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    if output.status.success() {
        String::from_utf8(output.stdout).map_err(|e| e.to_string())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

type Feature = dyn Fn(&Case) -> bool;

/// The features the corpus promises, each named if no case has it: every operation of the
/// table, each named operation in both call styles, both forms, `f32`, `let` blocks with
/// shadowing, and every kind of captured constant.
fn coverage_gaps(cases: &[Case]) -> Vec<String> {
    let has_op = |name: &str, style: Option<Style>| {
        cases.iter().any(|c| {
            c.any_node(|n| match n {
                Node::Op { op, style: s, .. } => {
                    op.info().name == name
                        && (style.is_none() || op.info().symbol.is_some() || Some(*s) == style)
                }
                _ => false,
            })
        })
    };
    let mut gaps = Vec::new();
    for row in OPS {
        if row.symbol.is_some() {
            if !has_op(row.name, None) {
                gaps.push(format!("operator `{}`", row.symbol.unwrap_or_default()));
            }
        } else {
            for (style, label) in [(Style::Method, "method"), (Style::Function, "function")] {
                if !has_op(row.name, Some(style)) {
                    gaps.push(format!("`{}` in {label} form", row.name));
                }
            }
        }
    }
    let features: [(&str, &Feature); 14] = [
        ("expression form", &|c| c.form == Form::Expression),
        ("closure form", &|c| c.form == Form::Closure),
        ("f32", &|c| c.elem == Elem::F32),
        ("let bindings", &|c| !c.lets.is_empty()),
        ("shadowing", &|c| c.shadows()),
        ("constant k", &|c| c.uses_const(Const::K)),
        ("constant xs[i]", &|c| c.uses_const(Const::XsI)),
        ("constant params.scale", &|c| c.uses_const(Const::Scale)),
        ("user fn on constants", &|c| c.uses_const(Const::Damp)),
        ("path constant", &|c| c.uses_const(Const::Pi)),
        ("integer constant exponent", &|c| c.uses_named_exponent()),
        ("integer literal", &|c| {
            c.any_node(|n| matches!(n, Node::Lit(l) if !l.text.contains(['.', 'e'])))
        }),
        ("depth 6", &|c| c.depth() == 6),
        ("unused parameter", &|c| c.used_inputs().contains(&false)),
    ];
    for (label, pred) in features {
        if !cases.iter().any(pred) {
            gaps.push(label.to_owned());
        }
    }
    gaps
}

/// The number after `flag` in the regenerate command of a checked-in file's header, for
/// the tests that check the file is what that command writes.
#[cfg(test)]
fn header_number(checked_in: &str, flag: &str) -> u64 {
    let at = checked_in.find(flag).expect("the header names the command") + flag.len();
    let digits: String = checked_in[at..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().expect("a number")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_table_can_be_built_and_has_a_domain() {
        assert_eq!(expr::all_ops().len(), OPS.len());
        for row in OPS {
            assert!(domain::REVIEWED.contains(&row.name), "`{}`", row.name);
        }
    }

    /// The checked-in corpus is exactly what its header's command writes, so it can be
    /// regenerated at will, and a change to the table or the generator shows here.
    #[test]
    fn checked_in_corpus_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus.rs");
        let checked_in = std::fs::read_to_string(path).expect("tests/corpus.rs");
        let number = |flag: &str| crate::header_number(&checked_in, flag);
        let (seed, count) = (number("--seed"), number("--count"));
        let count = usize::try_from(count).expect("a count");
        let regenerated = corpus(seed, count).expect("the generator runs");
        assert!(
            regenerated == checked_in,
            "tests/corpus.rs is stale: regenerate it with \
             `cargo run -p corpus-gen -- --seed {seed} --count {count} > tests/corpus.rs`"
        );
    }
}
