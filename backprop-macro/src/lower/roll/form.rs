//! The form of a loop body that can stay a loop: `let`s and other statements, then one
//! update of a local of the enclosing body (`s += e`, `s = e`, ...).

use proc_macro2::Ident;
use syn::{BinOp, Expr};

use super::window;
use crate::names::unraw;

/// The shape of a loop body that can stay a loop.
pub(super) struct LoopForm<'a> {
    /// The statements before the update: `let`s (`let mut` too), assignments to them,
    /// short loops, `if`s; the rewrite checks what they read and write.
    pub(super) stmts: &'a [syn::Stmt],
    pub(super) acc: &'a Ident,
    pub(super) acc_expr: &'a Expr,
    /// The last statement's operator: `+=`, `-=`, `*=`, `/=`, or `None` for `s = e`.
    pub(super) op: Option<BinOp>,
    pub(super) expr: &'a Expr,
    /// The braces of the loop's body.
    pub(super) block_brace: syn::token::Brace,
}

impl LoopForm<'_> {
    /// `s -= e`, accumulated.
    pub(super) fn subtract(&self) -> bool {
        matches!(self.op, Some(BinOp::SubAssign(_)))
    }

    /// Whether the update is a recurrence, whose new `s` the body computes from the old
    /// one: `s = e`, `s *= e`, `s /= e`, or `s += e` with `e` reading `s`.
    pub(super) fn carried(&self) -> bool {
        !matches!(self.op, Some(BinOp::AddAssign(_) | BinOp::SubAssign(_)))
            || window::mentions(self.expr, Some(self.acc))
            || self.stmts.iter().any(|stmt| {
                let expr = syn::Expr::Verbatim(quote::ToTokens::to_token_stream(stmt));
                window::mentions(&expr, Some(self.acc))
            })
    }

    /// The expression of the new `s`, for a recurrence: `e`, or `s op (e)`.
    pub(super) fn carried_expr(&self) -> Expr {
        let Some(op) = self.op else {
            return self.expr.clone();
        };
        let op = match op {
            BinOp::AddAssign(t) => BinOp::Add(syn::Token![+](t.spans[0])),
            BinOp::SubAssign(t) => BinOp::Sub(syn::Token![-](t.spans[0])),
            BinOp::MulAssign(t) => BinOp::Mul(syn::Token![*](t.spans[0])),
            BinOp::DivAssign(t) => BinOp::Div(syn::Token![/](t.spans[0])),
            other => other,
        };
        Expr::Binary(syn::ExprBinary {
            attrs: Vec::new(),
            left: Box::new(self.acc_expr.clone()),
            op,
            right: Box::new(Expr::Paren(syn::ExprParen {
                attrs: Vec::new(),
                paren_token: syn::token::Paren::default(),
                expr: Box::new(self.expr.clone()),
            })),
        })
    }
}

impl<'a> LoopForm<'a> {
    pub(super) fn of(block: &'a syn::Block) -> Option<Self> {
        let (last, stmts) = block.stmts.split_last()?;
        // The accumulator is a local of the enclosing body, not one the loop declares.
        let declares = |stmt: &syn::Stmt, name: &str| match stmt {
            syn::Stmt::Local(local) => {
                let pat = match &local.pat {
                    syn::Pat::Type(t) => &*t.pat,
                    pat => pat,
                };
                matches!(pat, syn::Pat::Ident(p) if unraw(&p.ident) == name)
            }
            _ => false,
        };
        let (left, op, expr) = match last {
            syn::Stmt::Expr(Expr::Binary(binary), _) => match binary.op {
                BinOp::AddAssign(_)
                | BinOp::SubAssign(_)
                | BinOp::MulAssign(_)
                | BinOp::DivAssign(_) => (&*binary.left, Some(binary.op), &*binary.right),
                _ => return None,
            },
            syn::Stmt::Expr(Expr::Assign(assign), _) => (&*assign.left, None, &*assign.right),
            _ => return None,
        };
        let Expr::Path(path) = left else {
            return None;
        };
        let acc = path.path.get_ident()?;
        if stmts.iter().any(|stmt| declares(stmt, &unraw(acc))) {
            return None;
        }
        Some(LoopForm {
            stmts,
            acc,
            acc_expr: left,
            op,
            expr,
            block_brace: block.brace_token,
        })
    }
}

/// The locals of the enclosing body that a loop body assigns, in the order of their first
/// assignment, each with the place of that assignment: the states of a loop with several
/// updates (`v += dt * a; x += dt * v;`). `None` if the body assigns anything else that
/// it does not declare itself (an element of an enclosing array), or declares a name it
/// also assigns as a state (`let x = ..` after `x += ..`).
pub(super) fn states(stmts: &[syn::Stmt]) -> Option<Vec<(&Ident, &Expr)>> {
    use syn::visit::Visit;

    struct Assigned<'a> {
        declared: Vec<String>,
        places: Vec<(&'a Ident, &'a Expr)>,
        ok: bool,
    }
    impl<'a> Assigned<'a> {
        fn place(&mut self, left: &'a Expr) {
            // An element of an array: of one the body declares, or refused.
            let mut base = left;
            while let Expr::Index(index) = base {
                base = &index.expr;
            }
            let Expr::Path(path) = base else {
                self.ok = false;
                return;
            };
            let Some(ident) = path.path.get_ident() else {
                self.ok = false;
                return;
            };
            let declared = self.declared.contains(&unraw(ident));
            if !std::ptr::eq(base, left) {
                self.ok &= declared;
            } else if !declared && !self.places.iter().any(|(i, _)| unraw(i) == unraw(ident)) {
                self.places.push((ident, left));
            }
        }
    }
    impl<'a> Visit<'a> for Assigned<'a> {
        fn visit_local(&mut self, local: &'a syn::Local) {
            syn::visit::visit_local(self, local);
            let pat = match &local.pat {
                syn::Pat::Type(t) => &*t.pat,
                pat => pat,
            };
            if let syn::Pat::Ident(p) = pat {
                let name = unraw(&p.ident);
                self.ok &= !self.places.iter().any(|(i, _)| unraw(i) == name);
                self.declared.push(name);
            }
        }
        fn visit_expr_assign(&mut self, assign: &'a syn::ExprAssign) {
            self.place(&assign.left);
            self.visit_expr(&assign.right);
        }
        fn visit_expr_binary(&mut self, binary: &'a syn::ExprBinary) {
            if matches!(
                binary.op,
                BinOp::AddAssign(_)
                    | BinOp::SubAssign(_)
                    | BinOp::MulAssign(_)
                    | BinOp::DivAssign(_)
            ) {
                self.place(&binary.left);
                self.visit_expr(&binary.right);
            } else {
                syn::visit::visit_expr_binary(self, binary);
            }
        }
    }
    let mut assigned = Assigned {
        declared: Vec::new(),
        places: Vec::new(),
        ok: true,
    };
    for stmt in stmts {
        assigned.visit_stmt(stmt);
    }
    assigned.ok.then_some(assigned.places)
}
