//! What may be captured as a constant, what an expression depends on, and how it reads.

use proc_macro2::Ident;
use quote::ToTokens;
use syn::visit::Visit;
use syn::{BinOp, Expr};

/// An input or `let` name that an expression mentions.
pub struct Dependency {
    pub ident: Ident,
    pub is_let: bool,
}

/// The first input or `let` binding that `expr` mentions. `classify` says what a name is:
/// `Some(true)` for a binding of the body, `Some(false)` for an input, `None` for a name
/// from outside (shadowing resolved by the caller, as in Rust).
pub fn find_dependency(
    expr: &Expr,
    classify: &dyn Fn(&Ident) -> Option<bool>,
) -> Option<Dependency> {
    struct Finder<'p> {
        classify: &'p dyn Fn(&Ident) -> Option<bool>,
        found: Option<Dependency>,
    }
    impl Finder<'_> {
        fn check(&mut self, ident: &Ident) {
            if self.found.is_some() {
                return;
            }
            if let Some(is_let) = (self.classify)(ident) {
                self.found = Some(Dependency {
                    ident: ident.clone(),
                    is_let,
                });
            }
        }
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
            if let (None, Some(ident)) = (&path.qself, path.path.get_ident()) {
                self.check(ident);
            }
            syn::visit::visit_expr_path(self, path);
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            // A macro's tokens are opaque; any identifier among them might be a use.
            scan_tokens(mac.tokens.clone(), &mut |ident| self.check(ident));
        }
    }
    let mut finder = Finder {
        classify,
        found: None,
    };
    finder.visit_expr(expr);
    finder.found
}

fn scan_tokens(tokens: proc_macro2::TokenStream, f: &mut dyn FnMut(&Ident)) {
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Ident(ident) => f(&ident),
            proc_macro2::TokenTree::Group(group) => scan_tokens(group.stream(), f),
            _ => {}
        }
    }
}

/// Whether `expr` may be evaluated once and captured: a value, not control flow.
pub fn capturable(expr: &Expr) -> bool {
    !matches!(
        expr,
        Expr::If(_)
            | Expr::Match(_)
            | Expr::Loop(_)
            | Expr::While(_)
            | Expr::ForLoop(_)
            | Expr::Return(_)
            | Expr::Break(_)
            | Expr::Continue(_)
            | Expr::Closure(_)
            | Expr::Assign(_)
            | Expr::Let(_)
            | Expr::Yield(_)
            | Expr::Async(_)
            | Expr::TryBlock(_)
            | Expr::Block(_)
            | Expr::Unsafe(_)
            | Expr::Const(_)
            | Expr::Infer(_)
            | Expr::Verbatim(_)
    ) && !matches!(expr, Expr::Binary(b) if is_assignment(&b.op))
}

pub fn is_assignment(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::AddAssign(_)
            | BinOp::SubAssign(_)
            | BinOp::MulAssign(_)
            | BinOp::DivAssign(_)
            | BinOp::RemAssign(_)
            | BinOp::BitXorAssign(_)
            | BinOp::BitAndAssign(_)
            | BinOp::BitOrAssign(_)
            | BinOp::ShlAssign(_)
            | BinOp::ShrAssign(_)
    )
}

/// The source text of an expression, compacted for display (`xs[i]`, `self.scale`).
pub fn source_text(expr: &Expr) -> String {
    let mut text = expr.to_token_stream().to_string();
    for (from, to) in [
        (" . ", "."),
        (" :: ", "::"),
        (":: ", "::"),
        (" [", "["),
        ("[ ", "["),
        (" ]", "]"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (" ,", ","),
        ("& ", "&"),
        (" !", "!"),
    ] {
        text = text.replace(from, to);
    }
    text
}

/// The source text of a type, compacted as [`source_text`] does, generics included
/// (`Vec<f64>`).
pub fn source_text_of(ty: &syn::Type) -> String {
    source_text(&Expr::Verbatim(ty.to_token_stream()))
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace("< ", "<")
}
