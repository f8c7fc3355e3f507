//! The resolver: what every name of a body is — an input, a `let` binding (immutable or
//! mutable, scalar or array), or a loop variable — and what a captured constant may
//! mention.

use proc_macro2::{Group, Ident, Literal, TokenStream, TokenTree};
use quote::ToTokens;

use crate::input::NamedLen;
use crate::ir::ValueId;
use crate::names::unraw;

/// What a name is bound to.
#[derive(Clone)]
pub enum Binding {
    /// A scalar: an input, or a `let`, whose current value (for `let mut`, the latest
    /// assignment's) is `value`.
    Scalar {
        value: ValueId,
        mutable: bool,
        param: bool,
    },
    /// An array: a parameter or a local array, its elements in row-major order.
    Array {
        shape: Vec<usize>,
        elems: Vec<ValueId>,
        mutable: bool,
        param: bool,
    },
    /// A loop variable: a `usize` known at expansion, in the current iteration.
    Loop(i64),
    /// An array parameter of named length (`x: [f64; N]`), the program's parameter
    /// `param`: read only whole, by loops that stay loops.
    Named { param: usize, len: NamedLen },
}

impl Binding {
    pub fn is_param(&self) -> bool {
        matches!(
            self,
            Binding::Scalar { param: true, .. }
                | Binding::Array { param: true, .. }
                | Binding::Named { .. }
        )
    }
}

/// The bindings in scope, innermost last.
#[derive(Clone, Default)]
pub struct Scope {
    entries: Vec<(String, Binding)>,
}

impl Scope {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn truncate(&mut self, len: usize) {
        self.entries.truncate(len);
    }

    pub fn bind(&mut self, ident: &Ident, binding: Binding) {
        self.entries.push((unraw(ident), binding));
    }

    pub fn get(&self, ident: &Ident) -> Option<&Binding> {
        let name = unraw(ident);
        self.entries
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b)
    }

    /// The values bound at position `k`: a scalar's, or an array's elements.
    pub fn values_at(&self, k: usize) -> Vec<ValueId> {
        match self.entries.get(k).map(|(_, b)| b) {
            Some(Binding::Scalar { value, .. }) => vec![*value],
            Some(Binding::Array { elems, .. }) => elems.clone(),
            _ => Vec::new(),
        }
    }

    /// Replaces the values bound at position `k`, keeping the binding's kind.
    pub fn set_values_at(&mut self, k: usize, values: &[ValueId]) {
        match self.entries.get_mut(k).map(|(_, b)| b) {
            Some(Binding::Scalar { value, .. }) => {
                if let Some(&v) = values.first() {
                    *value = v;
                }
            }
            Some(Binding::Array { elems, .. }) => elems.copy_from_slice(values),
            _ => {}
        }
    }

    pub fn get_mut(&mut self, ident: &Ident) -> Option<&mut Binding> {
        let name = unraw(ident);
        self.entries
            .iter_mut()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b)
    }

    /// For a captured constant's dependency check: `Some(true)` for a name bound by the
    /// body, `Some(false)` for an input, `None` for a name from outside (or a loop
    /// variable, which a captured constant may mention: its value is substituted).
    pub fn classify(&self, ident: &Ident) -> Option<bool> {
        match self.get(ident)? {
            Binding::Loop(_) => None,
            binding => Some(!binding.is_param()),
        }
    }

    /// The loop variables in scope, innermost binding of each name, with their values.
    pub fn loop_values(&self) -> Vec<(String, i64)> {
        let mut seen: Vec<(String, i64)> = Vec::new();
        for (name, binding) in self.entries.iter().rev() {
            if seen.iter().any(|(n, _)| n == name) {
                continue;
            }
            if let Binding::Loop(n) = binding {
                seen.push((name.clone(), *n));
            } else {
                // Marks the name as shadowed by a binding that is not a loop variable.
                seen.push((name.clone(), i64::MIN));
            }
        }
        seen.retain(|(_, n)| *n != i64::MIN);
        seen
    }
}

/// `tokens` with every loop variable replaced by its value, as a literal with `suffix`
/// (`usize` for the code, none for the text), except where the name follows `.` or `::`
/// (a field or a method, not the variable).
pub fn substitute_loop_values(
    tokens: TokenStream,
    values: &[(String, i64)],
    suffixed: bool,
) -> TokenStream {
    let mut out = Vec::new();
    let mut after_path = false;
    for tree in tokens {
        let next = match tree {
            TokenTree::Ident(ident) if !after_path => {
                match values.iter().find(|(name, _)| *name == unraw(&ident)) {
                    Some((_, n)) => {
                        let text = if suffixed {
                            format!("{n}usize")
                        } else {
                            n.to_string()
                        };
                        let mut literal: Literal =
                            text.parse().unwrap_or_else(|_| Literal::i64_unsuffixed(*n));
                        literal.set_span(ident.span());
                        TokenTree::Literal(literal)
                    }
                    None => TokenTree::Ident(ident),
                }
            }
            TokenTree::Group(group) => {
                let inner = substitute_loop_values(group.stream(), values, suffixed);
                let mut new = Group::new(group.delimiter(), inner);
                new.set_span(group.span());
                TokenTree::Group(new)
            }
            other => other,
        };
        after_path =
            matches!(&next, TokenTree::Punct(p) if p.as_char() == '.' || p.as_char() == ':');
        out.push(next);
    }
    out.into_iter().collect()
}

/// `expr` with its loop variables replaced, for the code and for the text.
pub fn substituted(expr: &syn::Expr, values: &[(String, i64)]) -> (syn::Expr, syn::Expr) {
    if values.is_empty() {
        return (expr.clone(), expr.clone());
    }
    let tokens = expr.to_token_stream();
    let parse = |suffixed| {
        syn::parse2::<syn::Expr>(substitute_loop_values(tokens.clone(), values, suffixed))
            .unwrap_or_else(|_| expr.clone())
    };
    (parse(true), parse(false))
}
