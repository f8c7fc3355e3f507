//! What the body of a loop that stays a loop reads from outside it, as its rewrite
//! (`rewrite.rs`) collects it: whole arrays, their elements at the loop variables, data
//! from the user's scope, the loop variables as numbers, and the loops of a nest.

use proc_macro2::Ident;

use crate::input::NamedLen;
use crate::ir::ValueId;

/// An array the loop reads at indices of the loop variable: passed whole.
pub(super) struct ArrayArg {
    pub(super) name: String,
    /// Its elements, for an array of literal length.
    pub(super) elems: Vec<ValueId>,
    /// The parameter and its length, for a parameter of named length.
    pub(super) named: Option<(usize, NamedLen)>,
}

/// One element the body reads, `x[i + 1]`: an input of the body.
pub(super) struct Gather {
    pub(super) array: usize,
    /// The index, a `usize` expression of the generated loop variables.
    pub(super) index: proc_macro2::TokenStream,
    pub(super) ident: Ident,
    /// How it reads in the derivation, `x[i + 1]`; two reads of the same text are one.
    pub(super) text: String,
}

/// A loop around the innermost one, in a nest that stays a loop.
#[derive(Clone)]
pub(super) struct Outer {
    /// The user's name for its variable.
    pub(super) name: String,
    /// The generated variable that stands for it.
    pub(super) ident: Ident,
    /// Its first and one-past-last value, where they are known at expansion.
    pub(super) range: Option<(i64, i64)>,
}

/// Data the body reads, `xs[i + offset]` with `xs` from the user's scope: an input of the
/// body, its values captured as one array for the whole loop.
pub(super) struct DataGather {
    pub(super) name: Ident,
    pub(super) offset: i64,
    pub(super) ident: Ident,
    pub(super) text: String,
}

/// Loop variables as a number, `(i + 1) as T`: an input of the body.
pub(super) struct Counter {
    /// The integer, an `i64` expression of the generated loop variables.
    pub(super) code: proc_macro2::TokenStream,
    pub(super) ident: Ident,
    /// How it reads in the derivation: `(i + 1) as f64`.
    pub(super) text: String,
}
