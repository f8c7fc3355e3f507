//! The const generic parameters of a `#[differentiable]` function
//! (`fn f<const N: usize>`), which every item generated for it is generic over.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::code::Code;

impl Code<'_> {
    /// Whether the generated items are generic over const parameters.
    pub fn is_generic_item(&self) -> bool {
        !self.program.generics.is_empty()
    }

    /// `<const N: usize>` for an item's definition, or nothing.
    pub fn item_generics(&self) -> TokenStream {
        let params = &self.item_params;
        if self.is_generic_item() {
            quote!(<#params>)
        } else {
            TokenStream::new()
        }
    }

    /// A generated item in a type: `X<N>`, or `X`.
    pub fn item_ty(&self, ident: &Ident) -> TokenStream {
        let args = &self.item_args;
        if self.is_generic_item() {
            quote!(#ident<#args>)
        } else {
            quote!(#ident)
        }
    }

    /// A generated item in an expression: `X::<N>`, or `X`.
    pub fn item_path(&self, ident: &Ident) -> TokenStream {
        let args = &self.item_args;
        if self.is_generic_item() {
            quote!(#ident::<#args>)
        } else {
            quote!(#ident)
        }
    }
}
