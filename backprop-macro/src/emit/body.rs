//! Function bodies as lists of statements, rendered as plain `let`s or, for very long
//! bodies, with the locals declared in groups.
//!
//! One `let` per temporary opens one nested lexical scope per temporary in the debug
//! information, and LLVM's debug-info writer can crash at a few thousand nested scopes.
//! Long bodies therefore declare their locals up front in groups (`let (t0, t1, ...);`) and
//! assign them afterwards, which keeps the nesting depth at one per group.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// Bodies with more statements than this are rendered with grouped declarations.
const GROUPING_THRESHOLD: usize = 256;
/// How many statements share one group of declarations.
const GROUP: usize = 64;

pub enum Stmt {
    /// `let name = expr;`, or `let (a, _, c) = expr;` for several names (`None` is `_`).
    /// The flag marks a binding that is later accumulated into with `+=`.
    Let {
        names: Vec<Option<(Ident, bool)>>,
        expr: TokenStream,
    },
    /// `name += expr;`
    AddAssign { name: Ident, expr: TokenStream },
    /// A statement rendered as it is.
    Raw(TokenStream),
}

#[derive(Default)]
pub struct Body {
    stmts: Vec<Stmt>,
}

impl Body {
    pub fn push(&mut self, stmt: Stmt) {
        self.stmts.push(stmt);
    }

    /// Appends the statements of another body.
    pub fn extend(&mut self, other: Body) {
        self.stmts.extend(other.stmts);
    }

    pub fn render(self) -> TokenStream {
        if self.stmts.len() <= GROUPING_THRESHOLD {
            return self.stmts.into_iter().map(render_let).collect();
        }
        let mut out = TokenStream::new();
        let mut stmts = self.stmts.into_iter().peekable();
        while stmts.peek().is_some() {
            let chunk: Vec<Stmt> = stmts.by_ref().take(GROUP).collect();
            let declared: Vec<TokenStream> = chunk
                .iter()
                .flat_map(|stmt| match stmt {
                    Stmt::Let { names, .. } => names.iter().flatten().collect(),
                    _ => Vec::new(),
                })
                .map(|(name, mutable)| binding(name, *mutable))
                .collect();
            match declared.as_slice() {
                [] => {}
                [one] => out.extend(quote!(let #one;)),
                many => out.extend(quote!(let (#(#many),*);)),
            }
            out.extend(chunk.into_iter().map(render_assign));
        }
        out
    }
}

fn binding(name: &Ident, mutable: bool) -> TokenStream {
    if mutable {
        quote!(mut #name)
    } else {
        quote!(#name)
    }
}

fn pattern(names: &[Option<(Ident, bool)>], with_mut: bool) -> TokenStream {
    let parts = names.iter().map(|name| match name {
        Some((name, mutable)) => binding(name, *mutable && with_mut),
        None => quote!(_),
    });
    if names.len() == 1 {
        quote!(#(#parts)*)
    } else {
        quote!((#(#parts),*))
    }
}

fn render_let(stmt: Stmt) -> TokenStream {
    match stmt {
        Stmt::Let { names, expr } => {
            let pat = pattern(&names, true);
            quote!(let #pat = #expr;)
        }
        Stmt::AddAssign { name, expr } => quote!(#name += #expr;),
        Stmt::Raw(tokens) => tokens,
    }
}

fn render_assign(stmt: Stmt) -> TokenStream {
    match stmt {
        Stmt::Let { names, expr } => {
            let pat = pattern(&names, false);
            quote!(#pat = #expr;)
        }
        other => render_let(other),
    }
}
