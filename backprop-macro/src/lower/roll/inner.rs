//! Inner sums in the body of a loop that stays a loop: a local declared from a literal
//! (or from an expression of what the body reads, `let mut t = b[i];`, a program of its
//! own, like the term) and summed by the loop after it, over named constants or long,
//!
//! ```text
//! for i in 0..N {
//!     let mut t = 0.0;
//!     for j in 0..M {
//!         t += w[i * M + j] * x[j];
//!     }
//!     s += (t - y[i]).powi(2);
//! }
//! ```
//!
//! The term `e` of the inner loop becomes a program of its own, as the enclosing body
//! does; the body reads `t` as an input, which the loop computes on every iteration with
//! a loop of its own (`emit/rolled.rs`). The term reads what a body may read (elements
//! of the arrays at indices of every loop variable, the enclosing body's scalars,
//! counters), except the body's own locals and data from the user's scope.

use proc_macro2::Ident;
use syn::visit_mut::VisitMut;
use syn::{BinOp, Expr};

use super::reads::{self, ArrayArg, Outer};
use super::rewrite::Rewrite;
use super::LoopForm;
use crate::input::{Form, Param};
use crate::ir::{Bound, InnerSum, Term};
use crate::names::unraw;

/// An inner sum as written: `let mut t = c;` and the loop after it.
pub(super) struct InnerSpec<'a> {
    pub(super) acc: &'a Ident,
    /// Its first value: a literal, or an expression of what the body reads (`b[i]`).
    pub(super) init: f64,
    pub(super) start_expr: Option<&'a Expr>,
    pub(super) var: Option<&'a Ident>,
    pub(super) start: Bound,
    pub(super) end: Bound,
    pub(super) form: LoopForm<'a>,
}

/// An inner sum's term, rewritten as a body is: what it reads, and the statements of its
/// program.
pub(super) struct InnerTerm {
    pub(super) gathers: Vec<reads::Gather>,
    pub(super) arrays: Vec<ArrayArg>,
    pub(super) invariants: Vec<(Ident, crate::ir::ValueId, String)>,
    pub(super) counters: Vec<reads::Counter>,
    pub(super) stmts: Vec<syn::Stmt>,
}

