//! One iteration's work as a program of its own: a loop's body, an inner sum's term, and
//! with several states one program per state.

use proc_macro2::Ident;
use syn::Expr;

use super::super::Lowerer;
use crate::errors::Errors;
use crate::input::{Form, Input, Param};
use crate::ir::{Type, ValueId};

impl Lowerer<'_, '_> {
    /// Each constant from the user's scope that a body reads as a scalar (`dt`), captured
    /// once where `grad!` is written, as an invariant of the loop.
    pub(super) fn capture_invariants(
        &mut self,
        captures: Vec<(Ident, Ident)>,
        invariants: &mut Vec<(Ident, ValueId, String)>,
    ) {
        for (ident, generated) in captures {
            let expr = Expr::Path(syn::ExprPath {
                attrs: Vec::new(),
                qself: None,
                path: syn::Path::from(ident.clone()),
            });
            let value = self.capture(&expr, Some(ident.clone()), Type::Float);
            invariants.push((generated, value, crate::names::unraw(&ident)));
        }
    }

    /// One iteration's work (a loop's body, or an inner sum's term), lowered as a
    /// program of its own of `params`, the last `constants` of them inputs with no
    /// gradient. Its errors are reported by the unrolled lowering, in context, so
    /// `Err(false)` drops them; a loop over named constants cannot be unrolled, so with
    /// `report` they are reported here (`Err(true)`).
    pub(super) fn body_program(
        &mut self,
        params: Vec<Param>,
        brace_token: syn::token::Brace,
        stmts: Vec<syn::Stmt>,
        constants: usize,
        report: bool,
    ) -> Result<crate::ir::Program, bool> {
        let input = Input {
            form: Form::Closure,
            params,
            elem: self.elem,
            body: Expr::Block(syn::ExprBlock {
                attrs: Vec::new(),
                label: None,
                block: syn::Block { brace_token, stmts },
            }),
            function: None,
            constants,
            generics: Vec::new(),
        };
        let mut scratch = Errors::default();
        match crate::lower::lower(&input, &mut scratch) {
            Some(body) if scratch.is_empty() => Ok(body),
            _ if !report => Err(false),
            _ => {
                self.errors.append(scratch);
                Err(true)
            }
        }
    }
}

/// The statements of each state's program, for a body with several states: the whole
/// body `stmts`, from the old states (`let mut x = x;`, so that the body may assign
/// them), to the state's new value.
pub(super) fn per_state(states: &[(&Ident, &Expr)], stmts: &[syn::Stmt]) -> Vec<Vec<syn::Stmt>> {
    states
        .iter()
        .map(|(state, _)| {
            let opening = states
                .iter()
                .map(|(ident, _)| -> syn::Stmt { syn::parse_quote!(let mut #ident = #ident;) });
            let result = syn::Stmt::Expr(syn::parse_quote!(#state), None);
            opening
                .chain(stmts.iter().cloned())
                .chain([result])
                .collect()
        })
        .collect()
}
