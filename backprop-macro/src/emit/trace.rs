//! The body of `trace`: the statements of `value_and_grad` in the element type, each
//! followed by a record of its line of the derivation with its operands' values.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{quote, ToTokens};

use super::body::{Body, Stmt};
use super::code::{private, Code};
use super::forward::{Fwd, Mode};
use crate::derivation::{Kind, Line, Slot};
use crate::ir::{Type, ValueId};
use crate::names::local;
use crate::sweep::Operand;

impl Code<'_> {
    /// The body of `trace`: the statements of `value_and_grad`, each followed by a record
    /// of its line of the derivation with its operands' values and its own.
    pub fn trace_body(&mut self, lines: &[Line]) -> TokenStream {
        let private = private();
        let elem = self.elem();
        let trace = local(&self.names.fresh("trace"));
        let contributions = self.plan.steps.iter().map(|s| s.contributions.len()).sum();
        let terms: Vec<Ident> = (0..contributions)
            .map(|_| local(&self.names.fresh("term")))
            .collect();
        let index: std::collections::HashMap<Kind, usize> = lines
            .iter()
            .enumerate()
            .map(|(k, line)| (line.kind, k))
            .collect();
        let line_of = |kind: Kind| index.get(&kind).copied();
        // `total`: the adjoint a contribution added to, for the `+=` steps.
        let record = |code: &Code<'_>, k: usize, value: TokenStream, total: Option<Ident>| {
            let operands = lines[k].operands.iter().map(|&slot| match slot {
                Slot::Value(v) => code.as_elem(v),
                Slot::Adjoint(v) => local(code.names.adjoint(v)).into_token_stream(),
            });
            let k = Literal::usize_unsuffixed(k);
            Stmt::Raw(match total {
                None => quote!(#trace.step(#k, &[#(#operands),*], #value);),
                Some(total) => {
                    quote!(#trace.step_total(#k, &[#(#operands),*], #value, #total);)
                }
            })
        };
        let none = None;

        let mut body = Body::default();
        self.prologue(&mut body);
        let inputs = (0..self.program.inputs.len()).map(|k| {
            let name = self.program.input_name(k);
            // Through the parameter: an element nothing reads has no local.
            let input = &self.program.inputs[k];
            let ident = &self.program.params[input.param].ident;
            let index = input.index.iter().map(|&i| Literal::usize_unsuffixed(i));
            quote!((#name, #ident #([#index])*))
        });
        let one = self.literal(1.0);
        let table = self.step_table(lines);
        body.push(Stmt::Raw(quote!(
            let mut #trace = #private::Trace::<#elem>::new(&[#(#inputs),*], #one, #table);
        )));
        for (k, line) in lines.iter().enumerate() {
            if let Kind::Captured(c) = line.kind {
                let name = local(&self.names.captured[c]);
                let value = match self.program.captured[c].ty {
                    Type::Int => quote!(<#elem as #private::Float>::from_i32(#name)),
                    _ => name.into_token_stream(),
                };
                body.push(record(self, k, value, none.clone()));
            }
        }
        let items = self.forward_items(Mode::Forward, &mut |code, v, items| {
            if let Some(k) = line_of(Kind::Forward(v)) {
                let value = code.as_elem(v);
                let guard = code.program.values[v].guard;
                items.push((guard, Fwd::Stmt(record(code, k, value, none.clone()))));
            }
        });
        // The backward lines also show values the backward pass does not read (`x` in
        // sigmoid's `e = exp(-|x|)`): those escape the arms too.
        let mut escapes: Vec<Operand> = self.plan.saved.clone();
        let mut escaping: std::collections::HashSet<Operand> = escapes.iter().copied().collect();
        for line in lines.iter().filter(|line| !line.is_forward()) {
            for &slot in &line.operands {
                if let Slot::Value(v) = slot {
                    if escaping.insert(Operand::Value(v)) {
                        escapes.push(Operand::Value(v));
                    }
                }
            }
        }
        body.extend(self.render_forward(items, Mode::Forward, &escapes));
        let out = self.value(self.program.output);
        if let Some(k) = line_of(Kind::OutputIsInput) {
            body.push(record(self, k, out.clone(), none.clone()));
        }
        let dout = local(&self.names.dout);
        body.push(Stmt::Raw(quote!(let #dout: #elem = #one;)));
        let mut fresh = 0;
        let items = self.backward_items(&mut |code, c, expr, items| {
            let term = terms[fresh].clone();
            fresh += 1;
            let stmt = Stmt::Let {
                names: vec![Some((term.clone(), false))],
                expr,
            };
            items.push((c.guard, stmt));
            items.push((c.guard, code.accumulate(c, term.to_token_stream())));
            let Some(k) = line_of(Kind::Contribution(c.step, c.position)) else {
                return;
            };
            let total = (!c.first).then(|| local(code.names.adjoint(c.target)));
            items.push((c.guard, record(code, k, term.into_token_stream(), total)));
        });
        body.extend(self.render_backward(items));
        if let Some(k) = line_of(Kind::OutputAdjoint) {
            body.push(record(self, k, dout.to_token_stream(), none.clone()));
        }
        let gradient = self.gradient_flat();
        let stmts = body.render();

        quote! {
            #stmts
            #trace.finish(#out, &[#(#gradient),*])
        }
    }

    /// Every line's text as one string, in the format `StepText::parse_table` reads.
    fn step_table(&self, lines: &[Line]) -> String {
        let mut table = String::new();
        for (k, line) in lines.iter().enumerate() {
            if k > 0 {
                table.push('\u{1d}');
            }
            let condition =
                matches!(line.kind, Kind::Forward(v) if self.program.values[v].ty == Type::Bool);
            let fields = [
                if line.is_forward() { "F" } else { "B" }.to_owned(),
                u8::from(condition).to_string(),
                u8::from(line.accumulates).to_string(),
                self.program.path(line.guard).len().to_string(),
                line.target.clone(),
                line.pieces.join("\u{1e}"),
                line.names.join("\u{1e}"),
            ];
            table.push_str(&fields.join("\u{1f}"));
        }
        table
    }

    /// A value as a number of the element type, for the trace: the exponent of `powi`
    /// converted, a condition as 1 or 0.
    fn as_elem(&self, v: ValueId) -> TokenStream {
        let private = private();
        let elem = self.elem();
        let token = self.value(v);
        match self.program.values[v].ty {
            // The derivation shows a constant argument passed whole as text, never as a
            // number.
            Type::Float | Type::Opaque(..) => token,
            Type::Int => quote!(<#elem as #private::Float>::from_i32(#token)),
            Type::Bool => {
                let (one, zero) = (self.literal(1.0), self.literal(0.0));
                quote!(if #token { #one } else { #zero })
            }
        }
    }
}
