//! Indices of any other form than `x[i + c]` in a loop that stays a loop, `w[i * M + j]`
//! and the integers of counters (`(j - i) as f64`): code the generated loop evaluates,
//! and, where the nest's ranges are known at expansion, the values an index takes.

use quote::{quote, ToTokens};
use syn::{BinOp, Expr};

use super::super::konst::{self, Const};
use super::super::scope::Binding;
use super::rewrite::Rewrite;
use crate::names::unraw;

impl Rewrite<'_> {
    /// An index of any other form, as a `usize` expression of the nest's generated
    /// variables: `+ - * / %` of its variables, literals, constants known at expansion,
    /// named constants and `x.len()` of an array of named length. It is checked at run
    /// time, as Rust checks it.
    pub(super) fn index_code(&self, index: &Expr, wide: bool) -> Option<proc_macro2::TokenStream> {
        match index {
            Expr::Paren(p) => {
                let inner = self.index_code(&p.expr, wide)?;
                Some(quote!((#inner)))
            }
            Expr::Group(g) => self.index_code(&g.expr, wide),
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(int),
                ..
            }) => {
                let n: u64 = int.base10_parse().ok()?;
                Some(proc_macro2::Literal::u64_unsuffixed(n).to_token_stream())
            }
            Expr::Path(path) if path.qself.is_none() => {
                let code = if let Some(level) = path.path.get_ident().and_then(|i| self.level_of(i))
                {
                    self.level_var(level).0.to_token_stream()
                } else {
                    match konst::eval(index, self.scope) {
                        Ok(Some(Const::Int(n))) => {
                            return Some(proc_macro2::Literal::i64_unsuffixed(n).to_token_stream())
                                .filter(|_| wide || n >= 0);
                        }
                        // A path that is no name of the body: a named constant.
                        Ok(None)
                            if path.path.get_ident().is_none_or(|i| {
                                let name = unraw(i);
                                self.scope.get(i).is_none()
                                    && !self.locals.contains(&name)
                                    && !self.inner.iter().any(|(n, _, _)| *n == name)
                            }) =>
                        {
                            path.to_token_stream()
                        }
                        _ => return None,
                    }
                };
                Some(if wide {
                    quote!((#code as ::core::primitive::i64))
                } else {
                    code
                })
            }
            Expr::MethodCall(call) if call.method == "len" && call.args.is_empty() => {
                let Expr::Path(path) = &*call.receiver else {
                    return None;
                };
                let len = match self.scope.get(path.path.get_ident()?)? {
                    Binding::Named { len, .. } => len.tokens(),
                    _ => return None,
                };
                Some(if wide {
                    quote!((#len as ::core::primitive::i64))
                } else {
                    len
                })
            }
            Expr::Binary(b)
                if matches!(
                    b.op,
                    BinOp::Add(_) | BinOp::Sub(_) | BinOp::Mul(_) | BinOp::Div(_) | BinOp::Rem(_)
                ) =>
            {
                let (left, right) = (
                    self.index_code(&b.left, wide)?,
                    self.index_code(&b.right, wide)?,
                );
                let op = &b.op;
                Some(quote!(#left #op #right))
            }
            _ => None,
        }
    }
}

impl Rewrite<'_> {
    /// The values an index takes over the iterations, as an interval that holds them all,
    /// where every loop variable it reads has a range known at expansion and every part
    /// of it is non-negative (the loop computes it in `usize`): `+ - * / %` of the
    /// variables, literals and constants. `None` where it cannot tell.
    pub(super) fn index_range(&self, index: &Expr) -> Option<(i64, i64)> {
        let (lo, hi) = match index {
            Expr::Paren(p) => self.index_range(&p.expr)?,
            Expr::Group(g) => self.index_range(&g.expr)?,
            // A short inner loop's variable or a local of the body: not known here.
            Expr::Path(path)
                if path.path.get_ident().is_some_and(|i| {
                    let name = unraw(i);
                    self.locals.contains(&name) || self.inner.iter().any(|(n, _, _)| *n == name)
                }) =>
            {
                return None
            }
            Expr::Path(path) => match path.path.get_ident().and_then(|i| self.level_of(i)) {
                Some(level) => {
                    let (start, end) = match level {
                        None => self.range?,
                        Some(k) => self.outer[k].range?,
                    };
                    if end <= start {
                        return None;
                    }
                    (start, end - 1)
                }
                None => match konst::eval(index, self.scope) {
                    Ok(Some(Const::Int(n))) => (n, n),
                    _ => return None,
                },
            },
            Expr::Lit(_) => match konst::eval(index, self.scope) {
                Ok(Some(Const::Int(n))) => (n, n),
                _ => return None,
            },
            Expr::Binary(b) => {
                let (l, r) = (self.index_range(&b.left)?, self.index_range(&b.right)?);
                match b.op {
                    BinOp::Add(_) => (l.0.checked_add(r.0)?, l.1.checked_add(r.1)?),
                    BinOp::Sub(_) => (l.0.checked_sub(r.1)?, l.1.checked_sub(r.0)?),
                    BinOp::Mul(_) => {
                        let corners = [
                            l.0.checked_mul(r.0)?,
                            l.0.checked_mul(r.1)?,
                            l.1.checked_mul(r.0)?,
                            l.1.checked_mul(r.1)?,
                        ];
                        (*corners.iter().min()?, *corners.iter().max()?)
                    }
                    BinOp::Div(_) if r.0 > 0 => (l.0 / r.1, l.1 / r.0),
                    BinOp::Rem(_) if r.0 > 0 => (0, l.1.min(r.1 - 1)),
                    _ => return None,
                }
            }
            _ => return None,
        };
        (lo >= 0).then_some((lo, hi))
    }
}