impl<'a> super::super::Lowerer<'a, '_> {
    /// The statements of a loop body with its inner sums taken out, and the inner sums.
    /// `vars` are the variables of the loops around the body (the user's name, the
    /// generated one), which an inner sum's bounds may read.
    pub(super) fn split_inner_sums(
        &mut self,
        stmts: &'a [syn::Stmt],
        vars: &[(String, Ident)],
        outer_acc: &Ident,
    ) -> (Vec<&'a syn::Stmt>, Vec<InnerSpec<'a>>) {
        // Every local the body declares: an inner sum's term may read none of them (nor
        // the enclosing loop's accumulator), as it is a program of the enclosing body's
        // values only.
        let declared: Vec<String> = stmts
            .iter()
            .filter_map(|stmt| match stmt {
                syn::Stmt::Local(local) => local_name(local).map(|(name, _)| unraw(name)),
                _ => None,
            })
            .collect();
        let mut kept = Vec::new();
        let mut specs = Vec::new();
        let mut k = 0;
        while k < stmts.len() {
            // Two sums of one name (the second shadowing the first) would be two inputs
            // of the body of that name: the second stays in the body.
            let mut spec = self.inner_sum_at(stmts, k, vars, outer_acc, &declared);
            if let Some(again) = spec.as_ref().filter(|spec| {
                specs
                    .iter()
                    .any(|s: &InnerSpec<'_>| unraw(s.acc) == unraw(spec.acc))
            }) {
                let name = unraw(again.acc);
                self.hint(syn::Error::new(
                    again.acc.span(),
                    format!(
                        "a second inner sum named `{name}` in the loop's body: each is an \
                         input of the body, so give this one another name"
                    ),
                ));
                spec = None;
            }
            if let Some(spec) = spec {
                specs.push(spec);
                k += 2;
            } else {
                kept.push(&stmts[k]);
                k += 1;
            }
        }
        (kept, specs)
    }

    /// The inner sum that `stmts[k]` declares and `stmts[k + 1]` computes, if any.
    fn inner_sum_at(
        &mut self,
        stmts: &'a [syn::Stmt],
        k: usize,
        vars: &[(String, Ident)],
        outer_acc: &Ident,
        declared: &[String],
    ) -> Option<InnerSpec<'a>> {
        let syn::Stmt::Local(local) = &stmts[k] else {
            return None;
        };
        let (acc, mutable) = local_name(local)?;
        if !mutable {
            return None;
        }
        if let syn::Pat::Type(t) = &local.pat {
            if crate::input::elem_of(&t.ty) != Some(self.elem) {
                return None;
            }
        }
        let init_expr = &*local.init.as_ref().filter(|i| i.diverge.is_none())?.expr;
        let (init, start_expr) = match self.literal_value(init_expr) {
            Some(v) => (v, None),
            None => (0.0, Some(init_expr)),
        };
        let syn::Stmt::Expr(Expr::ForLoop(for_loop), _) = stmts.get(k + 1)? else {
            return None;
        };
        if for_loop.label.is_some() {
            return None;
        }
        let var = match &*for_loop.pat {
            syn::Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(&p.ident),
            syn::Pat::Wild(_) => None,
            _ => return None,
        };
        let form = LoopForm::of(&for_loop.body)?;
        if unraw(form.acc) != unraw(acc)
            || !matches!(form.op, Some(BinOp::AddAssign(_) | BinOp::SubAssign(_)))
            || form.carried()
        {
            return None;
        }
        let (start, end) = self.nest_range(&for_loop.expr, vars)?;
        // A short loop with known bounds is unrolled in the body, as before.
        let long = match (start.known(), end.known()) {
            (Some(a), Some(b)) => usize::try_from(b - a).unwrap_or(0) >= super::roll_threshold(),
            _ => true,
        };
        if !long {
            return None;
        }
        let as_expr = |stmt: &syn::Stmt| Expr::Verbatim(quote::ToTokens::to_token_stream(stmt));
        // The loop and the first value, which read only what the body reads from outside.
        let mut tokens = quote::ToTokens::to_token_stream(&for_loop.body);
        if let Some(e) = start_expr {
            tokens.extend(quote::ToTokens::to_token_stream(e));
        }
        let whole = Expr::Verbatim(tokens.clone());
        let acc_text = unraw(acc);
        let read = std::iter::once(unraw(outer_acc))
            .chain(declared.iter().filter(|name| **name != acc_text).cloned())
            .find(|name| super::mentions_name(&whole, name));
        if let Some(name) = read {
            let at = first_ident(&tokens, &name).unwrap_or(for_loop.for_token.span);
            let what = if name == unraw(outer_acc) {
                "the value the loop updates"
            } else {
                "a local of the loop's body"
            };
            self.hint(syn::Error::new(
                at,
                format!(
                    "the inner sum `{acc_text}` reads `{name}`, {what}: the term of an inner \
                     sum reads what the body reads from outside it (the enclosing body's \
                     values, elements of its arrays, the loop variables), so compute \
                     `{name}` inside the inner loop"
                ),
            ));
            return None;
        }
        // The sum is final after its loop: nothing after it assigns it (up to a `let` that
        // shadows it).
        if stmts[k + 2..]
            .iter()
            .take_while(|stmt| match stmt {
                syn::Stmt::Local(local) => {
                    local_name(local).is_none_or(|(name, _)| unraw(name) != acc_text)
                }
                _ => true,
            })
            .any(|stmt| assigns(&as_expr(stmt), &acc_text))
        {
            self.hint(syn::Error::new(
                acc.span(),
                format!(
                    "`{acc_text}` is summed by the loop after it, an inner sum, and assigned \
                     again later: an inner sum's local is only read after its loop"
                ),
            ));
            return None;
        }
        Some(InnerSpec {
            acc,
            init,
            start_expr,
            var,
            start,
            end,
            form,
        })
    }

    /// Records why a loop over named constants cannot stay a loop, where the first
    /// reason found says more than the loop's form.
    pub(super) fn hint(&mut self, error: syn::Error) {
        if self.roll_hint.is_none() {
            self.roll_hint = Some(error);
        }
    }

    /// The value of a literal in the element type, `0.0`, `1`, `-1.5`.
    fn literal_value(&self, expr: &Expr) -> Option<f64> {
        match expr {
            Expr::Lit(lit) => crate::literal::value(&lit.lit, self.elem).ok(),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => {
                self.literal_value(&u.expr).map(|v| -v)
            }
            Expr::Paren(p) => self.literal_value(&p.expr),
            _ => None,
        }
    }

    /// Each inner sum's term (and first value, where it is no literal), a program of its
    /// own, reading the loop's arrays and invariants (those only it reads are added to
    /// them). `Err(reported)` where a term is of no form that stays a loop (`false`) or
    /// its lowering fails (`true`, its errors reported where `report` asks for them).
    pub(super) fn inner_sums(
        &mut self,
        specs: &[InnerSpec<'a>],
        inner_outer: &[Outer],
        runtime: bool,
        report: bool,
        arrays: &mut Vec<ArrayArg>,
        invariants: &mut Vec<(Ident, crate::ir::ValueId, String)>,
    ) -> Result<Vec<InnerSum>, bool> {
        let mut sums: Vec<InnerSum> = Vec::new();
        for (k, spec) in specs.iter().enumerate() {
            let ident = crate::names::local(&format!("inner{k}"));
            let mut program = |this: &mut Self, first: bool| match this.inner_term(
                spec,
                &ident,
                inner_outer.to_vec(),
                runtime,
                first,
            ) {
                Ok(term) => this.term(term, spec.form.block_brace, report, arrays, invariants),
                Err(hint) => {
                    if let Some(hint) = hint {
                        this.hint(hint);
                    }
                    Err(false)
                }
            };
            let term = program(self, false)?;
            let start_term = match spec.start_expr {
                Some(_) => Some(program(self, true)?),
                None => None,
            };
            let inner_var = spec.var.map_or_else(|| "_".to_owned(), unraw);
            let acc_text = unraw(spec.acc);
            sums.push(InnerSum {
                name: acc_text.clone(),
                init: spec.init,
                start_term,
                ident,
                text: format!(
                    "for {inner_var} in {}..{} {{ {acc_text} {}= e }}",
                    spec.start.text(),
                    spec.end.text(),
                    if spec.form.subtract() { "-" } else { "+" }
                ),
                start: spec.start.clone(),
                end: spec.end.clone(),
                subtract: spec.form.subtract(),
                term,
            });
        }
        Ok(sums)
    }

    /// A rewritten term lowered to a program of its own, its arrays and invariants as the
    /// loop's.
    fn term(
        &mut self,
        term: InnerTerm,
        brace: syn::token::Brace,
        report: bool,
        arrays: &mut Vec<ArrayArg>,
        invariants: &mut Vec<(Ident, crate::ir::ValueId, String)>,
    ) -> Result<Term, bool> {
        let mut params: Vec<Param> = term
            .gathers
            .iter()
            .map(|g| Param::scalar(g.ident.clone()))
            .collect();
        params.extend(
            term.invariants
                .iter()
                .map(|(ident, _, _)| Param::scalar(ident.clone())),
        );
        params.extend(term.counters.iter().map(|c| Param::scalar(c.ident.clone())));
        let constants = term.counters.len();
        let body = self.body_program(params, brace, term.stmts, constants, report)?;
        let gathers = term
            .gathers
            .into_iter()
            .map(|g| {
                let array = &term.arrays[g.array];
                let at = match arrays.iter().position(|a| a.name == array.name) {
                    Some(at) => at,
                    None => {
                        arrays.push(reads::ArrayArg {
                            name: array.name.clone(),
                            elems: array.elems.clone(),
                            named: array.named.clone(),
                        });
                        arrays.len() - 1
                    }
                };
                (at, g.index, g.ident, g.text)
            })
            .collect();
        let term_invariants = term
            .invariants
            .into_iter()
            .map(
                |(ident, value, text)| match invariants.iter().position(|(_, _, t)| *t == text) {
                    Some(at) => at,
                    None => {
                        invariants.push((ident, value, text));
                        invariants.len() - 1
                    }
                },
            )
            .collect();
        Ok(Term {
            gathers,
            invariants: term_invariants,
            counters: term
                .counters
                .into_iter()
                .map(|c| (c.code, c.text))
                .collect(),
            body,
        })
    }

    /// The term of an inner sum, rewritten: `outer` are the loops around it, the
    /// enclosing loop last; `runtime`, whether its indices may be checked at run time.
    pub(super) fn inner_term(
        &mut self,
        spec: &InnerSpec<'a>,
        ident: &Ident,
        outer: Vec<Outer>,
        runtime: bool,
        first: bool,
    ) -> Result<InnerTerm, Option<syn::Error>> {
        // The first value is read once an iteration, before the inner loop: it reads no
        // variable of its own.
        let (var, range, body, last) = if first {
            let Some(e) = spec.start_expr else {
                return Err(None);
            };
            (None, None, &[][..], e)
        } else {
            (
                spec.var,
                spec.start.known().zip(spec.end.known()),
                spec.form.stmts,
                spec.form.expr,
            )
        };
        let generated: Vec<&Ident> = outer.iter().map(|o| &o.ident).collect();
        let fixed_inner = [&spec.start, &spec.end].into_iter().all(|b| match b {
            Bound::Named { code, .. } => !super::reads_any(code, &generated),
            Bound::Known(_) => true,
        });
        let mut rewrite = Rewrite {
            var,
            var_ident: ident.clone(),
            outer,
            runtime: runtime
                || [&spec.start, &spec.end]
                    .into_iter()
                    .any(|b| matches!(b, Bound::Named { .. })),
            fixed_inner,
            range,
            ..Rewrite::empty(&self.scope, spec.acc, self.elem, self.form == Form::Closure)
        };
        let mut stmts = Vec::new();
        for stmt in body {
            let mut stmt = stmt.clone();
            rewrite.visit_stmt_mut(&mut stmt);
            stmts.push(stmt);
        }
        let mut expr = last.clone();
        rewrite.visit_expr_mut(&mut expr);
        // Data from the user's scope is captured as one array as long as the enclosing
        // loop, not as long as an inner one.
        if let Some(d) = rewrite.data.first() {
            return Err(Some(syn::Error::new(
                d.name.span(),
                format!(
                    "the inner sum `{}` reads `{}`, data from your scope: data is captured \
                     as an array as long as the enclosing loop, and read at its variable, \
                     so read it there (before the inner loop) or pass it as a parameter",
                    unraw(spec.acc),
                    d.text
                ),
            )));
        }
        if !rewrite.ok {
            return Err(None);
        }
        stmts.push(syn::Stmt::Expr(expr, None));
        let stmts = std::mem::take(&mut rewrite.prelude)
            .into_iter()
            .chain(stmts)
            .collect();
        let Rewrite {
            gathers,
            arrays,
            mut invariants,
            counters,
            captures,
            ..
        } = rewrite;
        self.capture_invariants(captures, &mut invariants);
        Ok(InnerTerm {
            gathers,
            arrays,
            invariants,
            counters,
            stmts,
        })
    }
}

