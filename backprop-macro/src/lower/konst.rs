//! Values known at expansion: the integers of loop bounds, indices and loop variables,
//! and the conditions made of them, which are decided before any code is generated.

use syn::{BinOp, Expr, UnOp};

use super::scope::{Binding, Scope};

/// A value known at expansion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Const {
    Int(i64),
    Bool(bool),
}

/// The value of `expr` if it is known at expansion (`Ok(Some)`), `Ok(None)` if it involves
/// values of the body or constants captured at run time, or an error where it is known
/// but wrong (an overflow, a division by zero).
pub fn eval(expr: &Expr, scope: &Scope) -> syn::Result<Option<Const>> {
    let int = |e: &Expr| -> syn::Result<Option<i64>> {
        match eval(e, scope)? {
            Some(Const::Int(n)) => Ok(Some(n)),
            _ => Ok(None),
        }
    };
    let boolean = |e: &Expr| -> syn::Result<Option<bool>> {
        match eval(e, scope)? {
            Some(Const::Bool(b)) => Ok(Some(b)),
            _ => Ok(None),
        }
    };
    Ok(match expr {
        Expr::Paren(e) => eval(&e.expr, scope)?,
        Expr::Group(e) => eval(&e.expr, scope)?,
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Int(i) if matches!(i.suffix(), "" | "usize" | "i32" | "i64" | "u32") => {
                match i.base10_parse::<i64>() {
                    Ok(n) => Some(Const::Int(n)),
                    Err(_) => return Err(syn::Error::new_spanned(i, "this integer is too large")),
                }
            }
            syn::Lit::Bool(b) => Some(Const::Bool(b.value)),
            _ => None,
        },
        Expr::Path(path) => match path.path.get_ident().and_then(|i| scope.get(i)) {
            Some(Binding::Loop(n)) => Some(Const::Int(*n)),
            _ => None,
        },
        Expr::MethodCall(call) if call.method == "len" && call.args.is_empty() => {
            array_len(&call.receiver, scope).map(|n| Const::Int(n as i64))
        }
        Expr::Cast(cast) => match int(&cast.expr)? {
            Some(n) if is_integer_type(&cast.ty) => Some(Const::Int(n)),
            _ => None,
        },
        Expr::Unary(unary) => match unary.op {
            UnOp::Neg(_) => int(&unary.expr)?.map(|n| Const::Int(-n)),
            UnOp::Not(_) => boolean(&unary.expr)?.map(|b| Const::Bool(!b)),
            _ => None,
        },
        Expr::Binary(binary) => {
            if let BinOp::And(_) | BinOp::Or(_) = binary.op {
                let (Some(a), Some(b)) = (boolean(&binary.left)?, boolean(&binary.right)?) else {
                    return Ok(None);
                };
                return Ok(Some(Const::Bool(match binary.op {
                    BinOp::And(_) => a && b,
                    _ => a || b,
                })));
            }
            let (Some(a), Some(b)) = (int(&binary.left)?, int(&binary.right)?) else {
                return Ok(None);
            };
            let overflow = || syn::Error::new_spanned(binary, "this integer arithmetic overflows");
            let arithmetic = |r: Option<i64>| r.map(Const::Int).ok_or_else(overflow);
            match binary.op {
                BinOp::Add(_) => Some(arithmetic(a.checked_add(b))?),
                BinOp::Sub(_) => Some(arithmetic(a.checked_sub(b))?),
                BinOp::Mul(_) => Some(arithmetic(a.checked_mul(b))?),
                BinOp::Div(_) | BinOp::Rem(_) if b == 0 => {
                    return Err(syn::Error::new_spanned(binary, "this divides by zero"))
                }
                BinOp::Div(_) => Some(arithmetic(a.checked_div(b))?),
                BinOp::Rem(_) => Some(arithmetic(a.checked_rem(b))?),
                BinOp::Eq(_) => Some(Const::Bool(a == b)),
                BinOp::Ne(_) => Some(Const::Bool(a != b)),
                BinOp::Lt(_) => Some(Const::Bool(a < b)),
                BinOp::Le(_) => Some(Const::Bool(a <= b)),
                BinOp::Gt(_) => Some(Const::Bool(a > b)),
                BinOp::Ge(_) => Some(Const::Bool(a >= b)),
                _ => None,
            }
        }
        _ => None,
    })
}

/// The length of an array of the body, a parameter or a local: `x.len()`, `w[0].len()`.
pub fn array_len(receiver: &Expr, scope: &Scope) -> Option<usize> {
    let mut depth = 0;
    let mut base = receiver;
    loop {
        match base {
            Expr::Index(index) => {
                depth += 1;
                base = &index.expr;
            }
            Expr::Paren(p) => base = &p.expr,
            _ => break,
        }
    }
    let Expr::Path(path) = base else {
        return None;
    };
    match scope.get(path.path.get_ident()?)? {
        Binding::Array { shape, .. } => shape.get(depth).copied(),
        _ => None,
    }
}

fn is_integer_type(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    path.path.get_ident().is_some_and(|i| {
        [
            "usize", "isize", "i32", "i64", "u32", "u64", "i16", "u16", "i8", "u8",
        ]
        .iter()
        .any(|t| i == t)
    })
}
