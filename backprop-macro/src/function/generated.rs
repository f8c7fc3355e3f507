//! The companion of a function whose body is differentiated: the items `grad!` generates
//! for the same parameters and body, and the associated functions callers use.

use proc_macro2::TokenStream;
use quote::quote;

use super::{companion_struct, elem_tokens, param_impls, scalar, Hygienic, Shapes};
use crate::emit::private;
use crate::errors::Errors;
use crate::input::{Form, Input, Param};
use crate::ir::Elem;
use crate::names::{local, unraw};

/// The companion of a function whose body is differentiated: the items `grad!` generates
/// for the same parameters and body.
pub(super) fn generated_companion(
    function: &syn::ItemFn,
    params: Vec<Param>,
    elem: Elem,
    errors: &mut Errors,
) -> Option<TokenStream> {
    let input = Input {
        form: Form::Closure,
        params: params.clone(),
        elem,
        body: syn::Expr::Block(syn::ExprBlock {
            attrs: Vec::new(),
            label: None,
            block: (*function.block).clone(),
        }),
        function: Some(function.sig.ident.clone()),
        constants: 0,
    };
    let program = crate::lower::lower(&input, errors)?;
    let plan = crate::sweep::plan(&program);
    let names = crate::names::ValueNames::new(&program);
    let lines = crate::derivation::lines(&program, &plan, &names);
    let emitted = crate::emit::emit(&program, &plan, names, &lines);
    let (items, ctor, placeholder, once_only) = (
        emitted.items,
        emitted.ctor,
        emitted.placeholder,
        emitted.once_only,
    );

    let private = private();
    let shapes = Shapes {
        params: &params,
        elem: elem_tokens(elem),
    };
    let elem = &shapes.elem;
    let name = &function.sig.ident;
    let name_text = unraw(name);
    let pullback = local("__BackpropPullback");
    let idents = shapes.idents();
    let shaped = shapes.shaped("g");
    let per_param = shapes.per_param("g");
    let strukt = companion_struct(function);
    let params_impls = param_impls(&shapes, name);
    let hygienic = Hygienic::new();
    let Hygienic {
        pullback: pb,
        dout,
        graph,
        inputs,
        ..
    } = &hygienic;
    let (record_params, flatten) = hygienic.record_params(&shapes);
    let (sp, bound, syntax) = scalar(elem);
    let (s, generics, turbofish) = (&syntax.ty, &syntax.generics, &syntax.turbofish);
    let over_s = Shapes {
        params: &params,
        elem: s.clone(),
    };
    let args_s = over_s.params();
    let parts_s = over_s.parts_type();
    let types: Vec<TokenStream> = params.iter().map(|p| shapes.param_type(&p.shape)).collect();
    Some(quote! {
        #strukt

        const _: () = {
            #items

            #[allow(non_snake_case, clippy::too_many_arguments, clippy::large_stack_arrays)]
            impl #name {
                #[inline]
                pub fn __value #generics(#args_s) -> #s {
                    (#ctor).__value #turbofish(#(#idents),*)
                }

                #[inline]
                pub fn __forward #generics(#args_s) -> (#s, #pullback<#s>) {
                    (#ctor).__forward #turbofish(#(#idents),*)
                }

                #[inline]
                pub fn __parts #generics(#pb: &#pullback<#s>, #dout: #s) -> #parts_s {
                    let #shaped = #pb.backward(#dout);
                    (#(#per_param,)*)
                }

                pub fn __record<'g>(#record_params) -> #private::Var<'g, #elem> {
                    #flatten
                    #graph.call(#name_text, &#inputs, |#graph, _| {
                        #private::Differentiable::record(&(#ctor), #graph, #inputs)
                    })
                }

                pub fn __derivation() -> &'static ::core::primitive::str {
                    (#ctor).derivation()
                }
            }

            impl #private::Callee for #name {
                type Elem = #elem;
                type Pullback<#sp: #bound> = #pullback<#sp>;
                type Twice = #once_only;

                fn placeholder<#sp: #bound>() -> #pullback<#sp> {
                    #placeholder
                }
            }

            #params_impls

            // The function itself, which generated code no longer calls, counts as used.
            const _: fn(#(#types),*) -> #elem = #name;

            // The pullback's size, computed here so that recursion through other
            // functions (whose pullbacks would contain each other) is reported where the
            // functions are defined, not where they are first used.
            const _: usize = ::core::mem::size_of::<#pullback<#elem>>();
        };
    })
}
