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
