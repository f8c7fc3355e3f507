//! The form of a loop body that can stay a loop: `let`s and other statements, then one
//! update of a local of the enclosing body (`s += e`, `s = e`, ...).

use proc_macro2::Ident;
use syn::{BinOp, Expr};

use super::rewrite;
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
            || rewrite::mentions(self.expr, Some(self.acc))
            || self.stmts.iter().any(|stmt| {
                let expr = syn::Expr::Verbatim(quote::ToTokens::to_token_stream(stmt));
                rewrite::mentions(&expr, Some(self.acc))
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
