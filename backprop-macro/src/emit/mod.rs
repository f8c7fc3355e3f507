//! Stage 4, emit: the SSA list and its reverse sweep as straight-line Rust.
//!
//! Input: `(x + y) * z`. Output (abridged; `P` is `::backprop::__private`, and absolute
//! paths such as `::core::primitive::f64` shortened to `f64`):
//!
//! ```text
//! {
//!     #[derive(Clone, Copy, Debug)]
//!     pub struct __BackpropGrad {}
//!     #[derive(Clone, Copy, Debug)]
//!     pub struct __BackpropPullback { saved: [f64; 2] }
//!     impl __BackpropGrad {
//!         pub fn value(&self, x: f64, y: f64, z: f64) -> f64 {
//!             let t0 = x + y;
//!             t0 * z
//!         }
//!         pub fn forward(&self, x: f64, y: f64, z: f64) -> (f64, __BackpropPullback) {
//!             let t0 = x + y;
//!             let out = t0 * z;
//!             (out, __BackpropPullback { saved: [t0, z] })
//!         }
//!         pub fn value_and_grad(&self, x: f64, y: f64, z: f64) -> (f64, [f64; 3]) {
//!             // forward's statements, then backward's with dout = 1 (see FUSED_LIMIT)
//!         }
//!         // grad, inputs, derivation
//!     }
//!     impl __BackpropPullback {
//!         pub fn backward(&self, dout: f64) -> [f64; 3] {
//!             let [t0, z] = self.saved;
//!             let d_t0 = dout * z;
//!             let d_z = dout * t0;
//!             let d_x = d_t0;
//!             let d_y = d_t0;
//!             [d_x, d_y, d_z]
//!         }
//!     }
//!     // impl P::Differentiable<f64, 3> for __BackpropGrad, including `record`,
//!     // and impl P::Pullback<f64, 3> for __BackpropPullback
//!     __BackpropGrad {}
//! }
//! ```

mod backward;
mod body;
mod call;
mod code;
mod flat;
mod forward;
mod generics;
mod inner;
mod record;
mod rolled;
mod shown;
mod trace;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::derivation::Line;
use crate::ir::Program;
use crate::names::{local, ValueNames};
use crate::sweep::Plan;

pub use code::{nest, private, Code, ScalarSyntax, SECOND_ORDER};

/// Up to this many operations, `value_and_grad` runs the statements of `forward` and of
/// `backward(1)` written out in one body; above it, it calls the two.
///
/// One body is what a person would write, and it builds faster: a pullback of thousands
/// of saved values is an array that LLVM copies and spills value by value, which made the
/// release build of a 10,000-call chain `x.sin().sin()...` take 23 s instead of 9 s
/// (BENCHMARKS.md). But one body also hands LLVM every dependency chain whole, and
/// LLVM's reassociation pass ranks a value by recursing through its operands: a chain of
/// 30,000 calls (`x.sin().cos()...`) overflows the compiler's stack, as the same code
/// written by hand does (20,000 already does; 15,000 builds). Passing through the
/// pullback's memory cuts the chain, so long programs keep it.
const FUSED_LIMIT: usize = 12_000;

/// Up to this many operations, `trace` records every step; above it, only the value and
/// the gradient (and how many steps it left out). A traced pass is a second copy of the
/// forward and backward statements, which every build type-checks: for 10,000
/// operations it took a release build from 14.7 s to 26.7 s (BENCHMARKS.md), for a
/// printout of 20,000 lines.
const TRACE_LIMIT: usize = 2_000;

/// The whole expansion of one `grad!`.
pub fn emit(program: &Program, plan: &Plan, names: ValueNames, lines: &[Line]) -> Emitted {
    emit_named(program, plan, names, lines, "__Backprop")
}

