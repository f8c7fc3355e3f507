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
//! With several states (`v += dt * a; x += dt * v;`) there is one body per state, each
//! of every old state; an iteration runs them all, then updates the states together. The
//! tape keeps a tuple of their pullbacks, and the backward pass carries every state's
//! adjoint, each the sum of the bodies' gradients by that old state. The enclosing
//! program calls the loop once, and the call gives every state's value (`companion.rs`).
//!
//! Either way the value is computed in the same order as the unrolled loop's, so it is
//! the same bit for bit.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::{private, ScalarSyntax, SECOND_ORDER};
use crate::ir::{Elem, Rolled};
use crate::names::local;

mod bodies;
mod companion;
mod nest;

/// The items of one loop that stays a loop.
/// `gp` and `ga` are the enclosing program's const generic parameters (`const N: usize,`)
/// and their arguments (`N,`), which every item of the loop is generic over too.
pub fn items(
    rolled: &Rolled,
    elem: &TokenStream,
    gp: &TokenStream,
    ga: &TokenStream,
) -> TokenStream {
    // The body's program, and with several states one for each further state's value.
    let states = rolled.states();
    let bodies::Bodies {
        items: body_items,
        ctors: body_ctors,
        placeholders: body_placeholders,
        pullbacks: body_pullbacks,
        texts: body_texts,
        once_only,
    } = bodies::Bodies::of(rolled);

    let private = private();
    let bound = quote!(#private::Scalar<#elem>);
    let syntax = ScalarSyntax::new(elem, &bound);
    let ScalarSyntax {
        ty: s, turbofish, ..
    } = &syntax;
    let sp = super::Code::scalar_param();
    let pullback = format_ident!("{}Pullback", rolled.ident);
    let trip_count = crate::lower::roll::trip_tokens(&rolled.start, &rolled.end);
    let trip_type = crate::lower::roll::trip_type_tokens(&rolled.start, &rolled.end);
    let start = crate::lower::roll::bound_tokens(&rolled.start);

    // The arguments: the accumulator (each state), the invariants, the arrays.
    let acc = local("acc");
    let accs = numbered(&acc, "acc", states.max(1));
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
            #(#accs: #ty,)*
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
        quote!(#(#accs,)*)
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
            first: states + rolled.gathers.len() + rolled.body_invariants,
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
    // One iteration's values: each body's, of the same arguments, then the states
    // updated together.
    let es = numbered(&e, "e", states.max(1));
    let body_vars = numbered(&body_var, "body", states.max(1));
    let bind_bodies = quote!(#(let #body_vars = #body_ctors;)*);
    let combine = if rolled.carried {
        quote!(#(#accs = #es;)*)
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
    // With several states, each body's gradient (`g`, `g1`, ..) adds in.
    let gs = numbered(&g, "g", states.max(1));
    let mut adds = TokenStream::new();
    for g in &gs {
        for (k, (array, index, _, _)) in rolled.gathers.iter().enumerate() {
            let array = &d_arrays[*array];
            let place = quote!(#array[#index]);
            let k = Literal::usize_unsuffixed(states + k);
            adds.extend(quote!(#place = #place + #g[#k];));
        }
        for (k, d) in d_invariants.iter().take(rolled.body_invariants).enumerate() {
            let at = Literal::usize_unsuffixed(states + rolled.gathers.len() + k);
            adds.extend(quote!(#d = #d + #g[#at];));
        }
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
    let d_es = numbered(&d_e, "d_e", states.max(1));
    let (d_e_decl, carry_back, d_acc_out) = if states > 1 {
        // Each state's adjoint, carried back: the sum over the bodies of each one's
        // gradient by the old state.
        let at = (0..states).map(Literal::usize_unsuffixed);
        let carry = (0..states).map(|m| {
            let m = Literal::usize_unsuffixed(m);
            quote!(#(#gs[#m])+*)
        });
        (
            quote!(#(let mut #d_es = #dout[#at];)*),
            quote!([#(#d_es),*] = [#(#carry),*];),
            quote!(#(#d_es,)*),
        )
    } else if rolled.carried {
        (
            quote!(let mut #d_e = #d_e_value;),
            quote!(#d_e = #g[0];),
            quote!(#d_e,),
        )
    } else {
        (
            quote!(let #d_e = #d_e_value;),
            TokenStream::new(),
            quote!(#dout,),
        )
    };
    let parts_type = {
        let arrays = lens.iter().map(|len| quote!([#s; #len]));
        let scalars = std::iter::repeat_n(s, states.max(1) + rolled.invariants.len());
        quote!((#(#scalars,)* #(#arrays,)*))
    };

    // The runtime graph: the body recorded once per iteration, inside one call.
    let var = quote!(#private::Var<'g, #elem>);
    let record_params = params_over(&var);
    let inputs = local("inputs");
    let call_name = format!("loop{}", rolled.callee);
    let derivation = super::shown::rolled_derivation(rolled, &body_texts, &inner.derivation);

    // The loop variable, where an element of an array is read at it (data are read at
    // the iteration's index `j`).
    let bind_i =
        if rolled.gathers.is_empty() && rolled.counters.is_empty() && rolled.inner.is_empty() {
            TokenStream::new()
        } else {
            quote!(let #i = #j + #start;)
        };

    let nest = |inner: TokenStream| nest::around(rolled, inner);

    // The pullback, its forward pass and its backward parts. A recurrence keeps one
    // pullback of the body per iteration, and its backward pass is the reversed loop. A
    // sum's gradient is linear in the adjoint its call receives, and each term's
    // gradient is independent of the others: its forward pass adds up the terms'
    // gradients for an adjoint of 1 as it goes (one pass, as a hand-written gradient
    // does), and keeps only those sums; its backward pass scales them.
    let unit = local("unit");
    // The value: the accumulator, or with several states a tuple of each one's.
    let acc_out = if states > 1 {
        quote!((#(#accs),*))
    } else {
        quote!(#acc)
    };
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
        // A triangular nest runs its own loops, with the tape's index counted along; a
        // rectangular one computes each entry's loop variables from the index.
        let triangular = nest::triangular(rolled);
        let (tape_len, take_apart) = if triangular {
            (nest::triangular_len(rolled), TokenStream::new())
        } else {
            nest::take_apart(rolled, &flat, &j)
        };
        let kept_at = (0..n_kept).map(Literal::usize_unsuffixed);
        let (compute, grads) = (&inner.compute, &inner.grads);
        let placeholder_zero = quote!(<#sp as #bound>::lit(#elem_zero));
        // Each entry of the tape: the body's pullback, or with several states a tuple of
        // each body's.
        let pbs = numbered(&pb, "pb", states);
        let (entry_ty, entry, entry_placeholder, pulls) = if states > 1 {
            let fields = (0..states).map(Literal::usize_unsuffixed);
            (
                quote!((#(#body_pullbacks<#sp>,)*)),
                quote!((#(#pbs,)*)),
                quote!((#(#body_placeholders,)*)),
                quote!(#(let #gs = #pb.tape[#flat].#fields.backward(#d_es);)*),
            )
        } else {
            let (ty, placeholder) = (&body_pullbacks[0], &body_placeholders[0]);
            (
                quote!(#ty<#sp>),
                quote!(#pb),
                quote!(#placeholder),
                quote!(let #g = #pb.tape[#flat].backward(#d_e);),
            )
        };
        let step = quote! {
            #bind_i
            #compute
            #(let (#es, #pbs) = #body_vars.__forward #turbofish(#body_args);)*
            #combine
        };
        let back = quote!(#bind_i #pulls #adds #grads #carry_back);
        let (fill_tape, reverse_tape) = nest::tape_passes(
            rolled,
            &nest::Tape {
                triangular,
                len: &tape_len,
                take_apart: &take_apart,
                step: &step,
                entry: &entry,
                back: &back,
                scalar: s,
            },
        );
        (
            quote! {
                tape: [#entry_ty; #tape_len],
                #(#sources: [#sp; #read_lens],)*
                srcinv: [#sp; #n_kept_lit],
            },
            quote! {
                #bind_bodies #inner_bind
                #(let mut #accs = #accs;)*
                #fill_tape
                (
                    #(#accs,)*
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
                #reverse_tape
                (#d_acc_out #(#d_invariants,)* #(#d_arrays,)*)
            },
            quote! {
                tape: [#entry_placeholder; #tape_len],
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
                #bind_bodies #inner_bind
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
            #(let #es = #body_vars.__value #turbofish(#body_args);)*
            #combine
        }
    });
    let record_args = quote! {
        #carried_acc #(#elements,)* #(#body_invariants,)* #(#sums,)*
        #(#datas[#j],)* #(#graph.constant(#counter_values),)*
    };
    let record_loop = nest(quote! {
        for #j in 0..#trip_count {
            #bind_i
            #record
            #(let #es = #private::Differentiable::record(&#body_vars, #graph, [#record_args]);)*
            #combine
        }
    });
    let inner_items = &inner.items;
    let value_body = quote! {
        #bind_bodies #inner_bind
        #(let mut #accs = #accs;)*
        #value_loop
        #acc_out
    };
    let record = {
        let (inputs, invariants, arrays, accs) = (
            inputs.clone(),
            invariants.clone(),
            arrays.clone(),
            accs.clone(),
        );
        let (graph, call_name, bind) = (graph.clone(), call_name.clone(), bind_bodies.clone());
        let inner_bind = inner_bind.clone();
        Box::new(move |out: TokenStream| {
            quote! {
                let mut #inputs = ::std::vec::Vec::new();
                #(#inputs.push(#accs);)*
                #(#inputs.push(#invariants);)*
                #(#inputs.extend(#arrays);)*
                #graph.call(#call_name, &#inputs, |#graph, _| {
                    #bind #inner_bind
                    #(let mut #accs = #accs;)*
                    #record_loop
                    #out
                })
            }
        })
    };
    let companions = companion::Shared {
        rolled,
        elem,
        syntax: &syntax,
        bound: &bound,
        gp,
        ga,
        trip_type: &trip_type,
        pullback: &pullback,
        placeholder_init: &placeholder_init,
        once_only: &once_only,
        derivation: &derivation,
    }
    .companions(&companion::Functions {
        params: params_s,
        record_params,
        value: value_body,
        forward: forward_body,
        parts: parts_body,
        parts_type,
        record,
        accs: accs.clone(),
    });
    quote! {
        #body_items
        #inner_items

        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug)]
        pub struct #pullback<#gp #sp: #bound = #elem> {
            #pullback_fields
        }

        #companions
    }
}

/// `first`, then `{base}1`, `{base}2`, ..: one name a state, `n` of them.
fn numbered(first: &Ident, base: &str, n: usize) -> Vec<Ident> {
    std::iter::once(first.clone())
        .chain((1..n).map(|k| local(&format!("{base}{k}"))))
        .collect()
}
