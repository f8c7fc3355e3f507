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

/// What a recurrence's forward and backward passes run over its tape.
pub(super) struct Tape<'a> {
    /// Whether the nest is triangular ([`triangular`]).
    pub triangular: bool,
    /// The tape's length.
    pub len: &'a TokenStream,
    /// The statements that give an entry's loop variables from its index (a rectangular
    /// nest), empty for a triangular one.
    pub take_apart: &'a TokenStream,
    /// One iteration of the forward pass, and the tape's entry it gives.
    pub step: &'a TokenStream,
    pub entry: &'a TokenStream,
    /// One iteration of the backward pass, from its entry.
    pub back: &'a TokenStream,
    /// The scalar the passes compute with.
    pub scalar: &'a TokenStream,
}

/// The forward pass that fills the tape, and the backward pass over it in reverse. A
/// rectangular nest (or a loop) builds the tape with `from_fn` over the index, each
/// entry's loop variables taken apart from it; a triangular one runs the nest's own loops
/// with the index counted along, from the loop's placeholder pullback.
pub(super) fn tape_passes(rolled: &Rolled, tape: &Tape<'_>) -> (TokenStream, TokenStream) {
    let (j, flat, tape_local) = (local("j"), local("flat"), local("tape"));
    let trip_count = trip_tokens(&rolled.start, &rolled.end);
    let Tape {
        len,
        take_apart,
        step,
        entry,
        back,
        scalar,
        ..
    } = tape;
    if !tape.triangular {
        return (
            quote! {
                let #tape_local = ::core::array::from_fn(|#flat| {
                    #take_apart
                    #step
                    #entry
                });
            },
            quote! {
                for #flat in (0..#len).rev() {
                    #take_apart
                    #back
                }
            },
        );
    }
    let (name, private) = (&rolled.ident, super::super::private());
    let fill = around(
        rolled,
        quote! {
            for #j in 0..#trip_count {
                #step
                #tape_local[#flat] = #entry;
                #flat += 1;
            }
        },
    );
    let reverse = around_rev(
        rolled,
        quote! {
            for #j in (0..#trip_count).rev() {
                #flat -= 1;
                #back
            }
        },
    );
    (
        quote! {
            let mut #tape_local = <#name as #private::Callee>::placeholder::<#scalar>().tape;
            let mut #flat: usize = 0;
            #fill
        },
        quote! {
            let mut #flat: usize = #len;
            #reverse
        },
    )
}
