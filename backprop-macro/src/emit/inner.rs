//! The inner sums of a loop that stays a loop (`lower/roll/inner.rs`): each term's
//! program, and the code that runs its loop on every iteration of the enclosing one.
//!
//! For `for i in 0..n { let mut t = 0.0; for j in 0..m { t += e(w[i * m + j], x[j]) }
//! s += f(t, y[i]) }`, each iteration computes `t` with a loop of the term's value, calls
//! the body, and then, with the body's gradient by `t` in hand, runs the loop again for
//! the term's gradient, scaled by it, as a hand-written gradient does:
//!
//! ```text
//! let mut t = 0.0;
//! for j in 0..m { t = t + term.__value(a0[i * m + j], a1[j]); }
//! let (e, g) = body.__value_and_grad(a2[i], t);
//! // ... the body's gradient, added into the arrays' adjoints
//! let d_t = g[1];
//! for j in 0..m {
//!     let (_, h) = term.__value_and_grad(a0[i * m + j], a1[j]);
//!     d_a0[i * m + j] = d_a0[i * m + j] + d_t * h[0];
//!     d_a1[j] = d_a1[j] + d_t * h[1];
//! }
//! ```
//!
//! In a recurrence, each iteration computes its sums before the body's forward pass; the
//! backward pass, once the body's pullback has given the adjoint of each sum, runs the
//! inner loops for the terms' gradients from a copy of the arrays and invariants the
//! terms read, which the pullback keeps (once, whatever the trip count).

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::{private, SECOND_ORDER};
use crate::ir::{Elem, InnerSum, Rolled};
use crate::names::local;

/// What the enclosing loop's code names, which the inner sums' code reads.
pub struct Context<'c> {
    pub elem: &'c TokenStream,
    /// The scalar the passes compute with, its bound, and the turbofish of a pass.
    pub s: &'c TokenStream,
    pub bound: &'c TokenStream,
    pub turbofish: &'c TokenStream,
    pub arrays: &'c [Ident],
    pub invariants: &'c [Ident],
    pub d_arrays: &'c [Ident],
    pub d_invariants: &'c [Ident],
    /// The body's gradient in one iteration, and the position of its first inner sum.
    pub g: &'c Ident,
    pub first: usize,
    /// Whether the enclosing loop subtracts its terms.
    pub subtract: bool,
    pub graph: &'c Ident,
}

/// The code of a loop's inner sums.
#[derive(Default)]
pub struct Code {
    /// The terms' generated items.
    pub items: TokenStream,
    /// Binds each term's program, in each pass.
    pub bind: TokenStream,
    /// Computes each sum in the scalar, as `values` name them.
    pub compute: TokenStream,
    pub values: Vec<Ident>,
    /// Adds each term's gradient, scaled by the body's gradient by its sum, into the
    /// arrays' and the invariants' adjoints.
    pub grads: TokenStream,
    /// Computes each sum on the runtime graph, as `values` name them.
    pub record: TokenStream,
    /// Whether every term can be differentiated twice, combined with `rest`'s.
    pub once_only: Vec<TokenStream>,
    /// How the sums read in the derivation.
    pub derivation: String,
}

/// The code of `rolled`'s inner sums.
pub fn code(rolled: &Rolled, cx: &Context<'_>) -> Code {
    let mut code = Code::default();
    for (k, sum) in rolled.inner.iter().enumerate() {
        one(rolled, sum, k, cx, &mut code);
    }
    code
}

