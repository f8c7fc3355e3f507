//! The body of a loop that stays a loop, rewritten for a program of its own: each element
//! `x[i + c]` and each piece of data `xs[i + c]` becomes an input, and everything else
//! it reads is checked to be something the loop can keep.

use proc_macro2::{Ident, Span};
use syn::visit_mut::VisitMut;
use syn::{BinOp, Expr};

use super::super::konst::{self, Const};
use super::super::scope::{Binding, Scope};
use super::reads::{ArrayArg, Counter, DataGather, Gather, Outer};
use super::window::base_of;
use crate::ir::ValueId;
use crate::names::unraw;

/// Rewrites a copy of the loop body for the body program: each `x[i + c]` becomes an
/// input of its own; checks that nothing else reads the loop variable or the
/// accumulator, and collects the scalars of the enclosing body that it reads.
pub(super) struct Rewrite<'s> {
    pub(super) var: Option<&'s Ident>,
    /// The generated variable that stands for it in the loop's code.
    pub(super) var_ident: Ident,
    /// The loops around it, outermost first, for a nest.
    pub(super) outer: Vec<Outer>,
    /// Whether an index may be checked at run time, as Rust checks it: a bound of the
    /// nest is a named constant, so the loop cannot be unrolled to check it at expansion.
    pub(super) runtime: bool,
    /// Whether the innermost loop runs over the same range on every iteration of the
    /// outer ones, as data read at its variable must (it is captured as one array).
    pub(super) fixed_inner: bool,
    pub(super) acc: &'s Ident,
    /// A recurrence: the body reads the accumulator, an input of its own.
    pub(super) carried: bool,
    /// The states of a loop with several updates, which the body reads and assigns, each
    /// an input of its own (`acc` among them).
    pub(super) states: Vec<String>,
    pub(super) scope: &'s Scope,
    /// The body's own `let`s so far.
    pub(super) locals: Vec<String>,
    /// The variables of the short loops inside the body, unrolled there, with the first
    /// and last value of each.
    pub(super) inner: Vec<(String, i64, i64)>,
    /// Statements the body starts with: each window `let __backprop_window0 = [..];` of
    /// an array read at the loop variable plus a short loop's, and each array of the
    /// enclosing body read at a short loop's variable, element by element.
    pub(super) prelude: Vec<syn::Stmt>,
    /// The windows so far: the array's name, its first and last offset, the local.
    pub(super) windows: Vec<(String, i64, i64, Ident)>,
    /// The range, where its bounds are known at expansion: indices are checked against
    /// it there; with named bounds they are checked at run time, as Rust checks them.
    pub(super) range: Option<(i64, i64)>,
    pub(super) arrays: Vec<ArrayArg>,
    pub(super) gathers: Vec<Gather>,
    /// The scalars of the enclosing body it reads, by the body's name for them, with
    /// their values and how they read (`a`, or an element at a constant index, `c[1]`).
    pub(super) invariants: Vec<(Ident, ValueId, String)>,
    /// The data it reads, captured arrays indexed by the loop variable.
    pub(super) data: Vec<DataGather>,
    /// The constants from the user's scope it reads as scalars (`dt`, `LR`), in the
    /// closure form: each an invariant of the loop, captured once where `grad!` is
    /// written: the name as written, and the generated name that stands for it in the
    /// body (a `const` of that name would make a parameter of it a pattern).
    pub(super) captures: Vec<(Ident, Ident)>,
    /// The loop variable as a number, `i as f64`, `(i + 1) as f64`: each an input of the
    /// body, which the loop gives it on every iteration.
    pub(super) counters: Vec<Counter>,
    /// The element type, which `i as f64` must name to be a counter.
    pub(super) elem: crate::ir::Elem,
    /// Whether the body is a closure's, where names from outside are constants.
    pub(super) closure: bool,
    /// Whether the name being read is an argument of a call, passed whole.
    pub(super) in_call: bool,
    pub(super) ok: bool,
}

