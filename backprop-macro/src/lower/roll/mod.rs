//! Loops that stay loops: a long `for` loop that updates scalars is lowered to a call of
//! a generated function that runs the loop at run time, instead of being unrolled.
//!
//! The loop must have the form
//!
//! ```text
//! for i in a..b {
//!     let t = ...;       // any number of immutable `let`s
//!     s += e;            // or `s -= e`: a sum; or `s = e`, `s *= e`, `s /= e`, or
//! }                      // `s += e` with `e` reading `s`: a recurrence
//! ```
//!
//! or, with several states, of any statements that update `let mut` scalars of the
//! enclosing body (`v += dt * a; x += dt * v;`, in branches too): each state's new value
//! is then a program of the whole body, from the old states (`program.rs`), and the loop
//! one call that gives every state's value (the call's own, then `Def::Output`s);
//!
//! where `s` is a `let mut` scalar of the body declared before the loop, and the loop
//! variable appears only in indices `x[i]`, `x[i + c]`, `x[i - c]` of one-dimensional
//! arrays of the body (parameters, of literal or named length, or local arrays), each in
//! bounds for every iteration, or of data from the user's scope (`xs[i]`, in the closure
//! form: captured once, as an array as long as the loop). The names they read are the
//! body's scalars (parameters and `let`s) and elements of its arrays at constant indices
//! (`c[1]`), literals and paths of constants (`std::f64::consts::PI`). Anything else is
//! unrolled as before, and reports its errors there.
//!
//! A nest, `for i in a..b { for j in c..d { ..; s += e; } }` (each loop's body the one
//! loop inside it), whose innermost body is a sum or any other update (a recurrence's
//! tape is as long as the whole nest; not in a function generic over a length), stays a
//! loop as a whole: its outer
//! loops' variables are generated names, which the inner bounds (`i + 1..N`), indices
//! (`w[i * M + j]`, checked at run time where a bound is a named constant) and counters
//! (`(j - i) as f64`) may read. It stays a loop from [`ROLL_THRESHOLD`] iterations of the
//! innermost body on, or over named constants.
//!
//! The body may hold inner sums (`inner.rs`): `let mut t = 0.0; for j in 0..M { t +=
//! e }`, over named constants or at least [`ROLL_THRESHOLD`] iterations, with more work
//! after it. Each term is a program of its own, and `t` an input of the body.
//!
//! The bounds are known at expansion (the loop stays a loop from [`ROLL_THRESHOLD`]
//! iterations on), or integer expressions of named constants (`0..N - 1`, `0..x.len()`
//! of an array of named length), which the compiler evaluates: such a loop always stays
//! a loop, and its indices are checked at run time, as Rust checks them.
//!
//! One iteration's work, `e` with its `let`s, becomes a program of its own (the *body*),
//! whose inputs are, for a recurrence, the old `s`, then the array elements it reads
//! (`x[i]`, `x[i + 1]`), the scalars it reads and its data. The loop itself is a call, in
//! the enclosing program, of a generated function of the accumulator's value before the
//! loop, those scalars and those arrays (see `emit/rolled.rs`); its value is the
//! accumulator after the loop. A sum's body computes `e`, which the loop adds; a
//! recurrence's computes the new `s` (`s * (e)` for `s *= e`), so the value is the
//! unrolled form's, bit for bit.

use proc_macro2::{Ident, Span};
use syn::visit_mut::VisitMut;
use syn::Expr;

mod bounds;
mod form;
mod index;
mod inner;
mod key;
mod program;
mod reads;
mod rewrite;
mod window;

pub use bounds::{bound_tokens, nest_trip_tokens, trip_tokens, trip_type_tokens};
use bounds::{offset_tokens, reads_any};
pub(super) use bounds::{only_loop, reads_other};
use form::LoopForm;
use rewrite::Rewrite;
pub(super) use window::mentions_name;

use super::scope::Binding;
use super::{Lowerer, Task};
use crate::input::{Form, Param};
use crate::ir::{Arg, Bound, Call, Callee, Level, Rolled, Type, ValueId};
use crate::names::unraw;

