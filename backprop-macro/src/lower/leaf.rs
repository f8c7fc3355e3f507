//! The leaves of an expression: a name (an input, a `let`, a loop variable, a constant
//! from outside), an element of an array, a cast.

use proc_macro2::Ident;
use syn::Expr;

use super::konst::{self, Const};
use super::scope::Binding;
use super::Lowerer;
use crate::input::{Form, Param};
use crate::ir::{Def, Elem, Type};

/// The error for a read of an array of named length outside a loop that stays a loop.
pub(super) fn named_read(ident: &Ident, len: &crate::input::NamedLen) -> String {
    format!(
        "`{ident}` has the named length `{}`, so grad! does not see its elements: it is \
         read only in a loop that stays a loop, as in `for i in 0..{} {{ s += {ident}[i]; }}`",
        len.text, len.text
    )
}

impl<'a> Lowerer<'a, '_> {
    pub(super) fn visit_path(&mut self, expr: &'a Expr, path: &'a syn::ExprPath) {
        let ident = match (&path.qself, path.path.get_ident()) {
            (None, Some(ident)) if path.attrs.is_empty() => ident,
            _ => {
                // A path such as `std::f64::consts::PI`: a constant in both forms.
                self.capture_float(expr);
                return;
            }
        };
        let binding = match self.scope.get(ident) {
            Some(binding) => binding.clone(),
            None if self.form == Form::Expression => {
                if crate::input::is_path_keyword(ident) {
                    self.errors.error(
                        ident,
                        format!(
                            "`{ident}` cannot be an input of grad!: in the expression form \
                             every plain identifier is an input; the closure form, such as \
                             `grad!(|w| w * self.scale)`, captures everything else"
                        ),
                    );
                } else if syn::parse_str::<Ident>(&ident.to_string()).is_err() {
                    // A reserved word (`try`, `yield`), which Rust accepts only as `r#try`.
                    self.errors.error(
                        ident,
                        format!(
                            "`{ident}` is a reserved word of Rust, so it cannot name an \
                             input: write it `r#{ident}`, or choose another name"
                        ),
                    );
                }
                self.param(Param::scalar(ident.clone()))
            }
            None => {
                let v = self.capture(expr, Some(ident.clone()), Type::Float);
                self.stack.push(v);
                return;
            }
        };
        match binding {
            Binding::Scalar { value, .. } => self.stack.push(value),
            Binding::Array { shape, .. } => {
                let zeros = vec!["0"; shape.len()].join("][");
                self.errors.error(
                    ident,
                    format!(
                        "`{ident}` is an array: grad! computes with its elements, such as \
                         `{ident}[{zeros}]`"
                    ),
                );
                self.placeholder();
            }
            Binding::Loop(_) => {
                self.errors.error(
                    ident,
                    format!(
                        "the loop variable `{ident}` is a `usize`: to compute with it, cast \
                         it, as in `{ident} as {}`",
                        self.elem.name()
                    ),
                );
                self.placeholder();
            }
            Binding::Named { len, .. } => {
                self.errors.error(ident, named_read(ident, &len));
                self.placeholder();
            }
        }
    }

    /// An element of an array of the body (`x[i]`, `w[j][k]`), or, in the closure form,
    /// an element of captured data (`xs[i]`).
    pub(super) fn visit_index(&mut self, expr: &'a Expr) {
        match self.place(expr) {
            Ok(Some((ident, flat))) => {
                let value = match self.scope.get(ident) {
                    Some(Binding::Array { elems, .. }) => elems[flat],
                    _ => return self.placeholder(),
                };
                self.stack.push(value);
            }
            Ok(None) => self.unsupported(expr),
            Err(e) => {
                self.errors.push(e);
                self.placeholder();
            }
        }
    }

    /// `i as f64` of an integer known here is a literal; a cast of captured constants is
    /// captured.
    pub(super) fn visit_cast(&mut self, expr: &'a Expr, cast: &'a syn::ExprCast) {
        match konst::eval(&cast.expr, &self.scope) {
            Ok(Some(Const::Int(n))) if crate::input::elem_of(&cast.ty) == Some(self.elem) => {
                #[allow(clippy::cast_precision_loss)] // as the user's `as` rounds
                let v = match self.elem {
                    Elem::F64 => n as f64,
                    Elem::F32 => f64::from(n as f32),
                };
                let id = self.value(Def::Literal(v), Type::Float, false);
                self.stack.push(id);
            }
            Err(e) => {
                self.errors.push(e);
                self.placeholder();
            }
            _ => self.unsupported(expr),
        }
    }
}
