//! Loops that stay loops: a long `for` loop that updates one scalar is lowered to a
//! single call of a generated function that runs the loop at run time, instead of being
//! unrolled.
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
//! loop inside it), whose innermost body is a sum, or any update where no bound reads an
//! outer variable (a recurrence's tape is as long as the whole nest), stays a loop as a
//! whole: its outer
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
mod reads;
mod rewrite;
mod window;

use bounds::offset_tokens;
pub use bounds::{bound_tokens, nest_trip_tokens, trip_tokens, trip_type_tokens};
use form::LoopForm;
use rewrite::Rewrite;
pub(super) use window::mentions_name;

use super::scope::Binding;
use super::{Lowerer, Task};
use crate::errors::Errors;
use crate::input::{Form, Input, Param};
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
    /// One iteration's work (a loop's body, or an inner sum's term), lowered as a
    /// program of its own of `params`, the last `constants` of them inputs with no
    /// gradient. Its errors are reported by the unrolled lowering, in context, so
    /// `Err(false)` drops them; a loop over named constants cannot be unrolled, so with
    /// `report` they are reported here (`Err(true)`).
    fn body_program(
        &mut self,
        params: Vec<Param>,
        brace_token: syn::token::Brace,
        stmts: Vec<syn::Stmt>,
        constants: usize,
        report: bool,
    ) -> Result<crate::ir::Program, bool> {
        let input = Input {
            form: Form::Closure,
            params,
            elem: self.elem,
            body: Expr::Block(syn::ExprBlock {
                attrs: Vec::new(),
                label: None,
                block: syn::Block { brace_token, stmts },
            }),
            function: None,
            constants,
            generics: Vec::new(),
        };
        let mut scratch = Errors::default();
        match crate::lower::lower(&input, &mut scratch) {
            Some(body) if scratch.is_empty() => Ok(body),
            _ if !report => Err(false),
            _ => {
                self.errors.append(scratch);
                Err(true)
            }
        }
    }

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
        let Some(form) = LoopForm::of(body) else {
            return false;
        };
        let generated: Vec<&Ident> = outer.iter().map(|level| &level.ident).collect();
        // A recurrence in a nest keeps a tape as long as all its iterations: the nest is
        // rectangular (no bound reads an outer variable), and outside a function generic
        // over a length (where a stable compiler allows no computed array length).
        if !outer.is_empty() && form.carried() {
            let rectangular = outer
                .iter()
                .flat_map(|level| [&level.start, &level.end])
                .chain([&start, &end])
                .all(|b| match b {
                    Bound::Named { code, .. } => !reads_any(code, &generated),
                    Bound::Known(_) => true,
                });
            if !rectangular || !self.generics.is_empty() {
                return false;
            }
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
        let Some(Binding::Scalar {
            value: acc_value,
            mutable: true,
            param: false,
        }) = self.scope.get(form.acc).cloned()
        else {
            return false;
        };
        let carried = form.carried();
        // The inner sums of the body (`let mut t = 0.0; for j in 0..M { t += e }`),
        // each summed by a loop of its own; the body reads them as inputs.
        let var_text = var.map_or_else(|| "_".to_owned(), unraw);
        let i = crate::names::local("i");
        let mut vars: Vec<(String, Ident)> = outer
            .iter()
            .map(|level| (level.text.clone(), level.ident.clone()))
            .collect();
        vars.push((var_text.clone(), i.clone()));
        let (kept, specs) = self.split_inner_sums(form.stmts, &vars, form.acc);
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
            ..Rewrite::empty(&self.scope, form.acc, self.elem, self.form == Form::Closure)
        };
        let mut stmts = Vec::new();
        for stmt in kept {
            let mut stmt = stmt.clone();
            rewrite.visit_stmt_mut(&mut stmt);
            stmts.push(stmt);
        }
        let mut expr = if carried {
            form.carried_expr()
        } else {
            form.expr.clone()
        };
        rewrite.visit_expr_mut(&mut expr);
        // A sum that reads nothing at the loop variable adds the same term each time; a
        // recurrence is worth a loop whatever it reads.
        let reads_nothing_per_iteration = rewrite.gathers.is_empty()
            && rewrite.data.is_empty()
            && rewrite.counters.is_empty()
            && specs.is_empty();
        if !rewrite.ok || (!carried && reads_nothing_per_iteration) {
            return false;
        }
        stmts.push(syn::Stmt::Expr(expr, None));
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
            ..
        } = rewrite;
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
            params.push(Param::scalar(form.acc.clone()));
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
        let body = match self.body_program(params, body.brace_token, stmts, constants, report) {
            Ok(body) => body,
            Err(reported) => return reported,
        };
        key.push_str(&key::program(&body));
        let reused = self
            .rolled
            .iter()
            .zip(&self.rolled_keys)
            .find(|(_, k)| **k == key)
            .map(|(r, _)| r.callee);

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
        let acc_text = unraw(form.acc);
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
            format!(
                "{opening}for {var_text} in {}..{} {{ {acc_text} = e({acc_text}) }}{closing}",
                start.text(),
                end.text(),
            )
        } else {
            format!(
                "{opening}for {var_text} in {}..{} {{ {acc_text} {}= e }}{closing}",
                start.text(),
                end.text(),
                if form.subtract() { "-" } else { "+" }
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
        let mut args = vec![Arg::Values(Vec::new()); 1 + invariants.len()];
        let mut leaves: Vec<ValueId> = vec![acc_value];
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
        self.calls.push(Call { callee, args });
        // Pushed in reverse: the arguments, the call, then the assignment of its value.
        tasks.push(Task::Assign {
            place: form.acc_expr,
            op: None,
        });
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
            subtract: form.subtract(),
            carried,
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

/// The one loop a block holds, if it holds nothing else: a level of a nest.
pub(super) fn only_loop(block: &syn::Block) -> Option<&syn::ExprForLoop> {
    match block.stmts.as_slice() {
        [syn::Stmt::Expr(Expr::ForLoop(for_loop), _)] => Some(for_loop),
        _ => None,
    }
}

/// Whether `code` names one of `idents`.
fn reads_any(code: &proc_macro2::TokenStream, idents: &[&Ident]) -> bool {
    code.clone().into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => idents.iter().any(|g| **g == i),
        proc_macro2::TokenTree::Group(g) => reads_any(&g.stream(), idents),
        _ => false,
    })
}

/// Whether `code` names anything but `idents`: a named constant.
pub(super) fn reads_other(code: &proc_macro2::TokenStream, idents: &[&Ident]) -> bool {
    code.clone().into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => !idents.iter().any(|g| **g == i),
        proc_macro2::TokenTree::Group(g) => reads_other(&g.stream(), idents),
        _ => false,
    })
}
