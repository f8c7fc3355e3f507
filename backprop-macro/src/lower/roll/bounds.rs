//! The bounds and trip counts of a loop that stays a loop as `usize` expressions, for the
//! generated code: literals where they are known at expansion, else expressions of named
//! constants that the compiler evaluates.

use crate::ir::{Bound, Level};

/// The trip count of `start..end` as a `usize` expression: a literal where both are
/// known, else the difference in parentheses, which the compiler evaluates (it is an
/// array length in the generated types, and a loop's bound).
pub fn trip_tokens(start: &Bound, end: &Bound) -> proc_macro2::TokenStream {
    match (start.known(), end.known()) {
        (Some(a), Some(b)) => {
            let n = proc_macro2::Literal::usize_unsuffixed(usize::try_from(b - a).unwrap_or(0));
            quote::quote!(#n)
        }
        _ => {
            // An empty range where it ends before it starts, as Rust's is.
            let (a, b) = (bound_tokens(start), bound_tokens(end));
            quote::quote!(::core::primitive::usize::saturating_sub(#b, #a))
        }
    }
}

/// The iterations of a whole nest as a `usize` expression: the product of its loops'
/// trip counts (a literal where all are known), for a rectangular nest.
pub fn nest_trip_tokens(outer: &[Level], start: &Bound, end: &Bound) -> proc_macro2::TokenStream {
    let known: Option<i64> = outer
        .iter()
        .map(|level| (&level.start, &level.end))
        .chain([(start, end)])
        .try_fold(1_i64, |product, (a, b)| {
            Some(product.saturating_mul((b.known()? - a.known()?).max(0)))
        });
    if let Some(n) = known {
        let n = proc_macro2::Literal::usize_unsuffixed(usize::try_from(n).unwrap_or(0));
        return quote::quote!(#n);
    }
    let inner = trip_tokens(start, end);
    outer
        .iter()
        .map(|level| trip_tokens(&level.start, &level.end))
        .fold(
            quote::quote!((#inner)),
            |product, trips| quote::quote!((#trips) * #product),
        )
}

/// The trip count as an array length in a type: [`trip_tokens`], except that `0..N`
/// gives `{ N }`, which a type generic over a const `N` may hold (a computed length such
/// as `{ N - 1 }` it may not, on a stable compiler).
pub fn trip_type_tokens(start: &Bound, end: &Bound) -> proc_macro2::TokenStream {
    match (start, end) {
        (Bound::Known(0), Bound::Named { code, .. }) => quote::quote!({ #code }),
        _ => trip_tokens(start, end),
    }
}

/// A bound as a `usize` expression: a literal, or the named expression in parentheses.
pub fn bound_tokens(bound: &Bound) -> proc_macro2::TokenStream {
    match bound {
        Bound::Known(n) => {
            let n = proc_macro2::Literal::usize_unsuffixed(usize::try_from(*n).unwrap_or(0));
            quote::quote!(#n)
        }
        Bound::Named { code, .. } => quote::quote!((#code)),
    }
}

/// `start + offset` as a `usize` expression, for an offset that keeps it non-negative.
pub(super) fn offset_tokens(start: &Bound, offset: i64) -> proc_macro2::TokenStream {
    match start.known() {
        Some(a) => {
            let n =
                proc_macro2::Literal::usize_unsuffixed(usize::try_from(a + offset).unwrap_or(0));
            quote::quote!(#n)
        }
        None => {
            let a = bound_tokens(start);
            let c = proc_macro2::Literal::usize_unsuffixed(usize::try_from(offset).unwrap_or(0));
            quote::quote!((#a + #c))
        }
    }
}
/// The one loop a block holds, if it holds nothing else: a level of a nest.
pub(in crate::lower) fn only_loop(block: &syn::Block) -> Option<&syn::ExprForLoop> {
    match block.stmts.as_slice() {
        [syn::Stmt::Expr(syn::Expr::ForLoop(for_loop), _)] => Some(for_loop),
        _ => None,
    }
}

/// Whether `code` names one of `idents`.
pub(super) fn reads_any(code: &proc_macro2::TokenStream, idents: &[&proc_macro2::Ident]) -> bool {
    code.clone().into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => idents.iter().any(|g| **g == i),
        proc_macro2::TokenTree::Group(g) => reads_any(&g.stream(), idents),
        _ => false,
    })
}

/// Whether `code` names anything but `idents`: a named constant.
pub(in crate::lower) fn reads_other(
    code: &proc_macro2::TokenStream,
    idents: &[&proc_macro2::Ident],
) -> bool {
    code.clone().into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => !idents.iter().any(|g| **g == i),
        proc_macro2::TokenTree::Group(g) => reads_other(&g.stream(), idents),
        _ => false,
    })
}