/// The span of the first identifier `name` in `tokens`.
fn first_ident(tokens: &proc_macro2::TokenStream, name: &str) -> Option<proc_macro2::Span> {
    tokens.clone().into_iter().find_map(|t| match t {
        proc_macro2::TokenTree::Ident(i) if unraw(&i) == name => Some(i.span()),
        proc_macro2::TokenTree::Group(g) => first_ident(&g.stream(), name),
        _ => None,
    })
}

/// The name a `let` binds, and whether it is `mut`.
fn local_name(local: &syn::Local) -> Option<(&Ident, bool)> {
    let pat = match &local.pat {
        syn::Pat::Type(t) => &*t.pat,
        pat => pat,
    };
    match pat {
        syn::Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => {
            Some((&p.ident, p.mutability.is_some()))
        }
        _ => None,
    }
}

/// Whether `expr` assigns the local `name` (`t = ..`, `t += ..`) anywhere in it.
fn assigns(expr: &Expr, name: &str) -> bool {
    struct Finder<'n> {
        name: &'n str,
        found: bool,
    }
    impl VisitMut for Finder<'_> {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            let place = match expr {
                Expr::Assign(a) => Some(&*a.left),
                Expr::Binary(b) if crate::constant::is_assignment(&b.op) => Some(&*b.left),
                _ => None,
            };
            if place.is_some_and(|p| super::mentions_name(p, self.name)) {
                self.found = true;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    // A statement's tokens, parsed back as a block, to visit its expressions.
    let Ok(mut block) = syn::parse2::<syn::Block>(quote::quote!({ #expr })) else {
        return true;
    };
    let mut finder = Finder { name, found: false };
    finder.visit_block_mut(&mut block);
    finder.found
}
