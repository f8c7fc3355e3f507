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
    const_generics: &[proc_macro2::Ident],
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
        generics: const_generics.to_vec(),
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
    let types: Vec<TokenStream> = params.iter().map(|p| shapes.param_type(p)).collect();
    if !const_generics.is_empty() {
        let parts = emitted_parts(items, ctor, placeholder, once_only);
        return Some(generic_companion(
            function,
            &shapes,
            &over_s,
            const_generics,
            &parts,
        ));
    }
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

/// What `emit` gave, for [`generic_companion`].
struct Parts {
    items: TokenStream,
    ctor: TokenStream,
    placeholder: TokenStream,
    once_only: TokenStream,
}

fn emitted_parts(
    items: TokenStream,
    ctor: TokenStream,
    placeholder: TokenStream,
    once_only: TokenStream,
) -> Parts {
    Parts {
        items,
        ctor,
        placeholder,
        once_only,
    }
}

/// The companion of a function with const generics, `fn f<const N: usize>(x: [f64; N])`.
/// The generated items are generic over `N`; a companion `f` of no parameters cannot
/// name their pullback, whose type depends on `N`. So the companion type `f` answers
/// `Resolve` for the shapes of a call's arguments, which give `N`, with a generic
/// companion, `__BackpropGeneric<N>`, which implements `Callee` and the associated
/// functions callers call.
fn generic_companion(
    function: &syn::ItemFn,
    shapes: &Shapes<'_>,
    over_s: &Shapes<'_>,
    generics: &[proc_macro2::Ident],
    parts: &Parts,
) -> TokenStream {
    let Parts {
        items,
        ctor,
        placeholder,
        once_only,
    } = parts;
    let private = private();
    let elem = &shapes.elem;
    let name = &function.sig.ident;
    let name_text = unraw(name);
    let strukt = companion_struct(function);
    let generic = local("__BackpropGeneric");
    let pullback = local("__BackpropPullback");
    let gp = quote!(#(const #generics: ::core::primitive::usize,)*);
    let ga = quote!(#(#generics,)*);
    let idents = shapes.idents();
    let shaped = shapes.shaped("g");
    let per_param = shapes.per_param("g");
    let hygienic = Hygienic::new();
    let Hygienic {
        pullback: pb,
        dout,
        graph,
        inputs,
        ..
    } = &hygienic;
    let (sp, bound, syntax) = scalar(elem);
    let (s, fn_generics, turbofish) = (&syntax.ty, &syntax.generics, &syntax.turbofish);
    let args_s = over_s.params();
    let parts_s = over_s.parts_type();
    let vars = Shapes {
        params: shapes.params,
        elem: quote!(#private::Var<'g, #elem>),
    };
    let record_args = vars.params();
    // The graph's inputs of the call: every scalar, arrays flattened.
    let pushes = shapes.params.iter().map(|p| {
        let ident = &p.ident;
        match p.shape.len() {
            0 => quote!(#inputs.push(#ident);),
            1 => quote!(#inputs.extend(#ident);),
            _ => quote!(#inputs.extend(#ident.into_iter().flatten());),
        }
    });
    // `Param<K>` for each parameter, and the shape each takes in `Resolve`: the first
    // array of each const length fixes it; the others take any shape.
    let param_impls = shapes.params.iter().enumerate().map(|(k, p)| {
        let k = proc_macro2::Literal::usize_unsuffixed(k);
        let ty = shapes.param_type(p);
        quote! {
            impl<#gp> #private::Param<#k> for #generic<#ga> {
                type Type = #ty;
            }
        }
    });
    let ones = generics
        .iter()
        .map(|_| proc_macro2::Literal::usize_unsuffixed(1));
    let mut fixed: Vec<String> = Vec::new();
    let mut free = Vec::new();
    let shape_args: Vec<TokenStream> = shapes
        .params
        .iter()
        .enumerate()
        .map(|(k, p)| {
            if let Some(named) = &p.named {
                let text = named.code.to_string();
                if !fixed.contains(&text) {
                    fixed.push(text);
                    let len = &named.code;
                    return quote!([(); #len]);
                }
            }
            let m = local(&format!("M{k}"));
            free.push(m.clone());
            quote!(#m)
        })
        .collect();
    quote! {
        #strukt

        const _: () = {
            #items

            #[doc(hidden)]
            #[allow(non_camel_case_types, dead_code, unreachable_pub)]
            pub struct #generic<#gp> {}

            #[allow(non_snake_case, clippy::too_many_arguments, clippy::large_stack_arrays)]
            impl<#gp> #generic<#ga> {
                #[inline]
                pub fn __value #fn_generics(#args_s) -> #s {
                    (#ctor).__value #turbofish(#(#idents),*)
                }

                #[inline]
                pub fn __forward #fn_generics(#args_s) -> (#s, #pullback<#ga #s>) {
                    (#ctor).__forward #turbofish(#(#idents),*)
                }

                #[inline]
                pub fn __parts #fn_generics(#pb: &#pullback<#ga #s>, #dout: #s) -> #parts_s {
                    let #shaped = #pb.backward(#dout);
                    (#(#per_param,)*)
                }

                pub fn __record<'g>(
                    #graph: &'g #private::Graph<#elem>,
                    #record_args
                ) -> #private::Var<'g, #elem> {
                    let mut #inputs = ::std::vec::Vec::new();
                    #(#pushes)*
                    #graph.call(#name_text, &#inputs, |#graph, _| {
                        (#ctor).__record_shaped(#graph, #(#idents),*)
                    })
                }

                pub fn __derivation() -> &'static ::core::primitive::str {
                    (#ctor).derivation()
                }
            }

            impl<#gp> #private::Callee for #generic<#ga> {
                type Elem = #elem;
                type Pullback<#sp: #bound> = #pullback<#ga #sp>;
                type Twice = #once_only;

                fn placeholder<#sp: #bound>() -> #pullback<#ga #sp> {
                    #placeholder
                }
            }

            #(#param_impls)*

            impl<#gp #(#free,)*> #private::Resolve<(#(#shape_args,)*)> for #name {
                type Companion = #generic<#ga>;
            }

            // The function itself, which generated code never calls, counts as used.
            const _: () = {
                let _ = #name::<#(#ones),*>;
            };
        };
    }
}
