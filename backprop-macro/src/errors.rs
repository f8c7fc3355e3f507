//! Every error found in one invocation, reported together, each on the user's tokens.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

/// A collector of spanned errors.
#[derive(Default)]
pub struct Errors {
    errors: Vec<syn::Error>,
}

impl Errors {
    /// Records an error spanned on `tokens`.
    pub fn error(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error already built.
    pub fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// Records every error of `other`.
    pub fn append(&mut self, other: Errors) {
        self.errors.extend(other.errors);
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// All the errors as items, for an attribute's expansion.
    pub fn into_items(self) -> TokenStream {
        let errors = self.errors.iter().map(syn::Error::to_compile_error);
        quote!(#(#errors)*)
    }

    /// All the errors as one block of `compile_error!` invocations, so that every one is
    /// reported. The last is the block's value: an erroneous expression, which keeps rustc
    /// from reporting type errors about the value the user expected `grad!` to return.
    pub fn into_compile_errors(self) -> TokenStream {
        let errors = self.errors.iter().map(syn::Error::to_compile_error);
        quote!({ #(#errors);* })
    }
}
