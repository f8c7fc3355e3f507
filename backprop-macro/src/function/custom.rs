//! The companion of a function with a custom derivative: the body is not parsed; the
//! pullback keeps the arguments and the output and pulls back through the user's
//! derivative.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, ToTokens};

use super::{companion_struct, elem_tokens, param_impls, scalar, Hygienic, Shapes};
use crate::emit::{nest, private};
use crate::input::Param;
use crate::ir::Elem;
use crate::names::{local, unraw};

/// The companion of a function with a custom derivative: its pullback keeps the arguments
/// and the output, and pulls back through `grad`, whose type is checked on its path.
pub(super) fn custom_companion(
    function: &syn::ItemFn,
    params: &[Param],
    elem: Elem,
    grad: &syn::Path,
) -> TokenStream {
    let private = private();
    let shapes = Shapes {
        params,
        elem: elem_tokens(elem),
    };
    let elem = &shapes.elem;
    let (sp, bound, syntax) = scalar(elem);
    let (s, generics, turbofish) = (&syntax.ty, &syntax.generics, &syntax.turbofish);
    let over_s = Shapes {
        params,
        elem: s.clone(),
    };
    let name = &function.sig.ident;
    let name_text = unraw(name);
    let pullback = local("__BackpropPullback");
    let args_s = over_s.params();
    let idents = shapes.idents();
    let types: Vec<TokenStream> = params.iter().map(|p| shapes.param_type(p)).collect();
    let grad_type = shapes.grad_type();
    let parts_s = over_s.parts_type();
    let shaped = shapes.shaped("g");
    let per_param = shapes.per_param("g");
    let flat = shapes.flat("g");
    let flat_values = shapes.flat("x");
    let params_impls = param_impls(&shapes, name);
    let hygienic = Hygienic::new();
    let Hygienic {
        pullback: pb,
        dout,
        graph,
        inputs,
        out,
    } = &hygienic;
    let (record_params, flatten) = hygienic.record_params(&shapes);
    let shaped_values = shapes.per_param("x");
    // The arguments' values, without tangents, rebound to the parameters' names.
    let real: Vec<TokenStream> = flat_values
        .iter()
        .map(|x| quote!(<#s as #bound>::re(#x)))
        .collect();
    let shaped_real = {
        let mut at = 0;
        params
            .iter()
            .map(|p| {
                let n = p.len().max(1);
                let items = &real[at..at + n];
                at += n;
                nest(&p.shape, items)
            })
            .collect::<Vec<_>>()
    };
    let derivative = local("__BACKPROP_DERIVATIVE");
    let zero = match elem_tokens(Elem::F64).to_string() == elem.to_string() {
        true => quote!(0.0_f64),
        false => quote!(0.0_f32),
    };
    let zeros = params.iter().map(|p| {
        p.shape.iter().rev().fold(zero.clone(), |inner, &len| {
            let len = Literal::usize_unsuffixed(len);
            quote!([#inner; #len])
        })
    });
    let strukt = companion_struct(function);
    let grad_text = crate::constant::source_text(&syn::Expr::Verbatim(grad.to_token_stream()));
    let derivation = format!(
        "{name_text} has a custom derivative: its gradient is `{grad_text}(..., out, dout)`\n"
    );
    quote! {
        #strukt

        const _: () = {
            // The derivative's type, checked on the user's path: the parameters, the
            // output and `dout`, to the gradient shaped as `grad!` shapes it.
            const #derivative: fn(#(#types,)* #elem, #elem) -> #grad_type = #grad;
            // Used even where no call of the function is differentiated.
            const _: fn(#(#types,)* #elem, #elem) -> #grad_type = #derivative;

            // The arguments and the output, without tangents: a custom derivative gives
            // first derivatives only, so nothing pulls back a tangent through it.
            #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug)]
            pub struct #pullback<#sp> {
                args: (#(#types,)*),
                out: #elem,
                scalar: ::core::marker::PhantomData<#sp>,
            }

            #[allow(non_snake_case, clippy::too_many_arguments)]
            impl #name {
                /// The value by the function itself, with tangents from the derivative.
                #[inline]
                fn __call #generics(#args_s) -> (#s, (#(#types,)*), #elem) {
                    let (#(#shaped_values,)*) = (#(#idents,)*);
                    let #inputs = [#(#flat_values),*];
                    let (#(#idents,)*) = (#(#shaped_real,)*);
                    let #out = #name(#(#idents),*);
                    let value = <#s as #bound>::custom(#inputs, #out, || {
                        let #shaped = #derivative(
                            #(#idents,)* #out, <#elem as #private::Float>::ONE
                        );
                        [#(#flat),*]
                    });
                    (value, (#(#idents,)*), #out)
                }

                #[inline]
                pub fn __value #generics(#args_s) -> #s {
                    Self::__call #turbofish(#(#idents),*).0
                }

                #[inline]
                pub fn __forward #generics(#args_s) -> (#s, #pullback<#s>) {
                    let (value, args, #out) = Self::__call #turbofish(#(#idents),*);
                    let scalar = ::core::marker::PhantomData;
                    (value, #pullback { args, out: #out, scalar })
                }

                #[inline]
                pub fn __parts #generics(#pb: &#pullback<#s>, #dout: #s) -> #parts_s {
                    let (#(#idents,)*) = #pb.args;
                    let #shaped = #derivative(#(#idents,)* #pb.out, <#s as #bound>::re(#dout));
                    (#(#private::Promote::<#s>::promote(#per_param),)*)
                }

                pub fn __record<'g>(#record_params) -> #private::Var<'g, #elem> {
                    #flatten
                    let [#(#flat_values),*] = #inputs.map(|v| v.value());
                    let (#(#idents,)*) = (#(#shaped_values,)*);
                    let #out = #name(#(#idents),*);
                    #graph.custom(#name_text, &#inputs, #out, move |#dout| {
                        let #shaped = #derivative(#(#idents,)* #out, #dout);
                        ::std::vec![#(#flat),*]
                    })
                }

                pub fn __derivation() -> &'static ::core::primitive::str {
                    #derivation
                }
            }

            impl #private::Callee for #name {
                type Elem = #elem;
                type Pullback<#sp: #bound> = #pullback<#sp>;
                type Twice = #private::No<custom_derivative::#name>;

                fn placeholder<#sp: #bound>() -> #pullback<#sp> {
                    let scalar = ::core::marker::PhantomData;
                    #pullback { args: (#(#zeros,)*), out: #zero, scalar }
                }
            }

            #params_impls

            // The function's name, for the compiler's message when second order is asked
            // through it; public, so that a private function's `Twice` can name it too.
            mod custom_derivative {
                #[allow(non_camel_case_types, dead_code)]
                pub struct #name {}
            }
        };
    }
}
