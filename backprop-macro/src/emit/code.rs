//! The statements of each generated function, value by value.

use std::collections::BTreeSet;

use backprop_core::{OpInfo, Shape};
use proc_macro2::{Ident, Literal, Punct, Spacing, Span, TokenStream};
use quote::{format_ident, quote, ToTokens};

use super::body::{Body, Stmt};
use crate::diff::{Contribution, Step, Sweep};
use crate::ir::{Def, Elem, IntArg, Program, ValueId};
use crate::names::{local, ValueNames};

/// The hidden module of the facade through which generated code reaches the runtime.
pub fn private() -> TokenStream {
    quote!(::backprop::__private)
}

/// A saved entry of the pullback: a value, or the auxiliary value of an operation.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Saved {
    Value(ValueId),
    Aux(ValueId),
}

pub struct Code<'a> {
    program: &'a Program,
    sweep: &'a Sweep,
    names: ValueNames,
    /// What the backward pass reads, filled while it is generated.
    saved: BTreeSet<Saved>,
    saved_ints: BTreeSet<usize>,
}

/// (forward statements, output), then (backward statements, saved names, saved int names).
type ForwardBackward = (
    (TokenStream, TokenStream),
    (TokenStream, Vec<Ident>, Vec<Ident>),
);

impl<'a> Code<'a> {
    pub fn new(program: &'a Program, sweep: &'a Sweep, names: ValueNames) -> Self {
        Code {
            program,
            sweep,
            names,
            saved: BTreeSet::new(),
            saved_ints: BTreeSet::new(),
        }
    }

    pub fn names(&self) -> &ValueNames {
        &self.names
    }

