//! A loop that stays a loop (`lower/roll/`), as the callee the enclosing program calls:
//! the body's own generated items, and a companion with the associated functions of
//! every callee (`__value`, `__forward`, `__parts`, `__record`, `__derivation`) that run
//! the loop at run time.
//!
//! A sum, `for i in 0..n { s += e(x[i], x[i + 1], w) }` (abridged; `S` the scalar). Its
//! gradient is the sum of the terms' gradients, times the adjoint the call receives, so
//! the forward pass adds the terms' gradients for an adjoint of 1 as it goes, in one
//! pass, as a hand-written gradient does, and the pullback keeps only those sums:
//!
//! ```text
//! fn __forward(acc: S, w: S, a0: [S; n + 1]) -> (S, Pullback<S>) {
//!     let (mut acc, mut d_w, mut d_a0) = (acc, 0, [0; n + 1]);
//!     for j in 0..n {
//!         let i = j + 0;
//!         let (e, g) = body.__value_and_grad(a0[i], a0[i + 1], w);
//!         acc = acc + e;
//!         d_a0[i] = d_a0[i] + g[0];
//!         d_a0[i + 1] = d_a0[i + 1] + g[1];
//!         d_w = d_w + g[2];
//!     }
//!     (acc, Pullback { inv: [d_w], arr0: d_a0 })
//! }
//! fn __parts(pb: &Pullback<S>, dout: S) -> (S, S, [S; n + 1]) {
//!     (dout, dout * pb.inv[0], from_fn(|m| dout * pb.arr0[m]))
//! }
//! ```
//!
//! A recurrence, `for i in 0..n { h = e(h, x[i], w) }`: each iteration's gradient needs
//! the adjoint of its new `h`, known only once the later iterations are pulled back. The
//! forward pass keeps one pullback of the body per iteration, in an array of fixed size
//! (no allocation); the backward pass is the reversed loop, carrying `d_h`:
//!
//! ```text
//! fn __forward(acc: S, w: S, a0: [S; n]) -> (S, Pullback<S>) {
//!     let mut acc = acc;
//!     let tape = from_fn(|j| {                // j = 0, 1, ..., n - 1, in order
//!         let (e, pb) = body.__forward(acc, a0[j], w);
//!         acc = e;
//!         pb
//!     });
//!     (acc, Pullback { tape })
//! }
//! fn __parts(pb: &Pullback<S>, dout: S) -> (S, S, [S; n]) {
//!     let (mut d_h, mut d_w, mut d_a0) = (dout, 0, [0; n]);
//!     for j in (0..n).rev() {
//!         let g = pb.tape[j].backward(d_h);   // d new h / d (h, x[i], w)
//!         d_a0[j] = d_a0[j] + g[1];
//!         d_w = d_w + g[2];
//!         d_h = g[0];
//!     }
//!     (d_h, d_w, d_a0)
//! }
//! ```
//!
//! Either way the value is computed in the same order as the unrolled loop's, so it is
//! the same bit for bit.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::{private, ScalarSyntax, SECOND_ORDER};
use crate::ir::{Elem, Rolled};
use crate::names::local;