fn one(rolled: &Rolled, sum: &InnerSum, k: usize, cx: &Context<'_>, code: &mut Code) {
    let Context {
        elem,
        s,
        bound,
        turbofish,
        ..
    } = *cx;
    let private = private();
    let body = &sum.body;
    let plan = crate::sweep::plan(body);
    let names = crate::names::ValueNames::new(body);
    let lines = crate::derivation::lines(body, &plan, &names);
    let prefix = format!("{}Inner{k}", rolled.ident);
    let text = crate::derivation::text(body, &names, &lines);
    let shown: Vec<(String, &str)> = sum
        .gathers
        .iter()
        .map(|(_, _, ident, text)| (ident.to_string(), text.as_str()))
        .chain(sum.invariants.iter().enumerate().map(|(m, &at)| {
            let ident = &body.params[sum.gathers.len() + m].ident;
            (ident.to_string(), rolled.invariants[at].as_str())
        }))
        .chain(sum.counters.iter().enumerate().map(|(m, (_, text))| {
            let ident = &body.params[sum.gathers.len() + sum.invariants.len() + m].ident;
            (ident.to_string(), text.as_str())
        }))
        .collect();
    let constants: Vec<&str> = sum.counters.iter().map(|c| c.1.as_str()).collect();
    let text = super::shown::replace(text, shown, &constants);
    let inputs: Vec<&str> = sum
        .gathers
        .iter()
        .map(|g| g.3.as_str())
        .chain(
            sum.invariants
                .iter()
                .map(|&at| rolled.invariants[at].as_str()),
        )
        .chain(sum.counters.iter().map(|c| c.1.as_str()))
        .collect();
    code.derivation.push_str(&format!(
        "\n  {} = {}, then {}, kept a loop on every iteration. One term:\n    e = term({})\n{}",
        sum.name,
        number(sum.init),
        sum.text,
        inputs.join(", "),
        text.lines()
            .map(|line| format!("      {line}"))
            .collect::<Vec<_>>()
            .join("\n"),
    ));

    let emitted = super::emit_named(body, &plan, names, &lines, &prefix);
    code.items.extend(emitted.items);
    let term = local(&format!("term{k}"));
    let ctor = emitted.ctor;
    code.bind.extend(quote!(let #term = #ctor;));
    code.once_only.push(emitted.once_only);

    let var = &sum.ident;
    let (start, end) = (
        crate::lower::roll::bound_tokens(&sum.start),
        crate::lower::roll::bound_tokens(&sum.end),
    );
    let elements: Vec<TokenStream> = sum
        .gathers
        .iter()
        .map(|(array, index, _, _)| {
            let array = &cx.arrays[*array];
            quote!(#array[#index])
        })
        .collect();
    let invariants: Vec<&Ident> = sum
        .invariants
        .iter()
        .map(|&at| &cx.invariants[at])
        .collect();
    let counter_values: Vec<TokenStream> = sum
        .counters
        .iter()
        .map(|(code, _)| quote!(((#code) as #elem)))
        .collect();
    let lit = |v: &TokenStream| {
        if SECOND_ORDER {
            quote!(<#s as #bound>::lit(#v))
        } else {
            v.clone()
        }
    };
    let counters_s: Vec<TokenStream> = counter_values.iter().map(lit).collect();
    let args = quote!(#(#elements,)* #(#invariants,)* #(#counters_s,)*);
    let value = local(&format!("sum{k}"));
    let init = literal(sum.init, body.elem);
    let init_s = lit(&init);
    let op = if sum.subtract { quote!(-) } else { quote!(+) };
    code.compute.extend(quote! {
        let mut #value = #init_s;
        for #var in #start..#end {
            #value = #value #op #term.__value #turbofish(#args);
        }
    });

    // The term's gradient, scaled by the body's gradient by the sum (negated where the
    // sum subtracts its terms), into the loop's adjoints (subtracted where the loop
    // subtracts its terms).
    let (g, h, scale) = (cx.g, local(&format!("h{k}")), local(&format!("d_sum{k}")));
    let at = Literal::usize_unsuffixed(cx.first + k);
    let add = if cx.subtract { quote!(-) } else { quote!(+) };
    let scale_value = if sum.subtract {
        quote!(-#g[#at])
    } else {
        quote!(#g[#at])
    };
    let mut adds = TokenStream::new();
    for (m, (array, index, _, _)) in sum.gathers.iter().enumerate() {
        let place = {
            let d = &cx.d_arrays[*array];
            quote!(#d[#index])
        };
        let m = Literal::usize_unsuffixed(m);
        adds.extend(quote!(#place = #place #add #scale * #h[#m];));
    }
    for (m, &at) in sum.invariants.iter().enumerate() {
        let d = &cx.d_invariants[at];
        let m = Literal::usize_unsuffixed(sum.gathers.len() + m);
        adds.extend(quote!(#d = #d #add #scale * #h[#m];));
    }
    code.grads.extend(quote! {
        let #scale = #scale_value;
        for #var in #start..#end {
            let (_, #h) = #term.__value_and_grad #turbofish(#args);
            #adds
        }
    });

    let graph = cx.graph;
    code.record.extend(quote! {
        let mut #value = #graph.constant(#init);
        for #var in #start..#end {
            #value = #value #op #private::Differentiable::record(
                &#term,
                #graph,
                [#(#elements,)* #(#invariants,)* #(#graph.constant(#counter_values),)*],
            );
        }
    });
    code.values.push(value);
}

/// A literal of the element type with the value `v`, which the element type holds.
fn literal(v: f64, elem: Elem) -> TokenStream {
    let magnitude = match elem {
        Elem::F64 => Literal::f64_suffixed(v.abs()),
        #[allow(clippy::cast_possible_truncation)]
        Elem::F32 => Literal::f32_suffixed(v.abs() as f32),
    };
    if v.is_sign_negative() {
        quote!((-#magnitude))
    } else {
        quote!(#magnitude)
    }
}

/// `v` as the derivation shows a literal: `0`, `1.5`.
fn number(v: f64) -> String {
    format!("{v}")
}
