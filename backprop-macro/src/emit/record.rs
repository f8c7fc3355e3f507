//! `record`: the program's operations put on the runtime graph, from the flat inputs of
//! the `Differentiable` view, or from the parameters as written (`__record_shaped`, for
//! the companion of a function with const generics, which has no flat view).

use proc_macro2::TokenStream;
use quote::quote;

use super::body::{Body, Stmt};
use super::code::Code;
use super::forward::Mode;
use crate::ir::{Def, Type};
use crate::names::local;

impl Code<'_> {
    /// The body of `record`: the same operations, recorded onto the runtime graph; only
    /// the arm a branch takes is recorded.
    pub fn record_body(&self) -> TokenStream {
        let args = local(&self.names.inputs);
        let mut body = Body::default();
        let read = self.inputs_read();
        body.push(Stmt::Raw(self.flat_bindings(&args, Some(&read))));
        for (p, param) in self.program.params.iter().enumerate() {
            if self.whole[p] && self.passed(p) {
                let ident = &param.ident;
                let offset = self.program.flat_position(p);
                let len = param.len_tokens();
                let j = local("j");
                body.push(Stmt::Raw(quote!(
                    let #ident = ::core::array::from_fn::<_, #len, _>(|#j| #args[#offset + #j]);
                )));
            }
        }
        self.record_rest(body)
    }

    /// The body of `__record_shaped`, which records from the parameters as written (the
    /// companion of a function with const generics, which has no flat view, calls it).
    pub fn record_shaped_body(&self) -> TokenStream {
        let mut body = Body::default();
        self.param_bindings(&mut body);
        self.record_rest(body)
    }

    /// The recording itself, after the inputs are bound: the captured constants, the
    /// operations, the output.
    fn record_rest(&self, mut body: Body) -> TokenStream {
        let graph = local(&self.names.graph);
        for (k, captured) in self.program.captured.iter().enumerate() {
            let field = local(&self.names.captured[k]);
            // Constants of the element type are graph nodes; integers are part of the
            // operation they parameterize (`Op::Powi(n)`).
            body.push(Stmt::Raw(match captured.ty {
                Type::Float => quote!(let #field = #graph.constant(self.#field);),
                _ => quote!(let #field = self.#field;),
            }));
        }
        let items = self.forward_items(Mode::Record, &mut |_, _, _| {});
        body.extend(self.render_forward(items, Mode::Record, &[]));
        let output = self.program.output;
        let tail = match &self.program.values[output].def {
            Def::Literal(x) => {
                let lit = self.literal(*x);
                quote!(#graph.constant(#lit))
            }
            _ => self.value(output),
        };
        let stmts = body.render();
        quote!(#stmts #tail)
    }
}
