//! The companion types of a loop that stays a loop: the type the enclosing program calls,
//! with the associated functions of every callee (`__value`, `__forward`, `__parts`,
//! `__record`, `__derivation`) and its `Callee` impl.
//!
//! With one state (or a sum) the functions are those of every callee. With several
//! (`v += dt * a; x += dt * v;`), the program's one call of the loop gives each state's
//! value: `__value_all` and `__forward_all` return one per state (and the pullback),
//! `__parts_all` takes each one's adjoint, and `__record_all` records one state's.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::super::{private, ScalarSyntax};
use crate::ir::Rolled;
use crate::names::local;

/// What every companion of one loop shares.
pub(super) struct Shared<'a> {
    pub rolled: &'a Rolled,
    pub elem: &'a TokenStream,
    pub syntax: &'a ScalarSyntax,
    pub bound: &'a TokenStream,
    /// The enclosing program's const generic parameters and their arguments.
    pub gp: &'a TokenStream,
    pub ga: &'a TokenStream,
    pub trip_type: &'a TokenStream,
    pub pullback: &'a Ident,
    pub placeholder_init: &'a TokenStream,
    pub once_only: &'a TokenStream,
    pub derivation: &'a str,
}

/// The loop's functions: their parameters and bodies.
pub(super) struct Functions {
    /// The parameters of `__value` and `__forward`, and of `__record` over variables.
    pub params: TokenStream,
    pub record_params: TokenStream,
    pub value: TokenStream,
    pub forward: TokenStream,
    pub parts: TokenStream,
    pub parts_type: TokenStream,
    /// `__record`'s body, given the expression of its value from the states after the
    /// loop.
    pub record: Box<dyn Fn(TokenStream) -> TokenStream>,
    /// The states' names after the loop.
    pub accs: Vec<Ident>,
}

impl Shared<'_> {
    /// The companion of the loop.
    pub(super) fn companions(&self, f: &Functions) -> TokenStream {
        let ScalarSyntax {
            ty: s, generics, ..
        } = self.syntax;
        let (private, pullback, ga, elem) = (private(), self.pullback, self.ga, self.elem);
        let Functions {
            params,
            record_params,
            value,
            forward,
            parts,
            parts_type,
            ..
        } = f;
        let (graph, pb, dout) = (local("graph"), local("pb"), local("dout"));
        let var = quote!(#private::Var<'g, #elem>);
        let states = self.rolled.states();
        if states <= 1 {
            let acc = &f.accs[0];
            let record = (f.record)(quote!(#acc));
            return self.companion(
                &self.rolled.ident,
                quote! {
                    #[inline]
                    pub fn __value #generics(#params) -> #s {
                        #value
                    }

                    #[inline]
                    pub fn __forward #generics(#params) -> (#s, #pullback<#ga #s>) {
                        #forward
                    }

                    #[inline]
                    pub fn __parts #generics(#pb: &#pullback<#ga #s>, #dout: #s) -> #parts_type {
                        #parts
                    }

                    pub fn __record<'g>(#graph: &'g #private::Graph<#elem>, #record_params) -> #var {
                        #record
                    }
                },
            );
        }
        // With several states, the program's one call gives every state's value: the
        // functions take and give one of each.
        let n = Literal::usize_unsuffixed(states);
        let which = local("which");
        let accs = &f.accs;
        let record_all = (f.record)(quote!([#(#accs),*][#which]));
        let values = std::iter::repeat_n(s, states);
        let values = quote!(#(#values,)*);
        self.companion(
            &self.rolled.ident,
            quote! {
                #[inline]
                pub fn __value_all #generics(#params) -> (#values) {
                    #value
                }

                #[inline]
                pub fn __forward_all #generics(#params) -> (#values #pullback<#ga #s>) {
                    #forward
                }

                #[inline]
                pub fn __parts_all #generics(
                    #pb: &#pullback<#ga #s>,
                    #dout: [#s; #n],
                ) -> #parts_type {
                    #parts
                }

                /// The state `which`'s value after the loop, recorded on the graph as one
                /// call.
                pub fn __record_all<'g>(
                    #graph: &'g #private::Graph<#elem>,
                    #record_params
                    #which: usize,
                ) -> #var {
                    #record_all
                }
            },
        )
    }

    /// `name`, or `name<N,>` in a function generic over lengths.
    fn name_t(&self, name: &Ident) -> TokenStream {
        let ga = self.ga;
        if self.gp.is_empty() {
            quote!(#name)
        } else {
            quote!(#name<#ga>)
        }
    }

    /// One companion type: its functions, `__derivation`, the type of each piece of data
    /// (a constant argument captured as an array) and its `Callee` impl.
    fn companion(&self, name: &Ident, functions: TokenStream) -> TokenStream {
        let (private, elem, bound, trip_type) = (private(), self.elem, self.bound, self.trip_type);
        let (gp, ga, pullback) = (self.gp, self.ga, self.pullback);
        let (placeholder_init, once_only, derivation) =
            (self.placeholder_init, self.once_only, self.derivation);
        let item_generics = if gp.is_empty() {
            TokenStream::new()
        } else {
            quote!(<#gp>)
        };
        let name_t = self.name_t(name);
        let sp = super::super::Code::scalar_param();
        let rolled = self.rolled;
        let param_impls = (0..rolled.data.len()).map(|k| {
            let position = Literal::usize_unsuffixed(
                rolled.states().max(1) + rolled.invariants.len() + rolled.arrays.len() + k,
            );
            quote! {
                impl #item_generics #private::Param<#position> for #name_t {
                    type Type = [#elem; #trip_type];
                }
            }
        });
        quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types, dead_code, unreachable_pub)]
            pub struct #name #item_generics {}

            // `large_stack_arrays`: the tape and the arrays' adjoints are as long as the
            // loop and the arrays, on the stack by design (no allocation).
            // `unused_variables`: a loop of a nest whose variable only its bounds read.
            #[allow(
                non_snake_case,
                unused_variables,
                clippy::too_many_arguments,
                clippy::needless_range_loop,
                clippy::assign_op_pattern,
                clippy::explicit_counter_loop,
                clippy::large_stack_arrays
            )]
            impl #item_generics #name_t {
                #functions

                pub fn __derivation() -> &'static ::core::primitive::str {
                    #derivation
                }
            }

            #(#param_impls)*

            #[allow(clippy::large_stack_arrays)]
            impl #item_generics #private::Callee for #name_t {
                type Elem = #elem;
                type Pullback<#sp: #bound> = #pullback<#ga #sp>;
                type Twice = #once_only;

                fn placeholder<#sp: #bound>() -> #pullback<#ga #sp> {
                    #pullback { #placeholder_init }
                }
            }
        }
    }
}
