//! Calls of `#[differentiable]` functions: the caller's forward pass calls the callee's
//! generated forward pass and keeps its pullback, and the caller's backward pass calls
//! that pullback. Nothing of the callee is inlined.
//!
//! Every use goes through a type alias of the callee's path, one per distinct callee, so
//! that a function without the attribute (which has no companion type) is reported once,
//! on its name.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote, ToTokens};

use super::body::Stmt;
use super::code::{nest, private, Code};
use super::forward::Mode;
use crate::ir::{Arg, CalleeId, Def, ValueId};
use crate::names::local;
use crate::sweep::{Contribution, Operand, Step, Term};

impl Code<'_> {
    /// The local alias of callee `k`'s companion type, `{prefix}Call{k}`: each program
    /// (a `grad!`'s, or the body of a loop that stays a loop, emitted in the same block)
    /// has its own.
    pub fn alias(&self, k: CalleeId) -> Ident {
        local(&format!("{}Call{k}", self.prefix))
    }

    /// Whether callee `k` is a loop that stays a loop, generic over the program's const
    /// parameters like every item of the program.
    fn generic_callee(&self, k: CalleeId) -> bool {
        self.is_generic_item() && self.program.rolled.iter().any(|r| r.callee == k)
    }

    /// The alias in a type: `Call0<N>` for a generic loop, else `Call0`.
    pub fn alias_ty(&self, k: CalleeId) -> TokenStream {
        let alias = self.alias(k);
        if self.generic_callee(k) {
            self.item_ty(&alias)
        } else {
            quote!(#alias)
        }
    }

    /// The alias in an expression: `Call0::<N>` for a generic loop, else `Call0`.
    pub fn alias_path(&self, k: CalleeId) -> TokenStream {
        let alias = self.alias(k);
        if self.generic_callee(k) {
            self.item_path(&alias)
        } else {
            quote!(#alias)
        }
    }

    /// `type __BackpropCall0 = <sq_dist as Resolve<((), [(); 2])>>::Companion;`, one per
    /// callee: the companion its arguments' shapes reach (for a function with const
    /// generics, the one of their lengths), by the shapes of its first call. A loop that
    /// stays a loop is its own companion.
    pub fn callee_aliases(&self) -> TokenStream {
        let private = private();
        let aliases = self.program.callees.iter().enumerate().map(|(k, callee)| {
            let alias = self.alias(k);
            let path = &callee.path;
            if self.program.rolled.iter().any(|r| r.callee == k) {
                let (gp, ga) = (&self.item_params, &self.item_args);
                return if gp.is_empty() {
                    quote!(type #alias = #path;)
                } else {
                    quote!(type #alias<#gp> = #path<#ga>;)
                };
            }
            let shapes = self
                .program
                .calls
                .iter()
                .find(|c| c.callee == k)
                .map(|c| {
                    c.args
                        .iter()
                        .map(|arg| match arg {
                            Arg::Values(shape) => {
                                shape.iter().rev().fold(quote!(()), |inner, &len| {
                                    let len = Literal::usize_unsuffixed(len);
                                    quote!([#inner; #len])
                                })
                            }
                            Arg::Param(p) => {
                                let len = self.program.params[*p].len_tokens();
                                quote!([(); #len])
                            }
                            Arg::Constant => quote!(#private::ConstantArg),
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            quote!(type #alias = <#path as #private::Resolve<(#(#shapes,)*)>>::Companion;)
        });
        quote!(#(#aliases)*)
    }

    /// The callee of the call that defines `v`, if it is one.
    pub fn callee_of(&self, v: ValueId) -> Option<CalleeId> {
        match &self.program.values[v].def {
            Def::Call { call, .. } => Some(self.program.calls[*call].callee),
            _ => None,
        }
    }

    /// The arguments of a call, each shaped as passed (`x`, `[a, b]`), from `item` of
    /// each value; a constant passed whole is `constant` of its value.
    fn call_args(
        &self,
        call: usize,
        args: &[ValueId],
        item: &dyn Fn(usize, ValueId) -> TokenStream,
        constant: &dyn Fn(ValueId) -> TokenStream,
    ) -> Vec<TokenStream> {
        let mut at = 0;
        self.program.calls[call]
            .args
            .iter()
            .map(|arg| {
                let n = arg.len();
                let here = at;
                at += n;
                match arg {
                    // A parameter read whole, passed on as it came.
                    Arg::Values(_)
                        if self
                            .program
                            .whole_arg(&args[here..here + n])
                            .is_some_and(|p| self.whole[p]) =>
                    {
                        let p = self.program.whole_arg(&args[here..here + n]).unwrap_or(0);
                        let ident = &self.program.params[p].ident;
                        quote!(#ident)
                    }
                    Arg::Values(shape) => {
                        let items: Vec<TokenStream> = (here..here + n)
                            .map(|position| item(position, args[position]))
                            .collect();
                        nest(shape, &items)
                    }
                    Arg::Param(p) => {
                        let ident = &self.program.params[*p].ident;
                        quote!(#ident)
                    }
                    Arg::Constant => constant(args[here]),
                }
            })
            .collect()
    }

    /// The statement that computes a call's value: the callee's generated value (the
    /// function's own, bit for bit) for `value`, its generated forward pass where the
    /// pullback is kept, its recording on the graph for `record`.
    pub fn call_stmt(&self, v: ValueId, mode: Mode) -> Option<Stmt> {
        let Def::Call { call, args } = &self.program.values[v].def else {
            return None;
        };
        let callee = self.program.calls[*call].callee;
        let outputs = self.program.calls[*call].outputs;
        let name = Some((self.local(v), false));
        if mode == Mode::Record && outputs > 1 {
            return self.record_output(v, 0);
        }
        if mode == Mode::Record {
            let graph = local(&self.names().graph);
            let shaped = self.record_args(*call, args);
            let alias = self.alias_path(callee);
            return Some(Stmt::Let {
                names: vec![name],
                expr: quote!(#alias::__record(#graph, #(#shaped),*)),
            });
        }
        let value = |_, a: ValueId| self.value(a);
        let shaped = self.call_args(*call, args, &value, &|a| self.value(a));
        let keeps_pullback = self.plan.saved.contains(&Operand::Aux(v));
        let alias = self.alias_path(callee);
        let s = self.scalar();
        let turbofish = if self.generic {
            quote!(::<#s>)
        } else {
            TokenStream::new()
        };
        let mut names = vec![name];
        if outputs > 1 {
            names
                .extend((1..outputs).map(|k| self.output_of(v, k).map(|o| (self.local(o), false))));
        }
        let suffix = if outputs > 1 { "_all" } else { "" };
        if mode == Mode::Value || !keeps_pullback {
            let function = format_ident!("__value{suffix}");
            return Some(Stmt::Let {
                names,
                expr: quote!(#alias::#function #turbofish(#(#shaped),*)),
            });
        }
        names.push(Some((self.aux(v), false)));
        let function = format_ident!("__forward{suffix}");
        Some(Stmt::Let {
            names,
            expr: quote!(#alias::#function #turbofish(#(#shaped),*)),
        })
    }

    /// The arguments of a call recorded on the graph: literals as constants of the graph,
    /// constants passed whole lifted onto it.
    fn record_args(&self, call: usize, args: &[ValueId]) -> Vec<TokenStream> {
        let private = private();
        let graph = local(&self.names().graph);
        let var = |_, a: ValueId| match &self.program.values[a].def {
            Def::Literal(x) => {
                let lit = self.literal(*x);
                quote!(#graph.constant(#lit))
            }
            _ => self.value(a),
        };
        let lift = |a: ValueId| {
            let value = self.value(a);
            quote!(#private::Lift::lift(#value, #graph))
        };
        self.call_args(call, args, &var, &lift)
    }

    /// The value `k` of call `v`, a call with several: `v` itself for 0, else its
    /// [`Def::Output`], if it is kept.
    pub fn output_of(&self, v: ValueId, k: usize) -> Option<ValueId> {
        if k == 0 {
            return Some(v);
        }
        self.program
            .values
            .iter()
            .position(|value| matches!(value.def, Def::Output { of, k: j } if of == v && j == k))
    }

    /// `let _ = t0;` after a call with several values whose own value nothing but its
    /// [`Def::Output`]s reads (the trace reads it, the passes need not).
    pub fn unread_call_value(&self, v: ValueId) -> Option<Stmt> {
        let Def::Call { call, .. } = &self.program.values[v].def else {
            return None;
        };
        if self.program.calls[*call].outputs == 1 || self.read_elsewhere(v) {
            return None;
        }
        let name = self.local(v);
        Some(Stmt::Raw(quote!(let _ = #name;)))
    }

    /// Whether anything but its [`Def::Output`]s reads value `v`.
    fn read_elsewhere(&self, v: ValueId) -> bool {
        v == self.program.output
            || self.program.values.iter().any(|value| match &value.def {
                Def::Op { args, .. } | Def::Cond { args, .. } | Def::Call { args, .. } => {
                    args.contains(&v)
                }
                Def::Select {
                    then, otherwise, ..
                } => *then == v || *otherwise == v,
                _ => false,
            })
            || self.program.branches.iter().any(|b| b.cond == v)
    }

    /// The recording of value `k` of call `v`, a call with several, on the graph: the
    /// loop recorded as one call that gives that value.
    pub fn record_output(&self, v: ValueId, k: usize) -> Option<Stmt> {
        let Def::Call { call, args } = &self.program.values[v].def else {
            return None;
        };
        let graph = local(&self.names().graph);
        let shaped = self.record_args(*call, args);
        let alias = self.alias_path(self.program.calls[*call].callee);
        let target = self.output_of(v, k)?;
        let k = Literal::usize_unsuffixed(k);
        Some(Stmt::Let {
            names: vec![Some((self.local(target), false))],
            expr: quote!(#alias::__record_all(#graph, #(#shaped,)* #k)),
        })
    }

    /// A pullback for the arm of a branch not taken.
    pub fn pullback_placeholder(&self, callee: CalleeId) -> TokenStream {
        let private = private();
        let alias = self.alias_ty(callee);
        let s = self.scalar();
        quote!(<#alias as #private::Callee>::placeholder::<#s>())
    }

    /// The backward step of a call: its pullback, pulled back by the call's adjoint, bound
    /// to one local (a `let`, so that a thousand calls are declared in groups), whose
    /// entries the contributions read. Returns the expression of each contribution.
    pub fn call_step(&mut self, step: &Step, stmts: &mut Vec<Stmt>) -> Vec<TokenStream> {
        let v = step.value;
        let Def::Call { call, .. } = &self.program.values[v].def else {
            return Vec::new();
        };
        let callee = self.program.calls[*call].callee;
        let value_name = self.names().value(v).to_owned();
        let parts = local(&self.fresh(&format!("g_{value_name}")));
        // Each argument scalar's place in the parts: the argument, then its index.
        let mut places = Vec::new();
        let call_args = match &self.program.values[v].def {
            Def::Call { args, .. } => args.clone(),
            _ => Vec::new(),
        };
        let mut at = 0;
        for (k, arg) in self.program.calls[*call].args.iter().enumerate() {
            let field = Literal::usize_unsuffixed(k);
            let here = at;
            at += arg.len();
            let whole = self
                .program
                .whole_arg(&call_args[here..at])
                .filter(|&p| self.whole[p]);
            match arg {
                // The gradient of a parameter read whole, taken whole.
                Arg::Values(_) if whole.is_some() => {
                    if let Some(p) = whole {
                        self.whole_grads.borrow_mut()[p].push(quote!(#parts.#field));
                    }
                    places.extend(std::iter::repeat_n(TokenStream::new(), arg.len()));
                }
                Arg::Values(shape) => {
                    for flat in 0..arg.len() {
                        let index = unflatten(flat, shape)
                            .into_iter()
                            .map(Literal::usize_unsuffixed);
                        places.push(quote!(#parts.#field #([#index])*));
                    }
                }
                Arg::Param(p) => {
                    self.whole_grads.borrow_mut()[*p].push(quote!(#parts.#field));
                }
                Arg::Constant => places.push(TokenStream::new()),
            }
        }
        let alias = self.alias_path(callee);
        let pullback = self.aux(v);
        let outputs = self.program.calls[*call].outputs;
        let expr = if outputs > 1 {
            // Each value's adjoint, zero where nothing after the call reads the value.
            let ds = (0..outputs).map(|k| match self.output_of(v, k) {
                Some(o) if o == self.program.output || self.plan.uses[o] > 0 => {
                    local(self.names().adjoint(o)).into_token_stream()
                }
                _ => self.literal(0.0),
            });
            quote!(#alias::__parts_all(&#pullback, [#(#ds),*]))
        } else {
            let d = local(self.names().adjoint(v));
            quote!(#alias::__parts(&#pullback, #d))
        };
        stmts.push(Stmt::Let {
            names: vec![Some((parts, false))],
            expr,
        });
        step.contributions
            .iter()
            .map(|c: &Contribution| match c.term {
                Term::Part(p) => places[p].clone(),
                _ => TokenStream::new(),
            })
            .collect()
    }
}

/// The multi-index of the `flat`-th element of an array of `shape`, row-major.
fn unflatten(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for (k, &len) in shape.iter().enumerate().rev() {
        index[k] = flat % len.max(1);
        flat /= len.max(1);
    }
    index
}
