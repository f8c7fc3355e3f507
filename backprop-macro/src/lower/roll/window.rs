//! Short inner loops in the body of a loop that stays a loop: `for k in 0..3` with bounds
//! known at expansion, unrolled by the body's own lowering. An array read at the loop
//! variable plus the inner ones (`x[i + k]`) is read through a window of its elements; an
//! array of the enclosing body read at an inner variable only (`c[k]`) comes in whole.

use proc_macro2::{Ident, Span};
use syn::visit_mut::VisitMut;
use syn::{BinOp, Expr};

use super::super::konst::{self, Const};
use super::super::scope::Binding;
use super::rewrite::Rewrite;
use crate::names::unraw;

/// An index as [`Rewrite::linear`] reads it: whether it reads the loop variable, the
/// ranges (first and last value) of the short loops' variables it adds, the constant.
type Linear = (bool, Vec<(i64, i64)>, i64);

impl Rewrite<'_> {
    /// An index as `i·a + Σ inner + c`: whether it reads the loop variable (once, with
    /// coefficient one), the ranges of the short loops' variables it adds, and the
    /// constant; `None` for anything else.
    pub(super) fn linear(&self, index: &Expr) -> Option<Linear> {
        let inner = |ident: &Ident| {
            self.inner
                .iter()
                .rev()
                .find(|(name, _, _)| *name == unraw(ident))
                .map(|&(_, lo, hi)| (lo, hi))
        };
        match index {
            Expr::Paren(p) => self.linear(&p.expr),
            Expr::Group(g) => self.linear(&g.expr),
            Expr::Path(p) => {
                let ident = p.path.get_ident()?;
                if self.is_var(ident) {
                    Some((true, Vec::new(), 0))
                } else if let Some(range) = inner(ident) {
                    Some((false, vec![range], 0))
                } else if self.level_of(ident).is_some() {
                    // A variable of an outer loop of the nest.
                    None
                } else {
                    match konst::eval(index, self.scope) {
                        Ok(Some(Const::Int(n))) => Some((false, Vec::new(), n)),
                        _ => None,
                    }
                }
            }
            Expr::Binary(b) if matches!(b.op, BinOp::Add(_) | BinOp::Sub(_)) => {
                let (lv, mut lr, lc) = self.linear(&b.left)?;
                let (rv, rr, rc) = self.linear(&b.right)?;
                if matches!(b.op, BinOp::Sub(_)) {
                    // A constant or a short loop's variable is subtracted, not the loop
                    // variable.
                    if rv {
                        return None;
                    }
                    lr.extend(rr.into_iter().map(|(lo, hi)| (-hi, -lo)));
                    return Some((lv, lr, lc - rc));
                }
                if lv && rv {
                    return None;
                }
                lr.extend(rr);
                Some((lv || rv, lr, lc + rc))
            }
            _ if !self.reads_var(index)
                && !self.inner.iter().any(|(n, _, _)| mentions_name(index, n)) =>
            {
                match konst::eval(index, self.scope) {
                    Ok(Some(Const::Int(n))) => Some((false, Vec::new(), n)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `base[index]` with `index` the loop variable plus a short loop's variables
    /// (`x[i + k]`): an element of a window of the array, the elements from its first to
    /// its last offset, each an input of the body and bound together first, indexed by
    /// the short loops' variables.
    pub(super) fn window(&mut self, base: &Expr, index: &Expr) -> Option<Expr> {
        let (true, ranges, c) = self.linear(index)? else {
            return None;
        };
        if ranges.is_empty() {
            return None;
        }
        let Expr::Path(path) = base else {
            return None;
        };
        let name = path.path.get_ident()?.clone();
        let first = c + ranges.iter().map(|r| r.0).sum::<i64>();
        let last = c + ranges.iter().map(|r| r.1).sum::<i64>();
        if last - first > 1_000 {
            return None;
        }
        let name_text = unraw(&name);
        let local = match self
            .windows
            .iter()
            .find(|(n, a, b, _)| *n == name_text && *a == first && *b == last)
        {
            Some((_, _, _, local)) => local.clone(),
            None => {
                let mut elems = Vec::new();
                for offset in first..=last {
                    let index: Expr = syn::parse2(if offset >= 0 {
                        let v = self.var?;
                        let c = proc_macro2::Literal::i64_unsuffixed(offset);
                        quote::quote!(#v + #c)
                    } else {
                        let v = self.var?;
                        let c = proc_macro2::Literal::i64_unsuffixed(-offset);
                        quote::quote!(#v - #c)
                    })
                    .ok()?;
                    elems.push(self.gather(base, &index)?);
                }
                let local = Ident::new(
                    &format!("__backprop_window{}", self.windows.len()),
                    Span::mixed_site(),
                );
                self.prelude
                    .push(syn::parse2(quote::quote!(let #local = [#(#elems),*];)).ok()?);
                self.windows.push((name_text, first, last, local.clone()));
                local
            }
        };
        // The index within the window: the index with the loop variable as 0, less the
        // first offset.
        let var = unraw(self.var?);
        let within = crate::lower::scope::substitute_loop_values(
            quote::ToTokens::to_token_stream(index),
            &[(var, 0)],
            false,
        );
        let first = proc_macro2::Literal::i64_unsuffixed(first);
        syn::parse2(quote::quote!(#local[(#within) - (#first)])).ok()
    }

    /// An array of the enclosing body read at a short loop's variable, not at the loop
    /// variable (`c[k]`): all its elements become invariants, bound to an array of the
    /// same name first, which the body indexes as written.
    pub(super) fn whole_invariant(&mut self, base: &Expr) -> bool {
        let Expr::Path(path) = base else {
            return false;
        };
        let Some(name) = path.path.get_ident() else {
            return false;
        };
        let text = unraw(name);
        if self.locals.contains(&text) {
            return true;
        }
        let Some(Binding::Array { shape, elems, .. }) = self.scope.get(name).cloned() else {
            return false;
        };
        if elems.len() > 1_000 {
            return false;
        }
        let mut items = Vec::new();
        for (flat, &value) in elems.iter().enumerate() {
            let element = format!("{text}{}", index_suffix(flat, &shape));
            let ident = match self.invariants.iter().find(|(_, _, t)| *t == element) {
                Some((ident, _, _)) => ident.clone(),
                None => {
                    let ident = Ident::new(
                        &format!("__backprop_inv{}", self.invariants.len()),
                        Span::mixed_site(),
                    );
                    self.invariants.push((ident.clone(), value, element));
                    ident
                }
            };
            items.push(quote::ToTokens::to_token_stream(&ident));
        }
        let nested = crate::emit::nest(&shape, &items);
        let name = name.clone();
        match syn::parse2(quote::quote!(let #name = #nested;)) {
            Ok(stmt) => {
                self.prelude.push(stmt);
                self.locals.push(text);
                true
            }
            Err(_) => false,
        }
    }
}

impl Rewrite<'_> {
    /// Whether an index reads a short loop's variable.
    pub(super) fn reads_inner(&self, index: &Expr) -> bool {
        self.inner.iter().any(|(n, _, _)| mentions_name(index, n))
    }

    /// Whether an assignment's place is a local of the body (`t`, `h[j]`) or a state of a
    /// loop with several: the loop's body writes nothing else of the enclosing one but
    /// its last statement.
    pub(super) fn assigns_local(&mut self, place: &Expr) -> bool {
        match place {
            Expr::Path(p) => p.path.get_ident().is_some_and(|i| {
                let name = unraw(i);
                self.locals.contains(&name) || self.states.contains(&name)
            }),
            Expr::Index(index) => {
                let mut index_expr = (*index.index).clone();
                self.visit_expr_mut(&mut index_expr);
                self.ok && self.assigns_local(&index.expr)
            }
            Expr::Paren(p) => self.assigns_local(&p.expr),
            _ => false,
        }
    }

    /// A short loop inside the body, `for k in a..b`, with bounds known at expansion: its
    /// body is rewritten with `k` known to run from `a` to `b - 1`; the body's lowering
    /// unrolls it.
    pub(super) fn inner_loop(&mut self, for_loop: &mut syn::ExprForLoop) {
        let syn::Pat::Ident(pat) = &*for_loop.pat else {
            self.ok = false;
            return;
        };
        let Expr::Range(range) = &*for_loop.expr else {
            self.ok = false;
            return;
        };
        let bound = |e: Option<&Box<Expr>>| match e.map(|e| konst::eval(e, self.scope)) {
            Some(Ok(Some(Const::Int(n)))) => Some(n),
            _ => None,
        };
        let (Some(lo), Some(end)) = (bound(range.start.as_ref()), bound(range.end.as_ref())) else {
            self.ok = false;
            return;
        };
        let hi = match range.limits {
            syn::RangeLimits::HalfOpen(_) => end - 1,
            syn::RangeLimits::Closed(_) => end,
        };
        if hi < lo || self.is_var(&pat.ident) {
            self.ok = false;
            return;
        }
        self.inner.push((unraw(&pat.ident), lo, hi));
        let locals = self.locals.len();
        for stmt in &mut for_loop.body.stmts {
            self.visit_stmt_mut(stmt);
        }
        self.locals.truncate(locals);
        self.inner.pop();
    }
}

/// Whether `expr` mentions the name `name`.
pub(in crate::lower) fn mentions_name(expr: &Expr, name: &str) -> bool {
    fn any(tokens: proc_macro2::TokenStream, name: &str) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => unraw(&i) == name,
            proc_macro2::TokenTree::Group(g) => any(g.stream(), name),
            _ => false,
        })
    }
    any(quote::ToTokens::to_token_stream(expr), name)
}

/// The array an index expression indexes, `c` of `c[k]` or `w[j][k]`.
pub(super) fn base_of(expr: &Expr) -> &Expr {
    match expr {
        Expr::Index(index) => base_of(&index.expr),
        Expr::Paren(p) => base_of(&p.expr),
        other => other,
    }
}

/// `[j][k]` for the `flat`-th element of an array of `shape`, row-major.
fn index_suffix(mut flat: usize, shape: &[usize]) -> String {
    let mut index = vec![0; shape.len()];
    for (k, &len) in shape.iter().enumerate().rev() {
        index[k] = flat % len.max(1);
        flat /= len.max(1);
    }
    index.iter().map(|i| format!("[{i}]")).collect()
}

/// Whether `expr` mentions `var` (the loop variable, or the accumulator).
pub(super) fn mentions(expr: &Expr, var: Option<&Ident>) -> bool {
    let Some(var) = var else {
        return false;
    };
    fn any(tokens: proc_macro2::TokenStream, name: &str) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => unraw(&i) == name,
            proc_macro2::TokenTree::Group(g) => any(g.stream(), name),
            _ => false,
        })
    }
    any(quote::ToTokens::to_token_stream(expr), &unraw(var))
}