/// The expansion of a program whose two types are `{prefix}Grad` and
/// `{prefix}Pullback`: one `grad!`'s, or the body of a loop that stays a loop.
fn emit_named(
    program: &Program,
    plan: &Plan,
    names: ValueNames,
    lines: &[Line],
    prefix: &str,
) -> Emitted {
    let derivation = crate::derivation::text(program, &names, lines);
    let mut code = Code::new(program, plan, names, prefix);
    let elem = code.elem();
    let n = program.flat_len_tokens();
    let private = code::private();
    let grad_ty = local(&format!("{prefix}Grad"));
    let pullback_ty = local(&format!("{prefix}Pullback"));
    let rolled_items: TokenStream = program
        .rolled
        .iter()
        .map(|r| rolled::items(r, &elem, &code.item_params, &code.item_args))
        .collect();

    let params = code.params();
    let grad = code.grad_type();
    let one = code.literal(1.0);
    // `value`, `forward`, `backward` and `value_and_grad` are written once, generic over
    // the scalar (with the `second-order` feature): the element type for first order,
    // dual numbers for forward mode and second order. `trace` and `record` are in the
    // element type.
    code.set_generic(SECOND_ORDER);
    let bound = code.scalar_bound();
    let syntax = ScalarSyntax::new(&elem, &bound);
    let ScalarSyntax {
        ty: s,
        generics,
        turbofish,
        turbofish_elem,
    } = &syntax;
    // The pullback's own type parameter, which `Callee::Pullback<S>` names whether or not
    // the passes are generic.
    let sp = Code::scalar_param();
    let params_s = code.params();
    let grad_s = code.grad_type();
    let one_s = code.literal(1.0);
    let flat_grad = quote!([#elem; #n]);
    let param_idents: Vec<&proc_macro2::Ident> = program.params.iter().map(|p| &p.ident).collect();
    let inputs_body = code.inputs_body();
    // The flat view of the `Differentiable` impl: the inputs' locals, and the parameters
    // built from them, or the gradient taken apart into them.
    let args = local(&code.names().inputs);
    let flat_bindings = code.flat_bindings(&args, None);
    let shaped_args = code.shaped_args(&args);

    let value_body = code.value_body();
    let (forward_stmts, out) = code.forward_body();
    let backward_stmts = code.backward_body();
    let saved = code.saved();
    let (saved_names, ints, bools) = (saved.floats, saved.ints, saved.bools);
    // The callees' pullbacks, one array per callee.
    let (mut calls_field, mut calls_init, mut calls_read) =
        (TokenStream::new(), TokenStream::new(), TokenStream::new());
    for (k, pullbacks) in saved.calls.iter().enumerate() {
        if pullbacks.is_empty() {
            continue;
        }
        let field = local(&format!("calls{k}"));
        let alias = code.alias_ty(k);
        let len = Literal::usize_unsuffixed(pullbacks.len());
        calls_field.extend(quote!(#field: [<#alias as #private::Callee>::Pullback<#sp>; #len],));
        calls_init.extend(quote!(#field: [#(#pullbacks),*],));
        calls_read.extend(quote!(let [#(#pullbacks),*] = self.#field;));
    }
    let aliases = code.callee_aliases();
    let derivation = if program.callees.is_empty() {
        quote!(#derivation)
    } else {
        // The caller's steps, then each callee's own, built once on first use.
        // One section per function: a function with const generics called at two
        // lengths is two callees of the same text.
        let mut seen = Vec::new();
        let firsts: Vec<(usize, &crate::ir::Callee)> = program
            .callees
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                let first = !seen.contains(&&c.text);
                seen.push(&c.text);
                first
            })
            .collect();
        let sections = firsts.into_iter().map(|(k, callee)| {
            let alias = code.alias_path(k);
            let header = format!("\n{}:\n", callee.text);
            quote! {
                text.push_str(#header);
                text.push_str(#alias::__derivation());
            }
        });
        quote! {
            static TEXT: ::std::sync::OnceLock<::std::string::String> = ::std::sync::OnceLock::new();
            TEXT.get_or_init(|| {
                let mut text = ::std::string::String::from(#derivation);
                #(#sections)*
                text
            })
        }
    };
    code.set_generic(false);
    let str_ty = quote!(::core::primitive::str);
    let record_body = code.record_body();
    // Without a flat view, the companion of a function with const generics records
    // through the parameters as written.
    let record_shaped = if code.is_generic_item() {
        let body = code.record_shaped_body();
        let var = quote!(#private::Var<'g, #elem>);
        let params = program.params.iter().map(|p| {
            let ident = &p.ident;
            let ty = if p.named.is_some() {
                let len = p.len_tokens();
                quote!([#var; #len])
            } else {
                p.shape.iter().rev().fold(var.clone(), |inner, &len| {
                    let len = Literal::usize_unsuffixed(len);
                    quote!([#inner; #len])
                })
            };
            quote!(#ident: #ty)
        });
        let graph = local(&code.names().graph);
        quote! {
            #[doc(hidden)]
            pub fn __record_shaped<'g>(
                &self,
                #graph: &'g #private::Graph<#elem>,
                #(#params),*
            ) -> #var {
                #body
            }
        }
    } else {
        TokenStream::new()
    };
    let trace_body = if program.ops().count() <= TRACE_LIMIT && !code.any_whole() {
        code.trace_body(lines)
    } else if code.any_whole() {
        // The value and gradient of value_and_grad, the inputs read out of the parameters
        // in one expression each.
        let steps = Literal::usize_unsuffixed(lines.len());
        let (value, gradient, names, values) = (
            local("value"),
            local("gradient"),
            local("names"),
            local("values"),
        );
        let params = match param_idents.as_slice() {
            [one] => quote!(#one),
            many => quote!((#(#many),*)),
        };
        let flat_values = code.flat_from_shaped(params);
        let flat = code.flat_from_shaped(quote!(#gradient));
        let k = local("k");
        quote! {
            let #names = self.inputs();
            let #values: [#elem; #n] = #flat_values;
            let inputs: [(&'static #str_ty, #elem); #n] =
                ::core::array::from_fn(|#k| (#names[#k], #values[#k]));
            let (#value, #gradient) = self.value_and_grad(#(#param_idents),*);
            #private::Trace::untraced(&inputs, #one, #steps).finish(#value, &#flat)
        }
    } else {
        // The value and gradient of value_and_grad, and how many steps went untraced.
        let inputs = (0..program.inputs.len()).map(|k| {
            let name = program.input_name(k);
            let input = &program.inputs[k];
            let ident = &program.params[input.param].ident;
            let index = input.index.iter().map(|&i| Literal::usize_unsuffixed(i));
            quote!((#name, #ident #([#index])*))
        });
        let steps = Literal::usize_unsuffixed(lines.len());
        let value = local("value");
        let gradient = local("gradient");
        let flat = code.flat_from_shaped(quote!(#gradient));
        quote! {
            let inputs = [#(#inputs),*];
            let (#value, #gradient) = self.value_and_grad(#(#param_idents),*);
            #private::Trace::untraced(&inputs, #one, #steps).finish(#value, &#flat)
        }
    };

    code.set_generic(SECOND_ORDER);
    let dout = local(&code.names().dout);
    let value_and_grad_body = if program.ops().count() <= FUSED_LIMIT {
        quote! {
            #forward_stmts
            let #dout: #s = #one_s;
            (#out, { #backward_stmts })
        }
    } else {
        let value = local("value");
        let pullback = local("pullback");
        quote! {
            let (#value, #pullback) = self.__forward #turbofish(#(#param_idents),*);
            (#value, #pullback.backward(#one_s))
        }
    };
    let saved_len = Literal::usize_unsuffixed(saved_names.len());
    let ints_len = Literal::usize_unsuffixed(ints.len());
    let (saved_field, saved_init, saved_read) = if saved_names.is_empty() {
        (quote!(), quote!(), quote!())
    } else {
        (
            quote!(saved: [#sp; #saved_len],),
            quote!(saved: [#(#saved_names),*],),
            quote!(let [#(#saved_names),*] = self.saved;),
        )
    };
    let (ints_field, ints_init, ints_read) = if ints.is_empty() {
        (quote!(), quote!(), quote!())
    } else {
        (
            quote!(ints: [::core::primitive::i32; #ints_len],),
            quote!(ints: [#(#ints),*],),
            quote!(let [#(#ints),*] = self.ints;),
        )
    };
    let value_local = local("value");
    let grad_local = local("gradient");
    let flat_backward = code.flat_from_shaped(quote!(#pullback_ty::<#elem>::backward(self, #dout)));
    let flat_value_and_grad = code.flat_from_shaped(quote!(#grad_local));
    let bools_len = Literal::usize_unsuffixed(bools.len());
    // A pullback that is never pulled back, for a caller's arm not taken: generic over
    // the scalar whatever the passes are, as `Callee::placeholder` is.
    code.set_generic(true);
    let placeholder = {
        let zero = code.literal(0.0);
        let mut fields = TokenStream::new();
        if !saved_names.is_empty() {
            fields.extend(quote!(saved: [#zero; #saved_len],));
        }
        if !ints.is_empty() {
            fields.extend(quote!(ints: [0; #ints_len],));
        }
        if !bools.is_empty() {
            fields.extend(quote!(bools: [false; #bools_len],));
        }
        for (k, pullbacks) in saved.calls.iter().enumerate() {
            if !pullbacks.is_empty() {
                let field = local(&format!("calls{k}"));
                let inner = code.pullback_placeholder(k);
                let len = Literal::usize_unsuffixed(pullbacks.len());
                fields.extend(quote!(#field: [#inner; #len],));
            }
        }
        quote!(#pullback_ty { #fields scalar: ::core::marker::PhantomData })
    };
    code.set_generic(SECOND_ORDER);
    let (bools_field, bools_init, bools_read) = if bools.is_empty() {
        (quote!(), quote!(), quote!())
    } else {
        (
            quote!(bools: [::core::primitive::bool; #bools_len],),
            quote!(bools: [#(#bools),*],),
            quote!(let [#(#bools),*] = self.bools;),
        )
    };
    let (fields, init) = code.captured_fields();
    let graph = local(&code.names().graph);

    let str = quote!(::core::primitive::str);
    let derives = quote!(
        ::core::clone::Clone,
        ::core::marker::Copy,
        ::core::fmt::Debug
    );

    // `Yes`, or the first callee's `No<f>`: whether it can be differentiated twice.
    let once_only =
        program
            .callees
            .iter()
            .enumerate()
            .rev()
            .fold(quote!(#private::Yes), |rest, (k, _)| {
                let alias = code.alias_ty(k);
                quote!(<<#alias as #private::Callee>::Twice as #private::Both<#rest>>::Out)
            });
    let flat_s = quote!([#s; #n]);
    let flat_value_and_grad_s = code.flat_from_shaped(quote!(#grad_local));
    let higher_order = if SECOND_ORDER {
        quote! {
            #[allow(non_snake_case, clippy::large_stack_arrays)]
            impl #private::HigherOrder<#elem, #n> for #grad_ty {
                type Twice = #once_only;

                #[inline]
                fn value_in #generics(&self, #args: #flat_s) -> #s {
                    #flat_bindings
                    #grad_ty::__value::<#s>(self, #(#shaped_args),*)
                }

                #[inline]
                fn value_and_grad_in #generics(&self, #args: #flat_s) -> (#s, #flat_s) {
                    #flat_bindings
                    let (#value_local, #grad_local) =
                        #grad_ty::__value_and_grad::<#s>(self, #(#shaped_args),*);
                    (#value_local, #flat_value_and_grad_s)
                }
            }
        }
    } else {
        TokenStream::new()
    };

    // The const generic parameters of a `#[differentiable]` function, which every item is
    // generic over; its flat view (`Differentiable<T, M>`) would need `M` computed from
    // them, which a stable compiler does not allow in a type, so it has none.
    let (gp, ga) = (&code.item_params, &code.item_args);
    let item_generics = code.item_generics();
    let grad_ty_t = code.item_ty(&grad_ty);
    let grad_path = code.item_path(&grad_ty);
    let pullback_default = code.item_ty(&pullback_ty);
    let impl_s = if SECOND_ORDER {
        quote!(<#gp #sp: #bound>)
    } else {
        code.item_generics()
    };
    let flat = !code.is_generic_item();
    let flat_methods = if flat {
        quote! {
            /// The input names, in argument order.
            #[must_use]
            pub fn inputs(&self) -> [&'static #str; #n] {
                #inputs_body
            }

            /// One forward and one backward pass at this point, each step of the
            /// derivation with its numbers; the same statements as `value_and_grad`.
            #[inline]
            #[must_use]
            pub fn trace(&self, #params) -> #private::Trace<#elem> {
                #trace_body
            }
        }
    } else {
        TokenStream::new()
    };
    let flat_impls = if flat {
        quote! {
            impl #private::Pullback<#elem, #n> for #pullback_ty<#elem> {
                #[inline]
                fn backward(&self, #dout: #elem) -> #flat_grad {
                    #flat_backward
                }
            }

            #[allow(non_snake_case, clippy::large_stack_arrays)]
            impl #private::Differentiable<#elem, #n> for #grad_ty {
                type Pullback = #pullback_ty<#elem>;

                #[inline]
                fn value(&self, #args: [#elem; #n]) -> #elem {
                    #flat_bindings
                    #grad_ty::value(self, #(#shaped_args),*)
                }

                #[inline]
                fn forward(&self, #args: [#elem; #n]) -> (#elem, #pullback_ty<#elem>) {
                    #flat_bindings
                    #grad_ty::forward(self, #(#shaped_args),*)
                }

                #[inline]
                fn value_and_grad(&self, #args: [#elem; #n]) -> (#elem, #flat_grad) {
                    #flat_bindings
                    let (#value_local, #grad_local) = #grad_ty::value_and_grad(self, #(#shaped_args),*);
                    (#value_local, #flat_value_and_grad)
                }

                fn inputs(&self) -> [&'static #str; #n] {
                    #grad_ty::inputs(self)
                }

                fn record<'g>(
                    &self,
                    #graph: &'g #private::Graph<#elem>,
                    #args: [#private::Var<'g, #elem>; #n],
                ) -> #private::Var<'g, #elem> {
                    #record_body
                }
            }

            #higher_order
        }
    } else {
        TokenStream::new()
    };

    let items = quote! {
        #rolled_items
        #aliases

        #[derive(#derives)]
        pub struct #grad_ty #item_generics { #fields }

        #[derive(#derives)]
        pub struct #pullback_ty<#gp #sp: #bound = #elem> {
            #saved_field #ints_field #bools_field #calls_field
            scalar: ::core::marker::PhantomData<#sp>,
        }

        // The inputs are the user's names, so their case and count are the user's choice;
        // `&self` keeps one calling convention for every generated function, even those
        // that capture nothing.
        #[allow(
            non_snake_case,
            clippy::too_many_arguments,
            clippy::many_single_char_names,
            clippy::unused_self,
            clippy::trivially_copy_pass_by_ref,
            clippy::neg_multiply,
            clippy::large_stack_arrays
        )]
        impl #item_generics #grad_ty_t {
            /// The expression's value.
            #[inline]
            #[must_use]
            pub fn value(&self, #params) -> #elem {
                self.__value #turbofish_elem(#(#param_idents),*)
            }

            /// The value and a pullback holding the saved intermediates.
            #[inline]
            #[must_use]
            pub fn forward(&self, #params) -> (#elem, #pullback_default) {
                self.__forward #turbofish_elem(#(#param_idents),*)
            }

            /// The value and the gradient: `forward`, then `backward(1)`.
            #[inline]
            #[must_use]
            pub fn value_and_grad(&self, #params) -> (#elem, #grad) {
                self.__value_and_grad #turbofish_elem(#(#param_idents),*)
            }

            /// The gradient.
            #[inline]
            #[must_use]
            pub fn grad(&self, #params) -> #grad {
                self.value_and_grad(#(#param_idents),*).1
            }

            #flat_methods
            #record_shaped

            /// The unrolled forward and backward steps, as text.
            #[must_use]
            pub fn derivation(&self) -> &'static #str {
                #derivation
            }

            #[doc(hidden)]
            #[inline]
            pub fn __value #generics(&self, #params_s) -> #s {
                #value_body
            }

            #[doc(hidden)]
            #[inline]
            pub fn __forward #generics(&self, #params_s) -> (#s, #pullback_ty<#ga #s>) {
                #forward_stmts
                (#out, #pullback_ty {
                    #saved_init #ints_init #bools_init #calls_init
                    scalar: ::core::marker::PhantomData,
                })
            }

            #[doc(hidden)]
            #[inline]
            pub fn __value_and_grad #generics(&self, #params_s) -> (#s, #grad_s) {
                #value_and_grad_body
            }
        }

        // The saved values include inputs, bound by the user's names.
        // `neg_multiply`: a literal -1 of the body, or an unrolled `-(i as f64)`, is
        // multiplied as written.
        // `large_stack_arrays`: a pullback holds the tape of a loop that stays a loop.
        #[allow(
            non_snake_case,
            clippy::trivially_copy_pass_by_ref,
            clippy::neg_multiply,
            clippy::large_stack_arrays
        )]
        impl #impl_s #pullback_ty<#ga #s> {
            /// Each input's gradient times `dout`.
            #[inline]
            #[must_use]
            pub fn backward(&self, #dout: #s) -> #grad_s {
                #saved_read
                #ints_read
                #bools_read
                #calls_read
                #backward_stmts
            }
        }

        #flat_impls
    };
    Emitted {
        items,
        ctor: quote!(#grad_path { #init }),
        placeholder,
        once_only,
    }
}

/// The generated items of one `grad!`, and the expression that builds its value.
pub struct Emitted {
    pub items: TokenStream,
    pub ctor: TokenStream,
    /// A pullback of zeros over the scalar parameter, for the companion of a
    /// `#[differentiable]` function.
    pub placeholder: TokenStream,
    /// `Yes`, or `No<f>` naming a function with a custom derivative it calls.
    pub once_only: TokenStream,
}

impl Emitted {
    /// The block `grad!` expands to.
    pub fn block(self) -> TokenStream {
        let Emitted { items, ctor, .. } = self;
        quote!({ #items #ctor })
    }
}
