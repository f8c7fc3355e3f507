//! One iteration of a loop that stays a loop: its body's program, and with several states
//! one program for each further state's new value, each emitted as a program of its own.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::super::private;
use crate::ir::Rolled;

/// The emitted programs of one iteration, in the order of the states (one for a sum).
pub(super) struct Bodies {
    /// Their generated items.
    pub items: TokenStream,
    /// The expression of each one's value (its unit struct).
    pub ctors: Vec<TokenStream>,
    /// A pullback of each, for the arm of a branch not taken.
    pub placeholders: Vec<TokenStream>,
    /// The type of each one's pullback.
    pub pullbacks: Vec<Ident>,
    /// The derivation of each, as the loop shows it.
    pub texts: Vec<String>,
    /// `Yes` if all of them can be differentiated twice, or the `No` of the first that
    /// cannot.
    pub once_only: TokenStream,
}

impl Bodies {
    pub(super) fn of(rolled: &Rolled) -> Bodies {
        let mut bodies = Bodies {
            items: TokenStream::new(),
            ctors: Vec::new(),
            placeholders: Vec::new(),
            pullbacks: Vec::new(),
            texts: Vec::new(),
            once_only: TokenStream::new(),
        };
        let mut once_onlys = Vec::new();
        for (k, body) in std::iter::once(&rolled.body)
            .chain(&rolled.others)
            .enumerate()
        {
            let plan = crate::sweep::plan(body);
            let names = crate::names::ValueNames::new(body);
            let lines = crate::derivation::lines(body, &plan, &names);
            let prefix = match k {
                0 => format!("{}Body", rolled.ident),
                k => format!("{}Body{k}", rolled.ident),
            };
            let text = crate::derivation::text(body, &names, &lines);
            bodies
                .texts
                .push(super::super::shown::rolled_body(rolled, text));
            let emitted = super::super::emit_named(body, &plan, names, &lines, &prefix);
            bodies.items.extend(emitted.items);
            bodies.ctors.push(emitted.ctor);
            bodies.placeholders.push(emitted.placeholder);
            once_onlys.push(emitted.once_only);
            bodies.pullbacks.push(format_ident!("{}Pullback", prefix));
        }
        let private = private();
        bodies.once_only = once_onlys.iter().skip(1).fold(
            once_onlys[0].clone(),
            |rest, more| quote!(<#more as #private::Both<#rest>>::Out),
        );
        bodies
    }
}