/// The items of one loop that stays a loop.
/// `gp` and `ga` are the enclosing program's const generic parameters (`const N: usize,`)
/// and their arguments (`N,`), which every item of the loop is generic over too.
pub fn items(
    rolled: &Rolled,
    elem: &TokenStream,
    gp: &TokenStream,
    ga: &TokenStream,
) -> TokenStream {
    let body = &rolled.body;
    let plan = crate::sweep::plan(body);
    let names = crate::names::ValueNames::new(body);
    let lines = crate::derivation::lines(body, &plan, &names);
    let prefix = format!("{}Body", rolled.ident);
    let body_text = crate::derivation::text(body, &names, &lines);
    let body_text = super::shown::rolled_body(rolled, body_text);
    let shift = usize::from(rolled.carried);
    let emitted = super::emit_named(body, &plan, names, &lines, &prefix);
    let (body_items, body_ctor, body_placeholder, once_only) = (
        emitted.items,
        emitted.ctor,
        emitted.placeholder,
        emitted.once_only,
    );

    let private = private();
    let bound = quote!(#private::Scalar<#elem>);
    let syntax = ScalarSyntax::new(elem, &bound);
    let ScalarSyntax {
        ty: s,
        generics,
        turbofish,
        ..
    } = &syntax;
    let sp = super::Code::scalar_param();
    let name = &rolled.ident;
    let (item_generics, name_t) = if gp.is_empty() {
        (TokenStream::new(), quote!(#name))
    } else {
        (quote!(<#gp>), quote!(#name<#ga>))
    };
    let pullback = format_ident!("{}Pullback", rolled.ident);
    let body_pullback = format_ident!("{}Pullback", prefix);
    let trip_count = crate::lower::roll::trip_tokens(&rolled.start, &rolled.end);
    let trip_type = crate::lower::roll::trip_type_tokens(&rolled.start, &rolled.end);
    let start = crate::lower::roll::bound_tokens(&rolled.start);

    // The arguments: the accumulator, the invariants, the arrays.
    let acc = local("acc");
    let invariants: Vec<Ident> = (0..rolled.invariants.len())
        .map(|k| local(&format!("inv{k}")))
        .collect();
    let arrays: Vec<Ident> = (0..rolled.arrays.len())
        .map(|k| local(&format!("arr{k}")))
        .collect();
    let lens: Vec<&TokenStream> = rolled.arrays.iter().map(|(_, len)| len).collect();
    let datas: Vec<Ident> = (0..rolled.data.len())
        .map(|k| local(&format!("data{k}")))
        .collect();
    let params_over = |ty: &TokenStream| {
        quote! {
            #acc: #ty,
            #(#invariants: #ty,)*
            #(#arrays: [#ty; #lens],)*
            #(#datas: [#ty; #trip_type],)*
        }
    };
    let params_s = params_over(s);
    let d_invariants: Vec<Ident> = (0..rolled.invariants.len())
        .map(|k| local(&format!("d_inv{k}")))
        .collect();
    let d_arrays: Vec<Ident> = (0..rolled.arrays.len())
        .map(|k| local(&format!("d_arr{k}")))
        .collect();
    let i = local("i");
    let j = local("j");
    let (e, body_var, tape, zero, d_e) = (
        local("e"),
        local("body"),
        local("tape"),
        local("zero"),
        local("d_e"),
    );
    // The body's arguments in one iteration: the elements, then the invariants.
    let elements: Vec<TokenStream> = rolled
        .gathers
        .iter()
        .map(|(array, index, _, _)| {
            let array = &arrays[*array];
            quote!(#array[#index])
        })
        .collect();
    let carried_acc = if rolled.carried {
        quote!(#acc,)
    } else {
        TokenStream::new()
    };
    // The loop variable as a number, `(i + c) as T`, computed as the unrolled form's
    // literal is (through `i64`, so `i - 1` at 0 is -1).
    let counter_values: Vec<TokenStream> = rolled
        .counters
        .iter()
        .map(|(code, _)| quote!(((#code) as #elem)))
        .collect();
    let counters_s: Vec<TokenStream> = counter_values
        .iter()
        .map(|v| {
            if SECOND_ORDER {
                quote!(<#s as #bound>::lit(#v))
            } else {
                v.clone()
            }
        })
        .collect();
    let g = local("g");
    let graph = local("graph");
    let inner = super::inner::code(
        rolled,
        &super::inner::Context {
            elem,
            s,
            bound: &bound,
            turbofish,
            arrays: &arrays,
            invariants: &invariants,
            d_arrays: &d_arrays,
            d_invariants: &d_invariants,
            g: &g,
            first: shift + rolled.gathers.len() + rolled.body_invariants,
            subtract: rolled.subtract && !rolled.carried,
            graph: &graph,
        },
    );
    let inner_bind = &inner.bind;
    // Whether the loop can be differentiated twice: its body and every term can.
    let once_only = inner.once_only.iter().fold(
        once_only,
        |rest, term| quote!(<#term as #private::Both<#rest>>::Out),
    );
    let body_invariants = &invariants[..rolled.body_invariants];
    let sums = &inner.values;
    let body_args = quote!(
        #carried_acc #(#elements,)* #(#body_invariants,)* #(#sums,)* #(#datas[#j],)*
        #(#counters_s,)*
    );
    let combine = if rolled.carried {
        quote!(#acc = #e;)
    } else if rolled.subtract {
        quote!(#acc = #acc - #e;)
    } else {
        quote!(#acc = #acc + #e;)
    };

    // The backward sweep of one iteration: the body's gradient, added into the arrays'
    // and the invariants' adjoints.
    let elem_zero = match rolled.body.elem {
        Elem::F64 => quote!(0.0_f64),
        Elem::F32 => quote!(0.0_f32),
    };
    let zero_value = if SECOND_ORDER {
        quote!(<#s as #bound>::lit(#elem_zero))
    } else {
        elem_zero.clone()
    };
    let mut adds = TokenStream::new();
    for (k, (array, index, _, _)) in rolled.gathers.iter().enumerate() {
        let array = &d_arrays[*array];
        let place = quote!(#array[#index]);
        let k = Literal::usize_unsuffixed(shift + k);
        adds.extend(quote!(#place = #place + #g[#k];));
    }
    for (k, d) in d_invariants.iter().take(rolled.body_invariants).enumerate() {
        let at = Literal::usize_unsuffixed(shift + rolled.gathers.len() + k);
        adds.extend(quote!(#d = #d + #g[#at];));
    }
    let dout = local("dout");
    let pb = local("pb");
    // The adjoint each iteration is pulled back by: the same `dout` (negated for `-=`)
    // for a sum; for a recurrence, the adjoint of its new `s`, which the iteration
    // carries back to the old one.
    let d_e_value = if rolled.carried {
        quote!(#dout)
    } else if rolled.subtract {
        quote!(-#dout)
    } else {
        quote!(#dout)
    };
    let (d_e_decl, carry_back, d_acc_out) = if rolled.carried {
        (
            quote!(let mut #d_e = #d_e_value;),
            quote!(#d_e = #g[0];),
            quote!(#d_e),
        )
    } else {
        (
            quote!(let #d_e = #d_e_value;),
            TokenStream::new(),
            quote!(#dout),
        )
    };
    let parts_type = {
        let arrays = lens.iter().map(|len| quote!([#s; #len]));
        let scalars = std::iter::repeat_n(s, rolled.invariants.len());
        quote!((#s, #(#scalars,)* #(#arrays,)*))
    };

    // The runtime graph: the body recorded once per iteration, inside one call.
    let var = quote!(#private::Var<'g, #elem>);
    let record_params = params_over(&var);
    let inputs = local("inputs");
    let record_elements: Vec<TokenStream> = rolled
        .gathers
        .iter()
        .map(|(array, index, _, _)| {
            let array = &arrays[*array];
            quote!(#array[#index])
        })
        .collect();
    let call_name = format!("loop{}", rolled.callee);
    let derivation = super::shown::rolled_derivation(rolled, &body_text, &inner.derivation);

    // The type of each piece of data, a constant argument captured as an array.
    let param_impls = (0..rolled.data.len()).map(|k| {
        let position =
            Literal::usize_unsuffixed(1 + rolled.invariants.len() + rolled.arrays.len() + k);
        quote! {
            impl #item_generics #private::Param<#position> for #name_t {
                type Type = [#elem; #trip_type];
            }
        }
    });
    let param_impls = quote!(#(#param_impls)*);
    // The loop variable, where an element of an array is read at it (data are read at
    // the iteration's index `j`).
    let bind_i =
        if rolled.gathers.is_empty() && rolled.counters.is_empty() && rolled.inner.is_empty() {
            TokenStream::new()
        } else {
            quote!(let #i = #j + #start;)
        };

    // A nest: the loops around the innermost one, outermost first.
    let nest = |inner: TokenStream| {
        rolled.outer.iter().rev().fold(inner, |inner, level| {
            let (var, start, end) = (
                &level.ident,
                crate::lower::roll::bound_tokens(&level.start),
                crate::lower::roll::bound_tokens(&level.end),
            );
            quote!(for #var in #start..#end { #inner })
        })
    };

    // The pullback, its forward pass and its backward parts. A recurrence keeps one
    // pullback of the body per iteration, and its backward pass is the reversed loop. A
    // sum's gradient is linear in the adjoint its call receives, and each term's
    // gradient is independent of the others: its forward pass adds up the terms'
    // gradients for an adjoint of 1 as it goes (one pass, as a hand-written gradient
    // does), and keeps only those sums; its backward pass scales them.
    let unit = local("unit");
    let (pullback_fields, forward_body, parts_body, placeholder_init) = if rolled.carried {
        // Inner sums are pulled back with their terms' gradients, computed again from
        // the arrays and the invariants they read: the pullback keeps a copy of those.
        let mut read: Vec<usize> = rolled
            .inner
            .iter()
            .flat_map(|sum| {
                sum.term
                    .gathers
                    .iter()
                    .chain(sum.start_term.iter().flat_map(|t| &t.gathers))
                    .map(|g| g.0)
            })
            .collect();
        read.sort_unstable();
        read.dedup();
        let sources: Vec<Ident> = read.iter().map(|a| format_ident!("src{a}")).collect();
        let read_arrays: Vec<&Ident> = read.iter().map(|&a| &arrays[a]).collect();
        let read_lens: Vec<&TokenStream> = read.iter().map(|&a| lens[a]).collect();
        let (keep_invariants, n_kept) = if rolled.inner.is_empty() {
            (Vec::new(), 0)
        } else {
            (invariants.clone(), invariants.len())
        };
        let n_kept_lit = Literal::usize_unsuffixed(n_kept);
        // In a nest, the tape is as long as all its iterations, and each entry's loop
        // variables are its index taken apart (innermost fastest).
        let flat = local("flat");
        let (tape_len, take_apart) = if rolled.outer.is_empty() {
            (trip_type.clone(), quote!(let #j = #flat;))
        } else {
            let rest = local("rest");
            let mut take_apart = quote! {
                let #j = #flat % (#trip_count);
                let #rest = #flat / (#trip_count);
            };
            for (k, level) in rolled.outer.iter().enumerate().rev() {
                let (var, start) = (&level.ident, crate::lower::roll::bound_tokens(&level.start));
                if k == 0 {
                    take_apart.extend(quote!(let #var = #start + #rest;));
                } else {
                    let trips = crate::lower::roll::trip_tokens(&level.start, &level.end);
                    take_apart.extend(quote! {
                        let #var = #start + #rest % (#trips);
                        let #rest = #rest / (#trips);
                    });
                }
            }
            let total =
                crate::lower::roll::nest_trip_tokens(&rolled.outer, &rolled.start, &rolled.end);
            (total, take_apart)
        };
        let kept_at = (0..n_kept).map(Literal::usize_unsuffixed);
        let (compute, grads) = (&inner.compute, &inner.grads);
        let placeholder_zero = quote!(<#sp as #bound>::lit(#elem_zero));
        (
            quote! {
                tape: [#body_pullback<#sp>; #tape_len],
                #(#sources: [#sp; #read_lens],)*
                srcinv: [#sp; #n_kept_lit],
            },
            quote! {
                let #body_var = #body_ctor; #inner_bind
                let mut #acc = #acc;
                let #tape = ::core::array::from_fn(|#flat| {
                    #take_apart
                    #bind_i
                    #compute
                    let (#e, #pb) = #body_var.__forward #turbofish(#body_args);
                    #combine
                    #pb
                });
                (
                    #acc,
                    #pullback {
                        tape: #tape,
                        #(#sources: #read_arrays,)*
                        srcinv: [#(#keep_invariants),*],
                    },
                )
            },
            quote! {
                #inner_bind
                #(let #read_arrays = &#pb.#sources;)*
                #(let #keep_invariants = #pb.srcinv[#kept_at];)*
                let #zero = #zero_value;
                #(let mut #d_invariants = #zero;)*
                #(let mut #d_arrays = [#zero; #lens];)*
                #d_e_decl
                for #flat in (0..#tape_len).rev() {
                    #take_apart
                    #bind_i
                    let #g = #pb.tape[#flat].backward(#d_e);
                    #adds
                    #grads
                    #carry_back
                }
                (#d_acc_out, #(#d_invariants,)* #(#d_arrays,)*)
            },
            quote! {
                tape: [#body_placeholder; #tape_len],
                #(#sources: [#placeholder_zero; #read_lens],)*
                srcinv: [#placeholder_zero; #n_kept_lit],
            },
        )
    } else {
        let accumulate = if rolled.subtract {
            quote!(-)
        } else {
            quote!(+)
        };
        let mut unit_adds = TokenStream::new();
        for (k, (array, index, _, _)) in rolled.gathers.iter().enumerate() {
            let array = &d_arrays[*array];
            let place = quote!(#array[#index]);
            let k = Literal::usize_unsuffixed(k);
            unit_adds.extend(quote!(#place = #place #accumulate #g[#k];));
        }
        for (k, d) in d_invariants.iter().take(rolled.body_invariants).enumerate() {
            let at = Literal::usize_unsuffixed(rolled.gathers.len() + k);
            unit_adds.extend(quote!(#d = #d #accumulate #g[#at];));
        }
        let n_inv = Literal::usize_unsuffixed(rolled.invariants.len());
        let fields: Vec<Ident> = (0..rolled.arrays.len())
            .map(|k| local(&format!("arr{k}")))
            .collect();
        let m = local("m");
        let invs = (0..rolled.invariants.len()).map(Literal::usize_unsuffixed);
        let placeholder_zero = quote!(<#sp as #bound>::lit(#elem_zero));
        let (compute, grads) = (&inner.compute, &inner.grads);
        let sum_loop = nest(quote! {
            for #j in 0..#trip_count {
                #bind_i
                #compute
                let (#e, #g) = #body_var.__value_and_grad #turbofish(#body_args);
                #combine
                #unit_adds
                #grads
            }
        });
        (
            quote!(inv: [#sp; #n_inv], #(#fields: [#sp; #lens],)*),
            quote! {
                let #body_var = #body_ctor; #inner_bind
                let mut #acc = #acc;
                let #zero = #zero_value;
                #(let mut #d_invariants = #zero;)*
                #(let mut #d_arrays = [#zero; #lens];)*
                #sum_loop
                (#acc, #pullback { inv: [#(#d_invariants),*], #(#fields: #d_arrays,)* })
            },
            quote! {
                let #unit = #pb;
                (
                    #dout,
                    #(#dout * #unit.inv[#invs],)*
                    #(::core::array::from_fn(|#m| #dout * #unit.#fields[#m]),)*
                )
            },
            quote!(inv: [#placeholder_zero; #n_inv], #(#fields: [#placeholder_zero; #lens],)*),
        )
    };
    let (compute, record) = (&inner.compute, &inner.record);
    let value_loop = nest(quote! {
        for #j in 0..#trip_count {
            #bind_i
            #compute
            let #e = #body_var.__value #turbofish(#body_args);
            #combine
        }
    });
    let record_loop = nest(quote! {
        for #j in 0..#trip_count {
            #bind_i
            #record
            let #e = #private::Differentiable::record(
                &#body_var,
                #graph,
                [
                    #carried_acc #(#record_elements,)* #(#body_invariants,)* #(#sums,)*
                    #(#datas[#j],)* #(#graph.constant(#counter_values),)*
                ],
            );
            #combine
        }
    });
    let inner_items = &inner.items;
    quote! {
        #body_items
        #inner_items

        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code, unreachable_pub)]
        pub struct #name #item_generics {}

        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug)]
        pub struct #pullback<#gp #sp: #bound = #elem> {
            #pullback_fields
        }

        // `large_stack_arrays`: the tape and the arrays' adjoints are as long as the
        // loop and the arrays, on the stack by design (no allocation).
        // `unused_variables`: a loop of a nest whose variable only its bounds read.
        #[allow(
            non_snake_case,
            unused_variables,
            clippy::too_many_arguments,
            clippy::needless_range_loop,
            clippy::assign_op_pattern,
            clippy::large_stack_arrays
        )]
        impl #item_generics #name_t {
            #[inline]
            pub fn __value #generics(#params_s) -> #s {
                let #body_var = #body_ctor; #inner_bind
                let mut #acc = #acc;
                #value_loop
                #acc
            }

            #[inline]
            pub fn __forward #generics(#params_s) -> (#s, #pullback<#ga #s>) {
                #forward_body
            }

            #[inline]
            pub fn __parts #generics(#pb: &#pullback<#ga #s>, #dout: #s) -> #parts_type {
                #parts_body
            }

            pub fn __record<'g>(#graph: &'g #private::Graph<#elem>, #record_params) -> #var {
                let mut #inputs = ::std::vec::Vec::new();
                #inputs.push(#acc);
                #(#inputs.push(#invariants);)*
                #(#inputs.extend(#arrays);)*
                #graph.call(#call_name, &#inputs, |#graph, _| {
                    let #body_var = #body_ctor; #inner_bind
                    let mut #acc = #acc;
                    #record_loop
                    #acc
                })
            }

            pub fn __derivation() -> &'static ::core::primitive::str {
                #derivation
            }
        }

        #param_impls

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
