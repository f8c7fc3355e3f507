//! Numeric literals: rounded to the element type once, at expansion time.

use syn::{Expr, Lit, UnOp};

use crate::ir::Elem;

/// The value of a numeric literal in the element type, stored exactly as an `f64`.
pub fn value(lit: &Lit, elem: Elem) -> syn::Result<f64> {
    let (digits, suffix) = match lit {
        Lit::Float(f) => (f.base10_digits(), f.suffix()),
        Lit::Int(i) => (i.base10_digits(), i.suffix()),
        other => return Err(syn::Error::new_spanned(other, not_a_number(other))),
    };
    if !suffix.is_empty() && suffix != elem.name() {
        return Err(syn::Error::new_spanned(
            lit,
            format!(
                "this literal has the suffix `{suffix}`, but this grad! computes in `{}`: \
                 write it without a suffix",
                elem.name()
            ),
        ));
    }
    let parsed = match elem {
        Elem::F64 => digits.parse::<f64>().ok(),
        // Parsing the digits as f32 directly rounds once, as rustc does for an f32 literal.
        Elem::F32 => digits.parse::<f32>().ok().map(f64::from),
    };
    match parsed {
        Some(v) if v.is_finite() => Ok(v),
        _ => Err(syn::Error::new_spanned(
            lit,
            format!(
                "this literal does not fit in `{}`, whose largest finite value is about {}",
                elem.name(),
                match elem {
                    Elem::F64 => "1.8e308",
                    Elem::F32 => "3.4e38",
                }
            ),
        )),
    }
}

fn not_a_number(lit: &Lit) -> String {
    let what = match lit {
        Lit::Str(_) => "a string literal",
        Lit::ByteStr(_) => "a byte string literal",
        Lit::CStr(_) => "a C string literal",
        Lit::Byte(_) => "a byte literal",
        Lit::Char(_) => "a character literal",
        Lit::Bool(_) => "a boolean literal",
        _ => "this literal",
    };
    format!("{what} is not a number: grad! works on `f32` and `f64` values")
}

/// The exponent of `powi` if `expr` is an integer literal, possibly negated; an error if it
/// is a literal of another kind; `None` if it is no literal.
pub fn integer(expr: &Expr) -> Option<syn::Result<i32>> {
    let (negative, inner) = match expr {
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => (true, &*u.expr),
        other => (false, other),
    };
    let Expr::Lit(lit) = inner else {
        return None;
    };
    Some(match &lit.lit {
        Lit::Int(int) if int.suffix().is_empty() || int.suffix() == "i32" => {
            let text = if negative {
                format!("-{}", int.base10_digits())
            } else {
                int.base10_digits().to_owned()
            };
            text.parse::<i32>().map_err(|_| {
                syn::Error::new_spanned(
                    expr,
                    "the exponent of `powi` is an `i32`, from -2147483648 to 2147483647: \
                     this one does not fit",
                )
            })
        }
        Lit::Int(int) => Err(syn::Error::new_spanned(
            int,
            "the exponent of `powi` is an `i32`: write it without a suffix",
        )),
        other => Err(syn::Error::new_spanned(
            other,
            "`powi` takes an integer exponent: write an integer such as `2`, or use \
             `powf` for a floating-point exponent",
        )),
    })
}
