//! The loops around the innermost one of a nest that stays a loop: written around a
//! pass, or, for a recurrence's tape, as one index over all iterations taken apart.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::Rolled;
use crate::lower::roll::{bound_tokens, nest_trip_tokens, trip_tokens, trip_type_tokens};
use crate::names::local;

/// `inner` inside the loops around the innermost one, outermost first.
pub(super) fn around(rolled: &Rolled, inner: TokenStream) -> TokenStream {
    rolled.outer.iter().rev().fold(inner, |inner, level| {
        let (var, start, end) = (
            &level.ident,
            bound_tokens(&level.start),
            bound_tokens(&level.end),
        );
        quote!(for #var in #start..#end { #inner })
    })
}

/// The length of a recurrence's tape, as long as all the nest's iterations, and the
/// statements that take its index `flat` apart into the innermost loop's `j` (counted
/// from its start) and the outer loops' variables, innermost fastest.
pub(super) fn take_apart(rolled: &Rolled, flat: &Ident, j: &Ident) -> (TokenStream, TokenStream) {
    if rolled.outer.is_empty() {
        let len = trip_type_tokens(&rolled.start, &rolled.end);
        return (len, quote!(let #j = #flat;));
    }
    let trip_count = trip_tokens(&rolled.start, &rolled.end);
    let rest = local("rest");
    let mut take_apart = quote! {
        let #j = #flat % (#trip_count);
        let #rest = #flat / (#trip_count);
    };
    for (k, level) in rolled.outer.iter().enumerate().rev() {
        let (var, start) = (&level.ident, bound_tokens(&level.start));
        if k == 0 {
            take_apart.extend(quote!(let #var = #start + #rest;));
        } else {
            let trips = trip_tokens(&level.start, &level.end);
            take_apart.extend(quote! {
                let #var = #start + #rest % (#trips);
                let #rest = #rest / (#trips);
            });
        }
    }
    let total = nest_trip_tokens(&rolled.outer, &rolled.start, &rolled.end);
    (total, take_apart)
}

/// Whether a bound of the nest reads an outer loop's variable (`for j in i + 1..N`): a
/// triangular nest, whose iterations no product counts.
pub(super) fn triangular(rolled: &Rolled) -> bool {
    let generated: Vec<&Ident> = rolled.outer.iter().map(|level| &level.ident).collect();
    rolled
        .outer
        .iter()
        .flat_map(|level| [&level.start, &level.end])
        .chain([&rolled.start, &rolled.end])
        .any(|bound| match bound {
            crate::ir::Bound::Named { code, .. } => reads(code, &generated),
            crate::ir::Bound::Known(_) => false,
        })
}

fn reads(code: &TokenStream, idents: &[&Ident]) -> bool {
    code.clone().into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => idents.iter().any(|g| **g == i),
        proc_macro2::TokenTree::Group(g) => reads(&g.stream(), idents),
        _ => false,
    })
}

/// `inner` inside the loops around the innermost one, each run in reverse.
pub(super) fn around_rev(rolled: &Rolled, inner: TokenStream) -> TokenStream {
    rolled.outer.iter().rev().fold(inner, |inner, level| {
        let (var, start, end) = (
            &level.ident,
            bound_tokens(&level.start),
            bound_tokens(&level.end),
        );
        quote!(for #var in (#start..#end).rev() { #inner })
    })
}

/// The iterations of a triangular nest, counted by the compiler: a constant block that
/// runs the nest's loops and adds up the innermost one's trip counts.
pub(super) fn triangular_len(rolled: &Rolled) -> TokenStream {
    let n = local("n");
    let trips = trip_tokens(&rolled.start, &rolled.end);
    let counted = rolled
        .outer
        .iter()
        .rev()
        .fold(quote!(#n += #trips;), |inner, level| {
            let (var, start, end) = (
                &level.ident,
                bound_tokens(&level.start),
                bound_tokens(&level.end),
            );
            quote! {
                #[allow(unused_variables)]
                let mut #var = #start;
                while #var < #end {
                    #inner
                    #var += 1;
                }
            }
        });
    quote!({
        let mut #n: usize = 0;
        #counted
        #n
    })
}
