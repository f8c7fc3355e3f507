//! The `grad!` procedural macro of backprop. Use it through the `backprop` crate, which
//! documents it and provides the runtime items the generated code calls.
//!
//! The expansion runs in four stages, one module each: [`input`] parses the tokens into one
//! of the two input forms, [`lower`] turns the expression into a flat SSA list of
//! operations, [`diff`] plans the reverse sweep over that list, and [`emit`] writes the
//! straight-line forward and backward code. Everything behind the entry point takes and
//! returns `proc_macro2::TokenStream`, so it can be tested without a compiler run.
#![deny(missing_docs)]

mod constant;
mod derivation;
mod diff;
mod emit;
mod errors;
mod input;
mod ir;
mod literal;
mod lower;
mod names;
#[cfg(test)]
mod scaling;
mod suggest;

use proc_macro2::TokenStream;

/// Reverse-mode differentiation of a scalar expression at compile time. Documented in the
/// `backprop` crate.
#[proc_macro]
pub fn grad(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into()).into()
}

/// The whole expansion: the generated code, or `compile_error!`s for every problem found.
fn expand(tokens: TokenStream) -> TokenStream {
    let mut errors = errors::Errors::default();
    let generated = input::parse(tokens, &mut errors).and_then(|input| {
        let program = lower::lower(&input, &mut errors)?;
        let sweep = diff::sweep(&program);
        let names = names::ValueNames::new(&program);
        let text = derivation::derivation(&program, &sweep, &names);
        Some(emit::emit(&program, &sweep, names, &text))
    });
    match generated {
        Some(code) if errors.is_empty() => code,
        _ => errors.into_compile_errors(),
    }
}
