//! `for` loops over ranges known at expansion, unrolled: each iteration binds the loop
//! variable and runs the body, up to a limit on the iterations of one `grad!`.

use syn::Expr;

use super::konst::{self, Const};
use super::{Lowerer, Task};
use crate::ir::Bound;

/// How many loop iterations one `grad!` may unroll: past it, the generated code would take
/// minutes to build (BENCHMARKS.md).
const UNROLL_LIMIT: usize = 100_000;

impl<'a> Lowerer<'a, '_> {
    /// A `for` loop over a range known at expansion, unrolled: each iteration binds the
    /// loop variable and runs the body.
    pub(super) fn exec_for(&mut self, for_loop: &'a syn::ExprForLoop, tasks: &mut Vec<Task<'a>>) {
        if let Some(label) = &for_loop.label {
            self.errors
                .error(label, "loop labels are not supported: grad! has no `break`");
        }
        let var = match &*for_loop.pat {
            syn::Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(&p.ident),
            syn::Pat::Wild(_) => None,
            other => {
                self.errors.error(
                    other,
                    "a grad! loop binds one index, as in `for i in 0..n`; index the arrays \
                     with it",
                );
                return;
            }
        };
        if let Some((start, end)) = self.named_range(&for_loop.expr) {
            self.roll_hint = None;
            if !self.try_roll(for_loop, var, start, end, true, tasks) {
                if let Some(hint) = self.roll_hint.take() {
                    self.errors.push(hint);
                    return;
                }
                self.errors.error(
                    &for_loop.expr,
                    "a loop over named constants is not unrolled, so it must stay a loop: \
                     its body updates scalar locals declared before it (`s += e;`, `s -= \
                     e;`, `s *= e;`, `s /= e;` or `s = e;`: one, or several, as in `v += dt \
                     * a; x += dt * v;`), writes nothing else of the enclosing body, and \
                     uses the loop variables only in indices (`x[i]`, `x[i + 1]`, `x[i * N \
                     + j]`, `x[i + k]` with `k` of a short inner loop) or as numbers (`i as \
                     f64`); a body that ends with its one update may hold inner sums, each \
                     a local declared from a literal or a value and summed by the loop \
                     after it (`let mut t = 0.0; for j in 0..M { t += e; }`); or its body \
                     is one loop, a nest, whose innermost body ends with any of those \
                     updates",
                );
            }
            return;
        }
        let values = match self.range(&for_loop.expr) {
            Ok(values) => values,
            Err(e) => {
                self.errors.push(e);
                return;
            }
        };
        // The unrolled size: the iterations of a nest whose inner ranges are known (that
        // may read the outer variables), or of a body with a long inner loop.
        let size = self.nest_trips(for_loop, var, &values).unwrap_or_else(|| {
            values
                .len()
                .saturating_mul(self.inner_sum_trips(for_loop, var))
        });
        if size >= super::roll::roll_threshold()
            && values.windows(2).all(|w| w[1] == w[0] + 1)
            && values[0] >= 0
        {
            let (start, end) = (values[0], values[values.len() - 1] + 1);
            let rolled = self.try_roll(
                for_loop,
                var,
                Bound::Known(start),
                Bound::Known(end),
                false,
                tasks,
            );
            self.roll_hint = None;
            if rolled {
                return;
            }
        }
        if !self.charge(values.len(), for_loop.for_token) {
            return;
        }
        for &n in values.iter().rev() {
            tasks.push(Task::EndScope(self.scope.len()));
            tasks.push(Task::ExecBlock(&for_loop.body));
            if let Some(var) = var {
                tasks.push(Task::BindLoop(var, n));
            }
        }
    }

    /// Counts `n` iterations toward what one `grad!` may unroll: `false` past the limit,
    /// which is reported once, at `at`.
    pub(super) fn charge(&mut self, n: usize, at: impl quote::ToTokens) -> bool {
        self.unrolled += n;
        if self.unrolled <= UNROLL_LIMIT {
            return true;
        }
        if !self.unroll_reported {
            self.unroll_reported = true;
            self.errors.error(
                at,
                format!(
                    "this grad! unrolls more than {UNROLL_LIMIT} loop iterations: loops \
                     are unrolled at expansion, and code this long takes minutes to \
                     build; split the work over several grad! functions"
                ),
            );
        }
        false
    }

    /// How many times the innermost body of the nest that `for_loop` is runs, over the
    /// outer loop's `values` (each loop's body one loop in a block of its own, and so on
    /// down), where every range is known at expansion, counted for each value of the
    /// outer variables (`for j in i + 1..30`); at most the unrolling limit, where it
    /// stops counting. `None` if there is no nest.
    fn nest_trips(
        &self,
        for_loop: &syn::ExprForLoop,
        var: Option<&syn::Ident>,
        values: &[i64],
    ) -> Option<usize> {
        let name =
            |var: Option<&syn::Ident>| var.map_or_else(|| "_".to_owned(), crate::names::unraw);
        let mut vars: Vec<(String, syn::Ident)> = vec![(name(var), crate::names::local("outer0"))];
        // Each run of the current level: the values of the variables around it.
        let mut runs: Vec<Vec<i64>> = values.iter().map(|&n| vec![n]).collect();
        let mut body = &for_loop.body;
        let mut nested = false;
        while let Some(next) = super::roll::only_loop(body) {
            nested = true;
            let (start, end) = self.nest_range(&next.expr, &vars)?;
            let mut inner = Vec::new();
            for run in &runs {
                let (a, b) = (
                    self.bound_at(&start, &vars, run)?,
                    self.bound_at(&end, &vars, run)?,
                );
                for n in a..b {
                    if inner.len() >= UNROLL_LIMIT {
                        return Some(UNROLL_LIMIT);
                    }
                    inner.push(run.iter().copied().chain([n]).collect());
                }
            }
            runs = inner;
            let var = match &*next.pat {
                syn::Pat::Ident(p) => Some(&p.ident),
                _ => None,
            };
            let generated = crate::names::local(&format!("outer{}", vars.len()));
            vars.push((name(var), generated));
            body = &next.body;
        }
        nested.then_some(runs.len())
    }

    /// The value of a bound of a nest's loop for one run of the loops around it: the
    /// generated variables in its code replaced by their values, then evaluated.
    fn bound_at(&self, bound: &Bound, vars: &[(String, syn::Ident)], run: &[i64]) -> Option<i64> {
        let code = match bound {
            Bound::Known(n) => return Some(*n),
            Bound::Named { code, .. } => code,
        };
        fn substitute(
            code: proc_macro2::TokenStream,
            vars: &[(String, syn::Ident)],
            run: &[i64],
        ) -> proc_macro2::TokenStream {
            code.into_iter()
                .map(|t| match t {
                    proc_macro2::TokenTree::Ident(i) => {
                        match vars.iter().position(|(_, g)| *g == i) {
                            Some(k) => proc_macro2::TokenTree::Literal(
                                proc_macro2::Literal::i64_unsuffixed(run[k]),
                            ),
                            None => proc_macro2::TokenTree::Ident(i),
                        }
                    }
                    proc_macro2::TokenTree::Group(g) => {
                        let mut group = proc_macro2::Group::new(
                            g.delimiter(),
                            substitute(g.stream(), vars, run),
                        );
                        group.set_span(g.span());
                        proc_macro2::TokenTree::Group(group)
                    }
                    other => other,
                })
                .collect()
        }
        let expr: Expr = syn::parse2(substitute(code.clone(), vars, run)).ok()?;
        match konst::eval(&expr, &self.scope) {
            Ok(Some(Const::Int(n))) => Some(n),
            _ => None,
        }
    }

    /// The threshold where the body of `for_loop` holds a loop that could be an inner sum
    /// (`lower/roll/inner.rs`), one as long as the threshold or over named constants, and
    /// more (a body that is one loop is a nest); 1 where it does not.
    fn inner_sum_trips(&self, for_loop: &syn::ExprForLoop, var: Option<&syn::Ident>) -> usize {
        if super::roll::only_loop(&for_loop.body).is_some() {
            return 1;
        }
        let name = var.map_or_else(|| "_".to_owned(), crate::names::unraw);
        let generated = crate::names::local("outer");
        let vars = [(name, generated.clone())];
        let threshold = super::roll::roll_threshold();
        let long = |inner: &syn::ExprForLoop| match self.nest_range(&inner.expr, &vars) {
            Some((Bound::Known(a), Bound::Known(b))) => {
                usize::try_from(b - a).unwrap_or(0) >= threshold
            }
            Some((start, end)) => [start, end].iter().any(|b| match b {
                Bound::Named { code, .. } => super::roll::reads_other(code, &[&generated]),
                Bound::Known(_) => false,
            }),
            None => false,
        };
        let holds = for_loop.body.stmts.iter().any(|stmt| match stmt {
            syn::Stmt::Expr(Expr::ForLoop(inner), _) => long(inner),
            _ => false,
        });
        if holds {
            threshold
        } else {
            1
        }
    }

    /// The bounds of a range `a..b` of which one at least is an integer expression of
    /// named constants (`0..N - 1`), the other known at expansion or such an expression;
    /// `None` for any other range.
    fn named_range(&self, expr: &Expr) -> Option<(Bound, Bound)> {
        let Expr::Range(range) = expr else {
            return None;
        };
        if !matches!(range.limits, syn::RangeLimits::HalfOpen(_)) {
            return None;
        }
        let bound = |e: &Expr| -> Option<Bound> {
            match konst::eval(e, &self.scope) {
                Ok(Some(Const::Int(n))) => Some(Bound::Known(n)),
                Ok(None) => self.named_code(e, &[]).map(|code| Bound::Named {
                    code,
                    text: crate::constant::source_text(e),
                }),
                _ => None,
            }
        };
        let (start, end) = (
            bound(range.start.as_deref()?)?,
            bound(range.end.as_deref()?)?,
        );
        let named = matches!(start, Bound::Named { .. }) || matches!(end, Bound::Named { .. });
        (named && start.known().is_none_or(|n| n >= 0)).then_some((start, end))
    }

    /// The bounds of the range `a..b` of a loop inside a nest that stays a loop, where
    /// `vars` are the outer loops' variables (the user's name, the generated one), which
    /// the bounds may read: known at expansion where they read none of them, else
    /// integer expressions of them, named constants and literals.
    pub(super) fn nest_range(
        &self,
        expr: &Expr,
        vars: &[(String, syn::Ident)],
    ) -> Option<(Bound, Bound)> {
        let Expr::Range(range) = expr else {
            return None;
        };
        if !matches!(range.limits, syn::RangeLimits::HalfOpen(_)) {
            return None;
        }
        let bound = |e: &Expr| -> Option<Bound> {
            let reads_var = vars
                .iter()
                .any(|(name, _)| super::roll::mentions_name(e, name));
            let named = || {
                self.named_code(e, vars).map(|code| Bound::Named {
                    code,
                    text: crate::constant::source_text(e),
                })
            };
            match konst::eval(e, &self.scope) {
                Ok(Some(Const::Int(n))) if !reads_var => Some(Bound::Known(n)),
                Ok(None) => named(),
                _ if reads_var => named(),
                _ => None,
            }
        };
        let (start, end) = (
            bound(range.start.as_deref()?)?,
            bound(range.end.as_deref()?)?,
        );
        start.known().is_none_or(|n| n >= 0).then_some((start, end))
    }

    /// `expr` as a `usize` expression, if it is an integer expression of named constants
    /// and literals: paths that are no name of the body, `x.len()` of an array parameter
    /// of named length (its length), the variables of enclosing unrolled loops (their
    /// values), `+ - * /` and parentheses; and of `vars`, the variables of the outer
    /// loops of a nest (the user's name, the generated one).
    fn named_code(
        &self,
        expr: &Expr,
        vars: &[(String, syn::Ident)],
    ) -> Option<proc_macro2::TokenStream> {
        use quote::{quote, ToTokens};
        match expr {
            Expr::Paren(p) => {
                let inner = self.named_code(&p.expr, vars)?;
                Some(quote!((#inner)))
            }
            Expr::Group(g) => self.named_code(&g.expr, vars),
            Expr::Lit(lit) if matches!(lit.lit, syn::Lit::Int(_)) => Some(lit.to_token_stream()),
            Expr::Path(path) => {
                let var = path.path.get_ident().and_then(|ident| {
                    let name = crate::names::unraw(ident);
                    vars.iter().rev().find(|(n, _)| *n == name)
                });
                if let Some((_, generated)) = var {
                    return Some(generated.to_token_stream());
                }
                // The variable of an enclosing loop that is unrolled: its value.
                if let Some(super::scope::Binding::Loop(n)) = path
                    .path
                    .get_ident()
                    .and_then(|ident| self.scope.get(ident))
                {
                    let n = proc_macro2::Literal::u64_unsuffixed(u64::try_from(*n).ok()?);
                    return Some(n.to_token_stream());
                }
                // A constant's path: not a name of the body, nor one that names a module
                // (`crate`, `self`, `super`), which is no value.
                let free = path.qself.is_none()
                    && path
                        .path
                        .get_ident()
                        .is_none_or(|ident| self.scope.get(ident).is_none())
                    && !crate::names::names_a_module(&path.path);
                free.then(|| path.to_token_stream())
            }
            Expr::MethodCall(call) if call.method == "len" && call.args.is_empty() => {
                let Expr::Path(path) = &*call.receiver else {
                    return None;
                };
                match self.scope.get(path.path.get_ident()?)? {
                    super::scope::Binding::Named { len, .. } => Some(len.tokens()),
                    _ => None,
                }
            }
            Expr::Binary(b)
                if matches!(
                    b.op,
                    syn::BinOp::Add(_)
                        | syn::BinOp::Sub(_)
                        | syn::BinOp::Mul(_)
                        | syn::BinOp::Div(_)
                ) =>
            {
                let (left, right) = (
                    self.named_code(&b.left, vars)?,
                    self.named_code(&b.right, vars)?,
                );
                let op = &b.op;
                Some(quote!(#left #op #right))
            }
            _ => None,
        }
    }

    /// The values of a loop's range: `a..b`, `a..=b`, then `.rev()` and `.step_by(k)` in
    /// the order written, as Rust's iterators give them.
    fn range(&mut self, expr: &'a Expr) -> syn::Result<Vec<i64>> {
        let mut adapters = Vec::new();
        let mut base = expr;
        loop {
            match base {
                Expr::MethodCall(call) if call.method == "rev" && call.args.is_empty() => {
                    adapters.push(None);
                    base = &call.receiver;
                }
                Expr::MethodCall(call) if call.method == "step_by" && call.args.len() == 1 => {
                    let step = self.loop_int(&call.args[0], "a step")?;
                    if step <= 0 {
                        return Err(syn::Error::new_spanned(
                            &call.args[0],
                            "`step_by` takes a positive step",
                        ));
                    }
                    adapters.push(Some(step));
                    base = &call.receiver;
                }
                Expr::Paren(p) => base = &p.expr,
                Expr::Group(g) => base = &g.expr,
                _ => break,
            }
        }
        let Expr::Range(range) = base else {
            return Err(syn::Error::new_spanned(
                base,
                "a grad! loop runs over a range of indices, such as `0..n`, `0..=n`, \
                 `(0..n).rev()` or `(0..n).step_by(2)`, with bounds known at expansion; \
                 index the arrays with the loop variable, as in `for i in 0..x.len()`",
            ));
        };
        let (Some(start), Some(end)) = (&range.start, &range.end) else {
            return Err(syn::Error::new_spanned(
                range,
                "a grad! loop needs both bounds, as in `0..n`",
            ));
        };
        let start = self.loop_int(start, "a loop bound")?;
        let mut end = self.loop_int(end, "a loop bound")?;
        if let syn::RangeLimits::Closed(_) = range.limits {
            end = end.saturating_add(1);
        }
        let count = usize::try_from(end.saturating_sub(start)).unwrap_or(0);
        if count > UNROLL_LIMIT {
            return Err(syn::Error::new_spanned(
                range,
                format!(
                    "this loop runs {count} times: grad! unrolls loops at expansion, up to \
                     {UNROLL_LIMIT} iterations in all"
                ),
            ));
        }
        let mut values: Vec<i64> = (start..end).collect();
        for adapter in adapters.into_iter().rev() {
            match adapter {
                None => values.reverse(),
                Some(step) => {
                    let step = usize::try_from(step).unwrap_or(1);
                    values = values.into_iter().step_by(step).collect();
                }
            }
        }
        Ok(values)
    }

    /// An integer known at expansion, such as a loop bound: an error otherwise that says
    /// what it may be.
    pub(super) fn loop_int(&mut self, expr: &Expr, what: &str) -> syn::Result<i64> {
        if let Some(Const::Int(n)) = konst::eval(expr, &self.scope)? {
            return Ok(n);
        }
        let cause = match self.dependency(expr) {
            Some(dep) if dep.is_let => format!(", not a value of the body such as `{}`", dep.ident),
            Some(dep) => format!(", not a value of the input `{}`", dep.ident),
            None => String::new(),
        };
        // A bound may also be a named constant, which keeps the loop a loop.
        let named = if what == "a loop bound" {
            " (or an integer expression of named constants, `0..N - 1`, and the loop stays \
             a loop)"
        } else {
            ""
        };
        Err(syn::Error::new_spanned(
            expr,
            format!(
                "{what} must be an integer known at expansion{cause}: an integer literal, a \
                 loop variable, `x.len()` of an array, or `+ - * / %` of those{named}"
            ),
        ))
    }
}
