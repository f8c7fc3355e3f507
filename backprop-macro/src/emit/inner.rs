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
use crate::ir::{Elem, InnerSum, Rolled, Term};
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

/// One program of an inner sum (its term, or its first value), emitted.
struct TermCode {
    /// The local its generated value is bound to, in each pass.
    name: Ident,
    /// Its arguments in the scalar, and on the runtime graph.
    args: TokenStream,
    record_args: TokenStream,
    /// Its inputs as the derivation shows them, and its derivation.
    inputs: String,
    text: String,
}

impl TermCode {
    fn new(
        rolled: &Rolled,
        term: &Term,
        prefix: &str,
        name: Ident,
        cx: &Context<'_>,
        code: &mut Code,
    ) -> Self {
        let body = &term.body;
        let plan = crate::sweep::plan(body);
        let names = crate::names::ValueNames::new(body);
        let lines = crate::derivation::lines(body, &plan, &names);
        let text = crate::derivation::text(body, &names, &lines);
        let shown: Vec<(String, &str)> = term
            .gathers
            .iter()
            .map(|(_, _, ident, text)| (ident.to_string(), text.as_str()))
            .chain(term.invariants.iter().enumerate().map(|(m, &at)| {
                let ident = &body.params[term.gathers.len() + m].ident;
                (ident.to_string(), rolled.invariants[at].as_str())
            }))
            .chain(term.counters.iter().enumerate().map(|(m, (_, text))| {
                let ident = &body.params[term.gathers.len() + term.invariants.len() + m].ident;
                (ident.to_string(), text.as_str())
            }))
            .collect();
        let constants: Vec<&str> = term.counters.iter().map(|c| c.1.as_str()).collect();
        let text = super::shown::replace(text, shown, &constants);
        let inputs: Vec<&str> = term
            .gathers
            .iter()
            .map(|g| g.3.as_str())
            .chain(
                term.invariants
                    .iter()
                    .map(|&at| rolled.invariants[at].as_str()),
            )
            .chain(term.counters.iter().map(|c| c.1.as_str()))
            .collect();

        let emitted = super::emit_named(body, &plan, names, &lines, prefix);
        code.items.extend(emitted.items);
        let ctor = emitted.ctor;
        code.bind.extend(quote!(let #name = #ctor;));
        code.once_only.push(emitted.once_only);

        let (elem, s, bound) = (cx.elem, cx.s, cx.bound);
        let elements: Vec<TokenStream> = term
            .gathers
            .iter()
            .map(|(array, index, _, _)| {
                let array = &cx.arrays[*array];
                quote!(#array[#index])
            })
            .collect();
        let invariants: Vec<&Ident> = term
            .invariants
            .iter()
            .map(|&at| &cx.invariants[at])
            .collect();
        let counter_values: Vec<TokenStream> = term
            .counters
            .iter()
            .map(|(code, _)| quote!(((#code) as #elem)))
            .collect();
        let counters_s = counter_values.iter().map(|v| {
            if SECOND_ORDER {
                quote!(<#s as #bound>::lit(#v))
            } else {
                v.clone()
            }
        });
        let graph = cx.graph;
        TermCode {
            name,
            args: quote!(#(#elements,)* #(#invariants,)* #(#counters_s,)*),
            record_args: quote!(
                [#(#elements,)* #(#invariants,)* #(#graph.constant(#counter_values),)*]
            ),
            inputs: inputs.join(", "),
            text,
        }
    }

    /// Its gradient `h`, times `scale`, added (`add`) into the loop's adjoints.
    fn adds(&self, term: &Term, h: &Ident, scale: &Ident, cx: &Context<'_>) -> TokenStream {
        let add = if cx.subtract { quote!(-) } else { quote!(+) };
        let mut adds = TokenStream::new();
        for (m, (array, index, _, _)) in term.gathers.iter().enumerate() {
            let d = &cx.d_arrays[*array];
            let place = quote!(#d[#index]);
            let m = Literal::usize_unsuffixed(m);
            adds.extend(quote!(#place = #place #add #scale * #h[#m];));
        }
        for (m, &at) in term.invariants.iter().enumerate() {
            let d = &cx.d_invariants[at];
            let m = Literal::usize_unsuffixed(term.gathers.len() + m);
            adds.extend(quote!(#d = #d #add #scale * #h[#m];));
        }
        adds
    }

    /// Its derivation, indented under the loop's.
    fn shown(&self, what: &str) -> String {
        format!(
            "    {what}({})\n{}",
            self.inputs,
            self.text
                .lines()
                .map(|line| format!("      {line}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    }
}

fn one(rolled: &Rolled, sum: &InnerSum, k: usize, cx: &Context<'_>, code: &mut Code) {
    let Context {
        s,
        bound,
        turbofish,
        ..
    } = *cx;
    let private = private();
    let term = TermCode::new(
        rolled,
        &sum.term,
        &format!("{}Inner{k}", rolled.ident),
        local(&format!("term{k}")),
        cx,
        code,
    );
    let first = sum.start_term.as_ref().map(|start| {
        let first = TermCode::new(
            rolled,
            start,
            &format!("{}First{k}", rolled.ident),
            local(&format!("first{k}")),
            cx,
            code,
        );
        (start, first)
    });
    code.derivation.push_str(&match &first {
        Some((_, first)) => format!(
            "\n  {} = e0, then {}, kept a loop on every iteration. The first value:\n{}\n  \
             One term:\n{}",
            sum.name,
            sum.text,
            first.shown("e0 = first"),
            term.shown("e = term")
        ),
        None => format!(
            "\n  {} = {}, then {}, kept a loop on every iteration. One term:\n{}",
            sum.name,
            number(sum.init),
            sum.text,
            term.shown("e = term")
        ),
    });

    let var = &sum.ident;
    let (start, end) = (
        crate::lower::roll::bound_tokens(&sum.start),
        crate::lower::roll::bound_tokens(&sum.end),
    );
    let value = local(&format!("sum{k}"));
    let lit = |v: &TokenStream| {
        if SECOND_ORDER {
            quote!(<#s as #bound>::lit(#v))
        } else {
            v.clone()
        }
    };
    let init = literal(sum.init, sum.term.body.elem);
    let init_s = match &first {
        Some((_, first)) => {
            let (name, args) = (&first.name, &first.args);
            quote!(#name.__value #turbofish(#args))
        }
        None => lit(&init),
    };
    let op = if sum.subtract { quote!(-) } else { quote!(+) };
    let (name, args) = (&term.name, &term.args);
    code.compute.extend(quote! {
        let mut #value = #init_s;
        for #var in #start..#end {
            #value = #value #op #name.__value #turbofish(#args);
        }
    });

    // The term's gradient, scaled by the body's gradient by the sum (negated where the
    // sum subtracts its terms), and the first value's (not negated), into the loop's
    // adjoints (subtracted where the loop subtracts its terms).
    let (g, h, scale) = (cx.g, local(&format!("h{k}")), local(&format!("d_sum{k}")));
    let at = Literal::usize_unsuffixed(cx.first + k);
    let adds = term.adds(&sum.term, &h, &scale, cx);
    let first_grads = match &first {
        Some((start, first)) => {
            let (f, fargs) = (&first.name, &first.args);
            let (hf, unit) = (local(&format!("hf{k}")), local(&format!("d_first{k}")));
            let adds = first.adds(start, &hf, &unit, cx);
            quote! {
                let #unit = #g[#at];
                let (_, #hf) = #f.__value_and_grad #turbofish(#fargs);
                #adds
            }
        }
        None => TokenStream::new(),
    };
    let scale_value = if sum.subtract {
        quote!(-#g[#at])
    } else {
        quote!(#g[#at])
    };
    code.grads.extend(quote! {
        #first_grads
        let #scale = #scale_value;
        for #var in #start..#end {
            let (_, #h) = #name.__value_and_grad #turbofish(#args);
            #adds
        }
    });

    let graph = cx.graph;
    let record_init = match &first {
        Some((_, first)) => {
            let (f, fargs) = (&first.name, &first.record_args);
            quote!(#private::Differentiable::record(&#f, #graph, #fargs))
        }
        None => quote!(#graph.constant(#init)),
    };
    let record_args = &term.record_args;
    code.record.extend(quote! {
        let mut #value = #record_init;
        for #var in #start..#end {
            #value = #value #op #private::Differentiable::record(&#name, #graph, #record_args);
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