    /// The element type, by its absolute path: a user's scope may have its own `f64`.
    pub fn elem(&self) -> TokenStream {
        let name = Ident::new(self.program.elem.name(), Span::call_site());
        quote!(::core::primitive::#name)
    }

    /// A literal of the element type; a negative one as `-` and a positive literal.
    pub fn literal(&self, v: f64) -> TokenStream {
        let magnitude = match self.program.elem {
            Elem::F64 => Literal::f64_suffixed(v.abs()),
            // Exact: the value was rounded to f32 when it was lowered.
            #[allow(clippy::cast_possible_truncation)]
            Elem::F32 => Literal::f32_suffixed(v.abs() as f32),
        };
        if v.is_sign_negative() {
            let minus = Punct::new('-', Spacing::Alone);
            quote!(#minus #magnitude)
        } else {
            magnitude.into_token_stream()
        }
    }

    /// `x: f64, y: f64, ...`
    pub fn params(&self) -> TokenStream {
        let elem = self.elem();
        let inputs = &self.program.inputs;
        quote!(#(#inputs: #elem),*)
    }

    /// The struct fields for the captured constants and their initializers, the user's
    /// expressions, evaluated once where `grad!` is written.
    pub fn captured_fields(&self) -> (TokenStream, TokenStream) {
        let elem = self.elem();
        let mut fields = TokenStream::new();
        let mut init = TokenStream::new();
        for (k, captured) in self.program.captured.iter().enumerate() {
            let name = local(&self.names.captured[k]);
            let expr = &captured.expr;
            fields.extend(quote!(#name: #elem,));
            init.extend(quote!(#name: #expr,));
        }
        for (k, captured) in self.program.captured_ints.iter().enumerate() {
            let name = local(&self.names.captured_ints[k]);
            let expr = &captured.expr;
            fields.extend(quote!(#name: ::core::primitive::i32,));
            init.extend(quote!(#name: #expr,));
        }
        (fields, init)
    }

    /// A value as an expression: an input's name, a literal, or a generated local.
    fn value(&self, v: ValueId) -> TokenStream {
        match &self.program.values[v].def {
            Def::Input(k) => self.program.inputs[*k].to_token_stream(),
            Def::Literal(x) => self.literal(*x),
            Def::Captured(_) | Def::Op { .. } => local(self.names.value(v)).into_token_stream(),
        }
    }

    fn int(&self, int: &IntArg) -> TokenStream {
        match int {
            IntArg::Literal(n) => Literal::i32_unsuffixed(*n).into_token_stream(),
            IntArg::Captured(k) => local(&self.names.captured_ints[*k]).into_token_stream(),
        }
    }

    fn local(&self, v: ValueId) -> Ident {
        local(self.names.value(v))
    }

    fn aux(&self, v: ValueId) -> Ident {
        local(self.names.aux[v].as_deref().unwrap_or("_"))
    }

    /// Which inputs the expression reads: an operation's argument, or the output itself.
    fn inputs_read(&self) -> Vec<bool> {
        let mut read = vec![false; self.program.inputs.len()];
        let used = self
            .program
            .values
            .iter()
            .flat_map(|value| match &value.def {
                Def::Op { args, .. } => args.as_slice(),
                _ => &[],
            });
        for &v in used.chain([&self.program.output]) {
            if let Def::Input(k) = self.program.values[v].def {
                read[k] = true;
            }
        }
        read
    }

    /// Reads of the captured constants at the top of a forward function, and `let _ = x;`
    /// for inputs the expression never reads (so they raise no unused-variable warning).
    fn prologue(&self, body: &mut Body) {
        for name in self.names.captured.iter().chain(&self.names.captured_ints) {
            let field = local(name);
            body.push(Stmt::Raw(quote!(let #field = self.#field;)));
        }
        let read = self.inputs_read();
        for (k, input) in self.program.inputs.iter().enumerate() {
            if !read[k] {
                body.push(Stmt::Raw(quote!(let _ = #input;)));
            }
        }
    }

    /// The forward expression of operation `v`; with `keep_aux`, an operation that saves
    /// an auxiliary value returns the pair.
    fn forward_expr(
        &self,
        info: &OpInfo,
        args: &[ValueId],
        int: Option<&IntArg>,
        keep_aux: bool,
    ) -> TokenStream {
        let private = private();
        let a: Vec<TokenStream> = args.iter().map(|&a| self.value(a)).collect();
        match (info.variant, a.as_slice()) {
            ("Add", [x, y]) => quote!(#x + #y),
            ("Sub", [x, y]) => quote!(#x - #y),
            ("Mul", [x, y]) => quote!(#x * #y),
            ("Div", [x, y]) => quote!(#x / #y),
            ("Neg", [x]) => quote!(-#x),
            _ => {
                let function = if keep_aux && info.shape == Shape::UnaryAux {
                    format_ident!("{}_fwd", info.name)
                } else {
                    format_ident!("{}", info.name)
                };
                let int = int.map(|n| self.int(n));
                let int = int.iter();
                quote!(#private::rules::#function(#(#a,)* #(#int)*))
            }
        }
    }

    /// The body of `value`: the forward statements with the output as the tail.
    pub fn value_body(&self) -> TokenStream {
        let mut body = Body::default();
        self.prologue(&mut body);
        let mut tail = self.value(self.program.output);
        for (v, value) in self.program.ops() {
            let Def::Op { info, args, int } = &value.def else {
                continue;
            };
            let expr = self.forward_expr(info, args, int.as_ref(), false);
            if v == self.program.output {
                tail = expr;
            } else {
                body.let_(self.local(v), false, expr);
            }
        }
        let stmts = body.render();
        quote!(#stmts #tail)
    }

    /// The forward statements (keeping auxiliary values) with the output's name, then the
    /// backward statements and what they read from the forward pass.
    pub fn forward_and_backward(&mut self) -> ForwardBackward {
        let backward = self.backward_body();
        let mut body = Body::default();
        self.prologue(&mut body);
        for (v, value) in self.program.ops() {
            let Def::Op { info, args, int } = &value.def else {
                continue;
            };
            let expr = self.forward_expr(info, args, int.as_ref(), true);
            if info.shape == Shape::UnaryAux {
                body.push(Stmt::Let {
                    names: vec![Some((self.local(v), false)), Some((self.aux(v), false))],
                    expr,
                });
            } else {
                body.let_(self.local(v), false, expr);
            }
        }
        let out = self.value(self.program.output);
        let saved: Vec<Ident> = self
            .saved
            .iter()
            .map(|s| match *s {
                Saved::Value(v) => match self.program.values[v].def {
                    Def::Input(k) => self.program.inputs[k].clone(),
                    _ => self.local(v),
                },
                Saved::Aux(v) => self.aux(v),
            })
            .collect();
        let ints = self
            .saved_ints
            .iter()
            .map(|&k| local(&self.names.captured_ints[k]))
            .collect();
        ((body.render(), out), (backward, saved, ints))
    }

    /// A value read by the backward pass, which therefore saves it.
    fn read(&mut self, v: ValueId) -> TokenStream {
        if !matches!(self.program.values[v].def, Def::Literal(_)) {
            self.saved.insert(Saved::Value(v));
        }
        self.value(v)
    }

    fn backward_body(&mut self) -> TokenStream {
        let mut body = Body::default();
        for step in &self.sweep.steps {
            self.step(step, &mut body);
        }
        let gradient: Vec<TokenStream> = (0..self.program.inputs.len())
            .map(|k| {
                let v = self
                    .program
                    .values
                    .iter()
                    .position(|value| matches!(value.def, Def::Input(j) if j == k));
                match v {
                    Some(v) if v == self.program.output || self.sweep.uses[v] > 0 => {
                        local(self.names.adjoint(v)).into_token_stream()
                    }
                    _ => self.literal(0.0),
                }
            })
            .collect();
        let stmts = body.render();
        quote!(#stmts [#(#gradient),*])
    }

    /// The contributions of one operation to its arguments' adjoints.
    fn step(&mut self, step: &Step, body: &mut Body) {
        let v = step.value;
        let Def::Op { info, args, int } = &self.program.values[v].def else {
            return;
        };
        let d = local(self.names.adjoint(v));
        let contributions = &step.contributions;
        match info.variant {
            "Add" | "Sub" | "Mul" | "Neg" => {
                for c in contributions {
                    let expr = match (info.variant, c.position) {
                        ("Add", _) | ("Sub", 0) => quote!(#d),
                        ("Sub", _) | ("Neg", _) => quote!(-#d),
                        // The multiplication node: the other side's value.
                        (_, position) => {
                            let other = self.read(args[1 - position]);
                            quote!(#d * #other)
                        }
                    };
                    self.accumulate(c, expr, body);
                }
            }
            _ => {
                let private = private();
                let function = format_ident!("{}_grad", info.name);
                let mut call_args: Vec<TokenStream> = args.iter().map(|&a| self.read(a)).collect();
                if let Some(int) = int {
                    if let IntArg::Captured(k) = int {
                        self.saved_ints.insert(*k);
                    }
                    call_args.push(self.int(int));
                }
                call_args.push(self.read(v));
                if info.shape == Shape::UnaryAux {
                    self.saved.insert(Saved::Aux(v));
                    call_args.push(self.aux(v).into_token_stream());
                }
                let call = quote!(#private::rules::#function(#(#call_args,)* #d));
                let arity = info.shape.arity();
                if arity == 1 {
                    for c in contributions {
                        self.accumulate(c, call.clone(), body);
                    }
                } else if let [c] = contributions.as_slice() {
                    let field = Literal::usize_unsuffixed(c.position);
                    self.accumulate(c, quote!(#call.#field), body);
                } else {
                    let value_name = self.names.value(v).to_owned();
                    let partials: Vec<Option<Ident>> = (0..arity)
                        .map(|p| {
                            contributions
                                .iter()
                                .any(|c| c.position == p)
                                .then(|| local(&self.names.fresh(&format!("g_{value_name}_{p}"))))
                        })
                        .collect();
                    body.push(Stmt::Let {
                        names: partials
                            .iter()
                            .map(|p| p.clone().map(|p| (p, false)))
                            .collect(),
                        expr: call,
                    });
                    for c in contributions {
                        let partial = partials[c.position].clone();
                        self.accumulate(c, partial.into_token_stream(), body);
                    }
                }
            }
        }
    }

    fn accumulate(&self, c: &Contribution, expr: TokenStream, body: &mut Body) {
        let target = local(self.names.adjoint(c.target));
        if c.first {
            body.let_(target, self.sweep.uses[c.target] > 1, expr);
        } else {
            body.push(Stmt::AddAssign { name: target, expr });
        }
    }

    /// The body of `record`: the same operations, recorded onto the runtime graph.
    pub fn record_body(&self) -> TokenStream {
        let private = private();
        let graph = local(&self.names.graph);
        let args = local(&self.names.inputs);
        let mut body = Body::default();
        let read = self.inputs_read();
        let pattern = self.program.inputs.iter().enumerate().map(|(k, input)| {
            if read[k] {
                input.to_token_stream()
            } else {
                quote!(_)
            }
        });
        body.push(Stmt::Raw(quote!(let [#(#pattern),*] = #args;)));
        for name in &self.names.captured {
            let field = local(name);
            body.push(Stmt::Raw(
                quote!(let #field = #graph.constant(self.#field);),
            ));
        }
        let node = |v: ValueId| -> TokenStream {
            match &self.program.values[v].def {
                Def::Literal(x) => {
                    let lit = self.literal(*x);
                    quote!(#graph.constant(#lit))
                }
                _ => self.value(v),
            }
        };
        let mut tail = self.value(self.program.output);
        for (v, value) in self.program.ops() {
            let Def::Op { info, args, int } = &value.def else {
                continue;
            };
            let variant = format_ident!("{}", info.variant);
            let op = match int {
                Some(int) => {
                    let n = match int {
                        IntArg::Literal(n) => Literal::i32_unsuffixed(*n).into_token_stream(),
                        IntArg::Captured(k) => {
                            let field = local(&self.names.captured_ints[*k]);
                            quote!(self.#field)
                        }
                    };
                    quote!(#private::Op::#variant(#n))
                }
                None => quote!(#private::Op::#variant),
            };
            let nodes = args.iter().map(|&a| node(a));
            let expr = quote!(#graph.apply(#op, &[#(#nodes),*]));
            if v == self.program.output {
                tail = expr;
            } else {
                body.let_(self.local(v), false, expr);
            }
        }
        let stmts = body.render();
        quote!(#stmts #tail)
    }
}