impl<'s> Rewrite<'s> {
    /// A rewrite of a body that updates `acc`, with nothing collected yet: the innermost
    /// loop's variable unnamed, no loops around it, its range unknown.
    pub(super) fn empty(
        scope: &'s Scope,
        acc: &'s Ident,
        elem: crate::ir::Elem,
        closure: bool,
    ) -> Self {
        Rewrite {
            var: None,
            var_ident: crate::names::local("i"),
            outer: Vec::new(),
            runtime: false,
            fixed_inner: true,
            acc,
            carried: false,
            states: Vec::new(),
            scope,
            locals: Vec::new(),
            inner: Vec::new(),
            prelude: Vec::new(),
            windows: Vec::new(),
            range: None,
            arrays: Vec::new(),
            gathers: Vec::new(),
            invariants: Vec::new(),
            data: Vec::new(),
            captures: Vec::new(),
            counters: Vec::new(),
            elem,
            closure,
            in_call: false,
            ok: true,
        }
    }
}

impl Rewrite<'_> {
    /// The input of the body that stands for `e as T`, with T the element type and `e` an
    /// integer expression of the nest's variables (`i as f64`, `(i + 1) as f64`,
    /// `(j - i) as f64`).
    fn counter(&mut self, cast: &syn::ExprCast) -> Option<Ident> {
        if crate::input::elem_of(&cast.ty) != Some(self.elem) || !self.reads_var(&cast.expr) {
            return None;
        }
        // Computed in `i64`, as the unrolled form computes its literal (`i - 1` at 0 is
        // -1).
        let (code, text) = match self.var_offset(&cast.expr) {
            Some((level, offset)) => {
                let (var, name) = self.level_var(level);
                let off = proc_macro2::Literal::i64_unsuffixed(offset);
                let text = match offset {
                    0 => format!("{name} as {}", self.elem.name()),
                    c if c > 0 => format!("({name} + {c}) as {}", self.elem.name()),
                    c => format!("({name} - {}) as {}", -c, self.elem.name()),
                };
                (quote::quote!((#var as ::core::primitive::i64 + #off)), text)
            }
            None => (
                self.index_code(&cast.expr, true)?,
                crate::constant::source_text(&Expr::Cast(cast.clone())),
            ),
        };
        if let Some(c) = self.counters.iter().find(|c| c.text == text) {
            return Some(c.ident.clone());
        }
        let ident = Ident::new(
            &format!("__backprop_counter{}", self.counters.len()),
            Span::mixed_site(),
        );
        self.counters.push(Counter {
            code,
            ident: ident.clone(),
            text,
        });
        Some(ident)
    }

    /// The generated variable of a loop of the nest (`None`: the innermost) and the
    /// user's name for it.
    pub(super) fn level_var(&self, level: Option<usize>) -> (Ident, String) {
        match level {
            None => (
                self.var_ident.clone(),
                self.var.map_or_else(|| "_".to_owned(), unraw),
            ),
            Some(k) => (self.outer[k].ident.clone(), self.outer[k].name.clone()),
        }
    }

    /// The loop of the nest whose variable `ident` is (`None`: the innermost), if any.
    pub(super) fn level_of(&self, ident: &Ident) -> Option<Option<usize>> {
        if self.is_var(ident) {
            return Some(None);
        }
        let name = unraw(ident);
        self.outer.iter().rposition(|o| o.name == name).map(Some)
    }

    /// Whether `expr` reads a variable of the nest.
    pub(super) fn reads_var(&self, expr: &Expr) -> bool {
        super::window::mentions(expr, self.var)
            || self
                .outer
                .iter()
                .any(|o| super::window::mentions_name(expr, &o.name))
    }

    pub(super) fn is_var(&self, ident: &Ident) -> bool {
        self.var.is_some_and(|v| unraw(v) == unraw(ident))
    }

    /// The offset `c` of an index `i`, `i + c`, `c + i` or `i - c` of the innermost loop's
    /// variable, with `c` known at expansion.
    fn offset(&self, index: &Expr) -> Option<i64> {
        match self.var_offset(index)? {
            (None, offset) => Some(offset),
            (Some(_), _) => None,
        }
    }

    /// The loop of the nest (`None`: the innermost) and the offset `c` of an index `i`,
    /// `i + c`, `c + i` or `i - c` of its variable, with `c` known at expansion.
    fn var_offset(&self, index: &Expr) -> Option<(Option<usize>, i64)> {
        let known = |e: &Expr| match konst::eval(e, self.scope) {
            Ok(Some(Const::Int(n))) if !self.reads_var(e) => Some(n),
            _ => None,
        };
        let var = |e: &Expr| match e {
            Expr::Path(p) => p.path.get_ident().and_then(|i| self.level_of(i)),
            _ => None,
        };
        match index {
            Expr::Paren(p) => self.var_offset(&p.expr),
            Expr::Group(g) => self.var_offset(&g.expr),
            Expr::Path(_) => var(index).map(|level| (level, 0)),
            Expr::Binary(b) => match (b.op, var(&b.left), var(&b.right)) {
                (BinOp::Add(_), Some(level), _) => Some((level, known(&b.right)?)),
                (BinOp::Add(_), None, Some(level)) => Some((level, known(&b.left)?)),
                (BinOp::Sub(_), Some(level), _) => Some((level, -known(&b.right)?)),
                _ => None,
            },
            _ => None,
        }
    }

    /// The input of the body that stands for `base[index]`, if it is an element of a
    /// one-dimensional array read at the loop variable, in bounds on every iteration.
    pub(super) fn gather(&mut self, base: &Expr, index: &Expr) -> Option<Ident> {
        let Expr::Path(path) = base else {
            return None;
        };
        let name = path.path.get_ident()?;
        if self.locals.contains(&unraw(name)) {
            return None;
        }
        if self.scope.get(name).is_none() && self.closure {
            return self.data_gather(name, index);
        }
        let (elems, named) = match self.scope.get(name) {
            Some(Binding::Array { shape, elems, .. }) if shape.len() == 1 => (elems.clone(), None),
            // Its indices are checked at run time, as Rust checks them.
            Some(Binding::Named { param, len }) => (Vec::new(), Some((*param, len.clone()))),
            _ => return None,
        };
        let name_text = unraw(name);
        let (code, text) = match self.var_offset(index) {
            Some((level, offset)) => {
                let range = match level {
                    None => self.range,
                    Some(k) => self.outer[k].range,
                };
                // In bounds on every iteration, where the range and the length are known;
                // else checked at run time.
                if let (Some((start, end)), None) = (range, &named) {
                    let len = i64::try_from(elems.len()).ok()?;
                    if start + offset < 0 || end - 1 + offset >= len {
                        return None;
                    }
                }
                let (var, var_name) = self.level_var(level);
                let magnitude = proc_macro2::Literal::u64_unsuffixed(offset.unsigned_abs());
                let code = match offset {
                    0 => quote::quote!(#var),
                    c if c > 0 => quote::quote!(#var + #magnitude),
                    _ => quote::quote!(#var - #magnitude),
                };
                (code, index_text(&name_text, &var_name, offset))
            }
            // Any other index reads a loop variable (or is an element of an array of named
            // length) and is checked at run time: only where the loop cannot be unrolled
            // to check it at expansion.
            None if (self.runtime || named.is_some())
                && (self.reads_var(index) || named.is_some()) =>
            {
                let code = self.index_code(index, false)?;
                let text = format!("{name_text}[{}]", crate::constant::source_text(index));
                (code, text)
            }
            // Where everything is known at expansion, an index whose values over the
            // iterations are in bounds (by interval arithmetic: an interval that may be
            // wider than the values, never narrower); any other falls back to unrolling,
            // which reports it.
            None if self.reads_var(index)
                && self.index_range(index).is_some_and(|(_, hi)| {
                    usize::try_from(hi).is_ok_and(|hi| hi < elems.len())
                }) =>
            {
                let code = self.index_code(index, false)?;
                let text = format!("{name_text}[{}]", crate::constant::source_text(index));
                (code, text)
            }
            None => return None,
        };
        let array = match self.arrays.iter().position(|a| a.name == name_text) {
            Some(k) => k,
            None => {
                self.arrays.push(ArrayArg {
                    name: name_text.clone(),
                    elems,
                    named,
                });
                self.arrays.len() - 1
            }
        };
        if let Some(g) = self.gathers.iter().find(|g| g.text == text) {
            return Some(g.ident.clone());
        }
        let ident = Ident::new(
            &format!("__backprop_elem{}", self.gathers.len()),
            Span::mixed_site(),
        );
        self.gathers.push(Gather {
            array,
            index: code,
            ident: ident.clone(),
            text,
        });
        Some(ident)
    }

    /// The input of the body that stands for `name[index]`, data from the user's scope read
    /// at the loop variable (at a non-negative index on every iteration; its upper bound
    /// is checked where the data is captured, as Rust checks it).
    fn data_gather(&mut self, name: &Ident, index: &Expr) -> Option<Ident> {
        let offset = self.offset(index)?;
        match self.range {
            Some((start, _)) if start + offset < 0 => return None,
            // The first index is `start + offset` in `usize`.
            None if offset < 0 => return None,
            _ => {}
        }
        let name_text = unraw(name);
        if let Some(d) = self
            .data
            .iter()
            .find(|d| unraw(&d.name) == name_text && d.offset == offset)
        {
            return Some(d.ident.clone());
        }
        if !self.fixed_inner {
            return None;
        }
        let var = self.var.map_or_else(|| "_".to_owned(), unraw);
        let text = index_text(&name_text, &var, offset);
        let ident = Ident::new(
            &format!("__backprop_data{}", self.data.len()),
            Span::mixed_site(),
        );
        self.data.push(DataGather {
            name: name.clone(),
            offset,
            ident: ident.clone(),
            text,
        });
        Some(ident)
    }

    /// The input of the body that stands for an element of an array of the enclosing body
    /// at indices known at expansion (`c[1]`, `w[0][2]`, not reading the loop variable):
    /// an invariant.
    fn constant_element(&mut self, expr: &Expr) -> Option<Ident> {
        let mut indices = Vec::new();
        let mut base = expr;
        while let Expr::Index(index) = base {
            indices.push(&*index.index);
            base = &index.expr;
        }
        indices.reverse();
        let Expr::Path(path) = base else {
            return None;
        };
        let name = path.path.get_ident()?;
        if self.locals.contains(&unraw(name)) {
            return None;
        }
        let Some(Binding::Array { shape, elems, .. }) = self.scope.get(name) else {
            return None;
        };
        if indices.len() != shape.len() {
            return None;
        }
        let mut flat = 0;
        let mut text = unraw(name);
        for (index, &len) in indices.iter().zip(shape) {
            if self.reads_var(index) {
                return None;
            }
            let Ok(Some(Const::Int(n))) = konst::eval(index, self.scope) else {
                return None;
            };
            let n = usize::try_from(n).ok().filter(|&n| n < len)?;
            flat = flat * len + n;
            text.push_str(&format!("[{n}]"));
        }
        let value = elems[flat];
        if let Some((ident, _, _)) = self.invariants.iter().find(|(_, _, t)| *t == text) {
            return Some(ident.clone());
        }
        let ident = Ident::new(
            &format!("__backprop_inv{}", self.invariants.len()),
            Span::mixed_site(),
        );
        self.invariants.push((ident.clone(), value, text));
        Some(ident)
    }

    /// The value of an integer expression of the variables of enclosing loops that are
    /// unrolled (and literals), reading no variable of the loop and no local of its body.
    fn unrolled_number(&self, expr: &Expr) -> Option<proc_macro2::Literal> {
        if self.reads_var(expr)
            || self
                .locals
                .iter()
                .chain(self.inner.iter().map(|(n, _, _)| n))
                .any(|name| super::window::mentions_name(expr, name))
        {
            return None;
        }
        match konst::eval(expr, self.scope) {
            Ok(Some(Const::Int(n))) => Some(proc_macro2::Literal::i64_unsuffixed(n)),
            _ => None,
        }
    }

    /// A name the body reads: its own `let`, a scalar of the enclosing body (an
    /// invariant), or something the loop cannot keep.
    fn name(&mut self, ident: &Ident) {
        let text = unraw(ident);
        if self.inner.iter().any(|(n, _, _)| *n == text) {
            return;
        }
        if (text == unraw(self.acc) && self.carried) || self.states.contains(&text) {
            return;
        }
        if self.level_of(ident).is_some() || text == unraw(self.acc) {
            self.ok = false;
            return;
        }
        if self.locals.contains(&text) {
            return;
        }
        match self.scope.get(ident) {
            Some(Binding::Scalar { value, .. }) => {
                if !self.invariants.iter().any(|(i, _, _)| unraw(i) == text) {
                    self.invariants.push((ident.clone(), *value, text));
                }
            }
            // A constant from the user's scope, read as a scalar (not passed whole to a
            // call, where it may be an array).
            None if self.closure && !self.in_call => {
                if !self.captures.iter().any(|(i, _)| unraw(i) == text) {
                    let generated = Ident::new(
                        &format!("__backprop_captured{}", self.captures.len()),
                        Span::mixed_site(),
                    );
                    self.captures.push((ident.clone(), generated));
                }
            }
            // A whole array, a loop variable of an enclosing loop, or a constant captured
            // from the user's scope: unrolled.
            _ => self.ok = false,
        }
    }
}

impl VisitMut for Rewrite<'_> {
    fn visit_local_mut(&mut self, local: &mut syn::Local) {
        if let Some(init) = &mut local.init {
            if init.diverge.is_some() {
                self.ok = false;
            }
            self.visit_expr_mut(&mut init.expr);
        }
        let pat = match &local.pat {
            syn::Pat::Type(t) => &*t.pat,
            pat => pat,
        };
        match pat {
            syn::Pat::Ident(p) => self.locals.push(unraw(&p.ident)),
            _ => self.ok = false,
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if !self.ok {
            return;
        }
        match expr {
            Expr::Index(index) => {
                let (base, at) = ((*index.expr).clone(), (*index.index).clone());
                let read = self
                    .gather(&base, &at)
                    .or_else(|| self.constant_element(expr));
                if let Some(ident) = read {
                    *expr = Expr::Path(syn::ExprPath {
                        attrs: Vec::new(),
                        qself: None,
                        path: syn::Path::from(ident),
                    });
                } else if let Some(element) = self.window(&base, &at) {
                    *expr = element;
                } else if self.reads_inner(&at) && self.whole_invariant(base_of(&base)) {
                    // The array is bound whole in the body: its indices stay as written.
                    if let Expr::Index(index) = expr {
                        self.visit_expr_mut(&mut index.index);
                    }
                } else {
                    self.ok = false;
                }
            }
            Expr::ForLoop(for_loop) => self.inner_loop(for_loop),
            Expr::Assign(assign) => {
                if self.assigns_local(&assign.left) {
                    self.visit_expr_mut(&mut assign.right);
                } else {
                    self.ok = false;
                }
            }
            Expr::Binary(b) if crate::constant::is_assignment(&b.op) => {
                if self.assigns_local(&b.left) {
                    self.visit_expr_mut(&mut b.right);
                } else {
                    self.ok = false;
                }
            }
            Expr::Cast(cast) if self.counter(cast).is_some() => {
                if let Some(ident) = self.counter(cast) {
                    *expr = Expr::Path(syn::ExprPath {
                        attrs: Vec::new(),
                        qself: None,
                        path: syn::Path::from(ident),
                    });
                }
            }
            // A number of the variables of enclosing loops that are unrolled, `(k + 1) as
            // f64`: the number, as the unrolled form computes it.
            Expr::Cast(cast) if self.unrolled_number(&cast.expr).is_some() => {
                if let Some(n) = self.unrolled_number(&cast.expr) {
                    *cast.expr = syn::parse_quote!((#n));
                }
            }
            Expr::Path(path) => {
                if path.qself.is_some() {
                    self.ok = false;
                } else if let Some(ident) = path.path.get_ident() {
                    let ident = ident.clone();
                    self.name(&ident);
                    // A constant from the user's scope: read through its generated name.
                    let text = unraw(&ident);
                    if let Some((_, generated)) =
                        self.captures.iter().find(|(i, _)| unraw(i) == text)
                    {
                        path.path = syn::Path::from(generated.clone());
                    }
                }
                // Longer paths are constants (`std::f64::consts::PI`) or functions.
            }
            Expr::Call(call) => {
                // The function's name is not a value: only the arguments are read.
                for arg in &mut call.args {
                    let whole = matches!(arg, Expr::Path(_));
                    self.in_call = whole;
                    self.visit_expr_mut(arg);
                    self.in_call = false;
                }
            }
            Expr::Macro(_)
            | Expr::Closure(_)
            | Expr::While(_)
            | Expr::Loop(_)
            | Expr::Match(_)
            | Expr::Unsafe(_)
            | Expr::Reference(_)
            | Expr::Field(_)
            | Expr::Struct(_)
            | Expr::Tuple(_)
            | Expr::Array(_)
            | Expr::Repeat(_)
            | Expr::Range(_)
            | Expr::Return(_)
            | Expr::Break(_)
            | Expr::Continue(_) => self.ok = false,
            _ => syn::visit_mut::visit_expr_mut(self, expr),
        }
    }
}

/// How `name[var + offset]` reads in the derivation: `x[i]`, `x[i + 1]`, `x[i - 1]`.
fn index_text(name: &str, var: &str, offset: i64) -> String {
    match offset {
        0 => format!("{name}[{var}]"),
        c if c > 0 => format!("{name}[{var} + {c}]"),
        c => format!("{name}[{var} - {}]", -c),
    }
}