/// A loop of at least this many iterations stays a loop (BENCHMARKS.md, "Loops that stay
/// loops"). Below it, unrolled code may run faster: at 100 terms of Rosenbrock, a sum,
/// 299 ns unrolled against 358 ns kept a loop; at 300, 1.31 µs against 1.04 µs. A
/// recurrence (a tanh RNN) runs in the same time either way at 300, 1,000 and 3,000 steps
/// (it waits on each step's `tanh`), and kept a loop builds 4 to 100 times faster, so the
/// same threshold serves it.
pub const ROLL_THRESHOLD: usize = 300;

/// The threshold in force: [`ROLL_THRESHOLD`], or the value of the environment variable
/// `BACKPROP_ROLL_THRESHOLD` where the macro runs (for measuring both sides of it; cargo
/// does not rebuild a crate when it changes).
pub fn roll_threshold() -> usize {
    std::env::var("BACKPROP_ROLL_THRESHOLD")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(ROLL_THRESHOLD)
}

impl<'a> Lowerer<'a, '_> {
    /// Lowers `for_loop`, over `start..end`, as a loop that stays a loop, if its body has
    /// the form this module describes; `false` (with nothing lowered) if it does not.
    /// With `report`, a body of the form whose own lowering fails has its errors reported
    /// (and `true` returned): such a loop cannot be unrolled instead.
    pub(super) fn try_roll(
        &mut self,
        for_loop: &'a syn::ExprForLoop,
        var: Option<&'a Ident>,
        start: Bound,
        end: Bound,
        report: bool,
        tasks: &mut Vec<Task<'a>>,
    ) -> bool {
        // A nest: a body that is one inner loop (and so on down) whose innermost body is a
        // sum stays a loop as a whole. The outer loops' variables are generated names,
        // which the inner bounds and the indices may read.
        let mut outer: Vec<Level> = Vec::new();
        let (mut var, mut start, mut end, mut body) = (var, start, end, &for_loop.body);
        while let Some(next) = only_loop(body) {
            if next.label.is_some() {
                return false;
            }
            let next_var = match &*next.pat {
                syn::Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(&p.ident),
                syn::Pat::Wild(_) => None,
                _ => return false,
            };
            outer.push(Level {
                ident: crate::names::local(&format!("outer{}", outer.len())),
                text: var.map_or_else(|| "_".to_owned(), unraw),
                start,
                end,
            });
            let vars: Vec<(String, Ident)> = outer
                .iter()
                .map(|level| (level.text.clone(), level.ident.clone()))
                .collect();
            let Some((next_start, next_end)) = self.nest_range(&next.expr, &vars) else {
                return false;
            };
            (var, start, end, body) = (next_var, next_start, next_end, &next.body);
        }
        // One update at the end (`s += e`), or several states, each assigned anywhere in
        // the body (`v += dt * a; x += dt * v;`): each state's new value is a program of
        // the whole body, of the old states.
        let single = LoopForm::of(body);
        let assigned = form::states(&body.stmts);
        let several = match (&single, &assigned) {
            (_, Some(states)) if states.len() > 1 => true,
            (None, Some(states)) => states.len() == 1,
            // `s` assigned before its last update too.
            (Some(form), Some(_)) => form::states(form.stmts).is_some_and(|s| !s.is_empty()),
            _ => false,
        };
        let (single, states) = match (single, assigned) {
            (_, Some(states)) if several => (None, states),
            (Some(form), _) => {
                let state = (form.acc, form.acc_expr);
                (Some(form), vec![state])
            }
            _ => return false,
        };
        let acc: &Ident = states[0].0;
        let carried = single.as_ref().is_none_or(LoopForm::carried);
        let subtract = single.as_ref().is_some_and(LoopForm::subtract);
        let generated: Vec<&Ident> = outer.iter().map(|level| &level.ident).collect();
        // A recurrence in a nest keeps a tape as long as all its iterations (a product of
        // trip counts, or for a triangular nest a count the compiler makes): not in a
        // function generic over a length, where a stable compiler allows no computed
        // array length.
        if !outer.is_empty() && carried && !self.generics.is_empty() {
            self.hint(syn::Error::new_spanned(
                &for_loop.expr,
                "in a function generic over a const length, a recurrence in a nest does not \
                 stay a loop: its tape is as long as the whole nest, an array length \
                 computed from the const parameters, which a stable compiler does not \
                 allow; a sum in a nest stays a loop, and so does a recurrence over `0..N` \
                 alone",
            ));
            return false;
        }
        let bounds = || {
            outer
                .iter()
                .flat_map(|level| [&level.start, &level.end])
                .chain([&start, &end])
        };
        // An index that only the run time knows is checked as Rust checks it, where a
        // bound is a named constant and the nest cannot be unrolled to check it here.
        let runtime = bounds().any(|b| match b {
            Bound::Named { code, .. } => reads_other(code, &generated),
            Bound::Known(_) => false,
        });
        let fixed_inner = [&start, &end].into_iter().all(|b| match b {
            Bound::Named { code, .. } => !reads_any(code, &generated),
            Bound::Known(_) => true,
        });
        // The value of each state before the loop: a `let mut` scalar of the body.
        let mut state_values = Vec::new();
        for (ident, _) in &states {
            let Some(Binding::Scalar {
                value,
                mutable: true,
                param: false,
            }) = self.scope.get(ident).cloned()
            else {
                return false;
            };
            state_values.push(value);
        }
        // The inner sums of the body (`let mut t = 0.0; for j in 0..M { t += e }`),
        // each summed by a loop of its own; the body reads them as inputs.
        let var_text = var.map_or_else(|| "_".to_owned(), unraw);
        let i = crate::names::local("i");
        let mut vars: Vec<(String, Ident)> = outer
            .iter()
            .map(|level| (level.text.clone(), level.ident.clone()))
            .collect();
        vars.push((var_text.clone(), i.clone()));
        let (kept, specs) = match &single {
            Some(form) => self.split_inner_sums(form.stmts, &vars, form.acc),
            None => (body.stmts.iter().collect(), Vec::new()),
        };
        let mut rewrite = Rewrite {
            var,
            var_ident: i.clone(),
            outer: outer
                .iter()
                .map(|level| reads::Outer {
                    name: level.text.clone(),
                    ident: level.ident.clone(),
                    range: level.start.known().zip(level.end.known()),
                })
                .collect(),
            runtime,
            fixed_inner,
            carried,
            locals: specs.iter().map(|spec| unraw(spec.acc)).collect(),
            range: start.known().zip(end.known()),
            states: if several {
                states.iter().map(|(ident, _)| unraw(ident)).collect()
            } else {
                Vec::new()
            },
            ..Rewrite::empty(&self.scope, acc, self.elem, self.form == Form::Closure)
        };
        let mut stmts = Vec::new();
        for stmt in kept {
            let mut stmt = stmt.clone();
            rewrite.visit_stmt_mut(&mut stmt);
            stmts.push(stmt);
        }
        // The value of the body: for one update, `e` or the new `s`; for several, the
        // body's statements end each state's program (below).
        let mut expr = match &single {
            Some(form) if carried => Some(form.carried_expr()),
            Some(form) => Some(form.expr.clone()),
            None => None,
        };
        if let Some(expr) = &mut expr {
            rewrite.visit_expr_mut(expr);
        }
        // A sum that reads nothing at the loop variable adds the same term each time; a
        // recurrence is worth a loop whatever it reads.
        let reads_nothing_per_iteration = rewrite.gathers.is_empty()
            && rewrite.data.is_empty()
            && rewrite.counters.is_empty()
            && specs.is_empty();
        if !rewrite.ok || (!carried && reads_nothing_per_iteration) {
            return false;
        }
        stmts.extend(expr.map(|expr| syn::Stmt::Expr(expr, None)));
        // The windows and arrays the body reads at indices of short loops, bound first.
        let stmts: Vec<syn::Stmt> = std::mem::take(&mut rewrite.prelude)
            .into_iter()
            .chain(stmts)
            .collect();
        let inner_outer: Vec<reads::Outer> = rewrite
            .outer
            .iter()
            .map(|o| reads::Outer {
                name: o.name.clone(),
                ident: o.ident.clone(),
                range: o.range,
            })
            .chain([reads::Outer {
                name: var_text.clone(),
                ident: i.clone(),
                range: start.known().zip(end.known()),
            }])
            .collect();
        let Rewrite {
            mut arrays,
            gathers,
            mut invariants,
            data,
            counters,
            captures,
            ..
        } = rewrite;
        self.capture_invariants(captures, &mut invariants);
        let body_invariants = invariants.len();

        // Each inner sum's term, a program of its own, reading the loop's arrays and
        // invariants (those only it reads are added to them).
        let sums = match self.inner_sums(
            &specs,
            &inner_outer,
            runtime,
            report,
            &mut arrays,
            &mut invariants,
        ) {
            Ok(sums) => sums,
            Err(reported) => return reported,
        };
        // The same loop again (a loop inside an unrolled one that does not read its
        // variable): one callee serves every call of it.
        let mut key = key::of(
            (&start, &end),
            &outer,
            carried,
            &stmts,
            &arrays,
            &gathers,
            &invariants,
            &data,
            &counters,
            &sums,
        );
        // The body: one iteration's `e` (for a recurrence, the new `s`), a function of
        // the old `s` for a recurrence, the gathered elements and the scalars it reads.
        let mut params: Vec<Param> = Vec::new();
        if carried {
            params.extend(
                states
                    .iter()
                    .map(|(ident, _)| Param::scalar((*ident).clone())),
            );
        }
        params.extend(gathers.iter().map(|g| Param::scalar(g.ident.clone())));
        params.extend(
            invariants[..body_invariants]
                .iter()
                .map(|(ident, _, _)| Param::scalar(ident.clone())),
        );
        params.extend(specs.iter().map(|spec| Param::scalar(spec.acc.clone())));
        params.extend(data.iter().map(|d| Param::scalar(d.ident.clone())));
        params.extend(counters.iter().map(|c| Param::scalar(c.ident.clone())));
        let constants = data.len() + counters.len();
        // With several states, one program per state: the whole body, from the old
        // states (`let mut x = x;`), to its new value.
        let programs = if single.is_some() {
            vec![stmts]
        } else {
            program::per_state(&states, &stmts)
        };
        let mut bodies = Vec::new();
        for stmts in programs {
            match self.body_program(params.clone(), body.brace_token, stmts, constants, report) {
                Ok(program) => bodies.push(program),
                Err(reported) => return reported,
            }
        }
        for program in &bodies {
            key.push_str(&key::program(program));
        }
        let reused = self
            .rolled
            .iter()
            .zip(&self.rolled_keys)
            .find(|(_, k)| **k == key)
            .map(|(r, _)| r.callee);
        let body = bodies.remove(0);

        // A recurrence's tape is an array as long as the loop: in a function generic over
        // `N`, its length must be `N` itself.
        let bare = |b: &Bound| match b {
            Bound::Named { code, .. } => syn::parse2::<Ident>(code.clone())
                .is_ok_and(|n| self.generics.iter().any(|g| unraw(g) == unraw(&n))),
            Bound::Known(_) => false,
        };
        if carried
            && !self.generics.is_empty()
            && !(matches!(start, Bound::Known(0)) && bare(&end))
            && (start.known().is_none() || end.known().is_none())
        {
            self.errors.error(
                &for_loop.expr,
                "in a function generic over a const length, a recurrence that stays a loop \
                 runs over `0..N` with `N` a const parameter: its tape is an array as long \
                 as the loop, and a stable compiler does not allow an array length computed \
                 from `N`",
            );
            return true;
        }
        let k = self.rolled.len();
        let ident = Ident::new(&format!("__BackpropLoop{k}"), Span::mixed_site());
        let acc_text = match states.as_slice() {
            [(one, _)] => unraw(one),
            several => format!(
                "({})",
                several
                    .iter()
                    .map(|(ident, _)| unraw(ident))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let opening: String = outer
            .iter()
            .map(|level| {
                format!(
                    "for {} in {}..{} {{ ",
                    level.text,
                    level.start.text(),
                    level.end.text()
                )
            })
            .collect();
        let closing = " }".repeat(outer.len());
        let text = if carried {
            let old = acc_text.trim_start_matches('(').trim_end_matches(')');
            format!(
                "{opening}for {var_text} in {}..{} {{ {acc_text} = e({old}) }}{closing}",
                start.text(),
                end.text(),
            )
        } else {
            format!(
                "{opening}for {var_text} in {}..{} {{ {acc_text} {}= e }}{closing}",
                start.text(),
                end.text(),
                if subtract { "-" } else { "+" }
            )
        };
        let callee = reused.unwrap_or_else(|| {
            self.callees.push(Callee {
                path: syn::Path::from(ident.clone()),
                text: format!("loop{k}"),
            });
            self.callee_shapes.push(Vec::new());
            self.callees.len() - 1
        });
        let mut args = vec![Arg::Values(Vec::new()); states.len() + invariants.len()];
        let mut leaves: Vec<ValueId> = state_values;
        leaves.extend(invariants.iter().map(|&(_, v, _)| v));
        for array in &arrays {
            match &array.named {
                Some((p, _)) => args.push(Arg::Param(*p)),
                None => {
                    args.push(Arg::Values(vec![array.elems.len()]));
                    leaves.extend(&array.elems);
                }
            }
        }
        // Each piece of data the loop reads, `xs[i + c]` for every iteration, captured
        // once where `grad!` is written, as an array as long as the loop.
        let trips = trip_tokens(&start, &end);
        for d in &data {
            let position = args.len();
            let name = &d.name;
            let first = offset_tokens(&start, d.offset);
            let j = crate::names::local("j");
            let Ok(expr) = syn::parse2::<Expr>(quote::quote!(
                ::core::array::from_fn::<_, { #trips }, _>(|#j| #name[#j + #first])
            )) else {
                return false;
            };
            let v = self.capture(&expr, None, Type::Opaque(callee, position));
            if let crate::ir::Def::Captured(c) = self.values[v].def {
                self.captured[c].text = match (start.known(), end.known()) {
                    (Some(a), Some(b)) => {
                        format!("{}[{}..{}]", unraw(name), a + d.offset, b + d.offset)
                    }
                    _ => format!(
                        "{} for {var_text} in {}..{}",
                        d.text,
                        start.text(),
                        end.text()
                    ),
                };
            }
            args.push(Arg::Constant);
            leaves.push(v);
        }
        // One call, which gives each state's value. Pushed in reverse: the arguments, the
        // call, then the assignment of each value, the last state's first.
        self.calls.push(Call {
            callee,
            args,
            outputs: states.len(),
        });
        for (_, place) in &states {
            tasks.push(Task::Assign { place, op: None });
        }
        tasks.push(Task::DiffCall(self.calls.len() - 1));
        let leaves_len = leaves.len();
        tasks.push(Task::PushAll(leaves));
        if reused.is_some() {
            // The same loop on every iteration of an unrolled one: each call passes its
            // scalars, which count as unrolled work.
            let _ = self.charge(leaves_len, for_loop.for_token);
            return true;
        }
        self.rolled_keys.push(key);
        self.rolled.push(Rolled {
            callee,
            ident,
            outer,
            start,
            end,
            subtract,
            carried,
            others: bodies,
            arrays: arrays
                .into_iter()
                .map(|a| {
                    let len = match &a.named {
                        Some((_, len)) => len.tokens(),
                        None => {
                            let n = proc_macro2::Literal::usize_unsuffixed(a.elems.len());
                            quote::quote!(#n)
                        }
                    };
                    (a.name, len)
                })
                .collect(),
            gathers: gathers
                .into_iter()
                .map(|g| (g.array, g.index, g.ident, g.text))
                .collect(),
            invariants: invariants.into_iter().map(|(_, _, text)| text).collect(),
            body_invariants,
            inner: sums,
            data: data.into_iter().map(|d| d.text).collect(),
            counters: counters.into_iter().map(|c| (c.code, c.text)).collect(),
            body,
            text,
        });
        true
    }
}
