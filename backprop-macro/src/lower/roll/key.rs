//! What makes two loops that stay loops the same callee: a loop inside a loop that is
//! unrolled, which does not read the unrolled loop's variable, is lowered on every
//! iteration to the same body, and one generated function serves every call of it
//! (`for _ in 0..1000 { .. for i in 0..N { .. } .. }` writes one loop, not a thousand).

use quote::ToTokens;
use std::fmt::Write;

use super::reads::{ArrayArg, Counter, DataGather, Gather};
use crate::ir::{Bound, InnerSum, Level, Program};

/// The text of everything the loop's generated code is made of: its range and its nest,
/// its body as rewritten, and what the body reads, in order.
#[allow(clippy::too_many_arguments)]
pub(super) fn of(
    (start, end): (&Bound, &Bound),
    outer: &[Level],
    carried: bool,
    stmts: &[syn::Stmt],
    arrays: &[ArrayArg],
    gathers: &[Gather],
    invariants: &[(proc_macro2::Ident, crate::ir::ValueId, String)],
    data: &[DataGather],
    counters: &[Counter],
    sums: &[InnerSum],
) -> String {
    let mut key = format!(
        "{carried} {} {}",
        super::bound_tokens(start),
        super::bound_tokens(end)
    );
    for level in outer {
        let _ = write!(
            key,
            "|{} {} {}",
            level.text,
            super::bound_tokens(&level.start),
            super::bound_tokens(&level.end)
        );
    }
    for stmt in stmts {
        let _ = write!(key, "|{}", stmt.to_token_stream());
    }
    for a in arrays {
        let len = a
            .named
            .as_ref()
            .map(|(p, len)| (*p, len.tokens().to_string()));
        let _ = write!(key, "|{} {} {len:?}", a.name, a.elems.len());
    }
    for g in gathers {
        let _ = write!(key, "|{} {} {}", g.array, g.index, g.text);
    }
    for (_, _, text) in invariants {
        let _ = write!(key, "|{text}");
    }
    for d in data {
        let _ = write!(key, "|{} {} {}", d.name, d.offset, d.text);
    }
    for c in counters {
        let _ = write!(key, "|{} {}", c.code, c.text);
    }
    for sum in sums {
        let _ = write!(key, "|{} {}", sum.text, sum.init);
        for term in std::iter::once(&sum.term).chain(&sum.start_term) {
            let _ = write!(key, " {:?} {}", term.invariants, program(&term.body));
            for (array, index, _, text) in &term.gathers {
                let _ = write!(key, " {array} {index} {text}");
            }
            for (code, text) in &term.counters {
                let _ = write!(key, " {code} {text}");
            }
        }
        let _ = write!(
            key,
            " {} {}",
            super::bound_tokens(&sum.start),
            super::bound_tokens(&sum.end)
        );
    }
    key
}

/// A program as its derivation shows it, with the loops that stay loops inside it: what
/// it computes, in the order it computes it.
pub(super) fn program(program: &Program) -> String {
    let plan = crate::sweep::plan(program);
    let names = crate::names::ValueNames::new(program);
    let lines = crate::derivation::lines(program, &plan, &names);
    let mut text = crate::derivation::text(program, &names, &lines);
    for rolled in &program.rolled {
        let _ = write!(text, "|{} {}", rolled.text, self::program(&rolled.body));
        for sum in &rolled.inner {
            let _ = write!(text, "|{} {}", sum.text, self::program(&sum.term.body));
            if let Some(start) = &sum.start_term {
                let _ = write!(text, " {}", self::program(&start.body));
            }
        }
    }
    text
}
