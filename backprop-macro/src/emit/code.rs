//! The statements of each generated function, value by value: a renderer of the lowered
//! program and of its adjoint plan, which decides nothing about derivatives.

use backprop_core::OpInfo;
use proc_macro2::{Ident, Literal, Punct, Spacing, Span, TokenStream};
use quote::{quote, ToTokens};

use super::body::{Body, Stmt};
use super::forward::{Fwd, Mode};
use crate::ir::{Def, Elem, Program, Type, ValueId};
use crate::names::{local, ValueNames};
use crate::sweep::{Operand, Plan};

/// The hidden module of the facade through which generated code reaches the runtime.
pub fn private() -> TokenStream {
    quote!(::backprop::__private)
}

/// A function of `backprop_core::rules`, by the name its table row gives.
pub fn rule(name: &str) -> TokenStream {
    let private = private();
    let name = Ident::new(name, Span::call_site());
    quote!(#private::rules::#name)
}

/// Whether the generated passes are generic over the scalar, so that the facade's forward
/// mode and second order run them on dual numbers: the `second-order` feature, on by
/// default. Without it they are written in the element type, as a person would write
/// them, which type-checks and builds faster (BENCHMARKS.md).
pub const SECOND_ORDER: bool = cfg!(feature = "second-order");

/// How the generated passes name their scalar: `<__BackpropS: Scalar<T>>`, `::<S>` and
/// `S` when they are generic over it ([`SECOND_ORDER`]), nothing, nothing and the element
/// type when they are not.
pub struct ScalarSyntax {
    /// The type the passes compute with.
    pub ty: TokenStream,
    /// The passes' generic parameters.
    pub generics: TokenStream,
    /// The turbofish of a call of a pass in the scalar.
    pub turbofish: TokenStream,
    /// The turbofish of a call of a pass in the element type.
    pub turbofish_elem: TokenStream,
}

impl ScalarSyntax {
    /// The syntax for passes over `elem`, whose scalar bound is `bound`.
    pub fn new(elem: &TokenStream, bound: &TokenStream) -> Self {
        if SECOND_ORDER {
            let s = Code::scalar_param();
            ScalarSyntax {
                ty: s.to_token_stream(),
                generics: quote!(<#s: #bound>),
                turbofish: quote!(::<#s>),
                turbofish_elem: quote!(::<#elem>),
            }
        } else {
            ScalarSyntax {
                ty: elem.clone(),
                generics: TokenStream::new(),
                turbofish: TokenStream::new(),
                turbofish_elem: TokenStream::new(),
            }
        }
    }
}

pub struct Code<'a> {
    pub(super) program: &'a Program,
    pub(super) plan: &'a Plan,
    pub(super) names: ValueNames,
    /// The value of each scalar input, by input index.
    input_values: Vec<ValueId>,
    /// Whether the code being written is generic over the scalar (`value`, `forward`,
    /// `backward`, `value_and_grad`) rather than in the element type (`trace`, `record`).
    pub(super) generic: bool,
    /// While a generic body is written, the literals it uses, each made a scalar once at
    /// the body's top (by bits, with its local), rather than at every use.
    literals: std::cell::RefCell<Option<Vec<(u64, Ident)>>>,
    /// For each parameter, whether it is read only whole ([`Program::whole_params`]).
    pub(super) whole: Vec<bool>,
    /// The index of each parameter's first scalar input.
    pub(super) offsets: Vec<usize>,
    /// While `backward` is written, the gradients of each parameter read whole: one
    /// array expression per call it is passed to.
    pub(super) whole_grads: std::cell::RefCell<Vec<Vec<TokenStream>>>,
    /// The prefix of the generated types' names (`__Backprop`), which the callees'
    /// aliases share.
    pub(super) prefix: String,
    /// The const generic parameters every generated item is generic over, `const N:
    /// usize,` (empty for a `grad!`), and their arguments, `N,`.
    pub(super) item_params: TokenStream,
    pub(super) item_args: TokenStream,
}

/// The saved values of the pullback, split by type.
pub struct Saved {
    pub floats: Vec<Ident>,
    pub ints: Vec<Ident>,
    pub bools: Vec<Ident>,
    /// The pullbacks of calls, by callee.
    pub calls: Vec<Vec<Ident>>,
}

impl<'a> Code<'a> {
    pub fn new(program: &'a Program, plan: &'a Plan, names: ValueNames, prefix: &str) -> Self {
        let mut input_values = vec![0; program.inputs.len()];
        for (v, value) in program.values.iter().enumerate() {
            if let Def::Input(k) = value.def {
                input_values[k] = v;
            }
        }
        Code {
            program,
            plan,
            names,
            input_values,
            generic: false,
            literals: std::cell::RefCell::new(None),
            whole: program.whole_params(),
            offsets: program.param_offsets(),
            whole_grads: std::cell::RefCell::new(vec![Vec::new(); program.params.len()]),
            prefix: prefix.to_owned(),
            item_params: {
                let g = &program.generics;
                quote!(#(const #g: ::core::primitive::usize,)*)
            },
            item_args: {
                let g = &program.generics;
                quote!(#(#g,)*)
            },
        }
    }

    /// Starts collecting the literals of a generic body.
    pub(super) fn begin_literals(&self) {
        *self.literals.borrow_mut() = Some(Vec::new());
    }

    /// Ends a generic body: `let __litK = S::lit(..);` for each literal it used.
    pub(super) fn end_literals(&self) -> TokenStream {
        let used = self.literals.borrow_mut().take().unwrap_or_default();
        let (s, bound) = (self.scalar(), self.scalar_bound());
        used.into_iter()
            .map(|(bits, name)| {
                let lit = self.plain_literal(f64::from_bits(bits));
                quote!(let #name = <#s as #bound>::lit(#lit);)
            })
            .collect()
    }

    /// The body `stmts` written with its literals made scalars at its top.
    pub fn with_literals(&self, body: impl FnOnce() -> TokenStream) -> TokenStream {
        if !self.generic {
            return body();
        }
        self.begin_literals();
        let stmts = body();
        let lets = self.end_literals();
        quote!(#lets #stmts)
    }

    /// Writes the code that follows generic over the scalar, or in the element type.
    pub fn set_generic(&mut self, generic: bool) {
        self.generic = generic;
    }

    /// The generated functions' scalar type parameter.
    pub fn scalar_param() -> Ident {
        local("__BackpropS")
    }

    /// The type the code computes with: the scalar parameter, or the element type.
    pub fn scalar(&self) -> TokenStream {
        if self.generic {
            Self::scalar_param().into_token_stream()
        } else {
            self.elem()
        }
    }

    /// `Scalar<T>` for the element type T: the bound of the scalar parameter.
    pub fn scalar_bound(&self) -> TokenStream {
        let private = private();
        let elem = self.elem();
        quote!(#private::Scalar<#elem>)
    }

    pub fn names(&self) -> &ValueNames {
        &self.names
    }

    /// A further generated local's name.
    pub fn fresh(&mut self, base: &str) -> String {
        self.names.fresh(base)
    }

    /// The element type, by its absolute path: a user's scope may have its own `f64`.
    pub fn elem(&self) -> TokenStream {
        let name = Ident::new(self.program.elem.name(), Span::call_site());
        quote!(::core::primitive::#name)
    }

    /// The type of a captured constant's field: the element type, never the scalar.
    fn type_of(&self, ty: Type) -> TokenStream {
        match ty {
            Type::Float => self.elem(),
            Type::Int => quote!(::core::primitive::i32),
            Type::Bool => quote!(::core::primitive::bool),
            Type::Opaque(callee, k) => {
                let private = private();
                let alias = self.alias_ty(callee);
                let k = Literal::usize_unsuffixed(k);
                quote!(<#alias as #private::Param<#k>>::Type)
            }
        }
    }

    /// A literal of the element type; in generic code, a scalar made from it: the local a
    /// body's top makes once (inside `with_literals`), or `S::lit(..)` in place.
    pub fn literal(&self, v: f64) -> TokenStream {
        if !self.generic {
            return self.plain_literal(v);
        }
        if let Some(used) = self.literals.borrow_mut().as_mut() {
            let bits = v.to_bits();
            if let Some((_, name)) = used.iter().find(|(b, _)| *b == bits) {
                return name.to_token_stream();
            }
            let name = local(&format!("__lit{}", used.len()));
            used.push((bits, name.clone()));
            return name.into_token_stream();
        }
        let lit = self.plain_literal(v);
        let (s, bound) = (self.scalar(), self.scalar_bound());
        quote!(<#s as #bound>::lit(#lit))
    }

    /// A literal of the element type; a negative one as `-` and a positive literal.
    fn plain_literal(&self, v: f64) -> TokenStream {
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

    /// `x: f64, w: [f64; 3], ...`: the parameters as written.
    pub fn params(&self) -> TokenStream {
        let params = self.program.params.iter().map(|p| {
            let ident = &p.ident;
            let ty = self.param_type(p);
            quote!(#ident: #ty)
        });
        quote!(#(#params),*)
    }

    /// The type of a parameter: `f64`, `[f64; 3]`, `[[f64; 2]; 3]`, `[f64; { N }]`.
    pub fn param_type(&self, param: &crate::ir::Param) -> TokenStream {
        if param.named.is_some() {
            let (s, len) = (self.scalar(), param.len_tokens());
            return quote!([#s; #len]);
        }
        param.shape.iter().rev().fold(self.scalar(), |inner, &len| {
            let len = Literal::usize_unsuffixed(len);
            quote!([#inner; #len])
        })
    }

    /// The type of the gradient: `[T; N]` when every parameter is a scalar, else shaped
    /// like the parameters (one entry, or a tuple of one per parameter).
    pub fn grad_type(&self) -> TokenStream {
        if self.program.all_scalar() {
            let elem = self.scalar();
            let n = Literal::usize_unsuffixed(self.program.inputs.len());
            return quote!([#elem; #n]);
        }
        let types: Vec<TokenStream> = self
            .program
            .params
            .iter()
            .map(|p| self.param_type(p))
            .collect();
        match types.as_slice() {
            [one] => one.clone(),
            many => quote!((#(#many),*)),
        }
    }

    /// One expression (or pattern) per scalar input, shaped like the gradient.
    pub fn shaped(&self, flat: &[TokenStream]) -> TokenStream {
        if self.program.all_scalar() {
            return quote!([#(#flat),*]);
        }
        let per_param = self.per_param(flat);
        match per_param.as_slice() {
            [one] => one.clone(),
            many => quote!((#(#many),*)),
        }
    }

    /// One expression (or pattern) per scalar input, grouped and nested by parameter:
    /// `x`, `[a, b]`, `[[a, b], [c, d]]`.
    pub fn per_param(&self, flat: &[TokenStream]) -> Vec<TokenStream> {
        let mut at = 0;
        self.program
            .params
            .iter()
            .map(|p| {
                let n = p.scalars();
                let items = &flat[at..at + n];
                at += n;
                nest(&p.shape, items)
            })
            .collect()
    }

    /// The scalar inputs' locals, in order: the parameter itself for a scalar, a
    /// generated local for an element of an array.
    pub fn input_tokens(&self) -> Vec<TokenStream> {
        (0..self.program.inputs.len())
            .map(|k| self.input_token(k))
            .collect()
    }

    pub(super) fn input_token(&self, k: usize) -> TokenStream {
        let input = &self.program.inputs[k];
        let param = &self.program.params[input.param];
        if param.shape.is_empty() {
            param.ident.to_token_stream()
        } else {
            local(self.names.value(self.input_values[k])).into_token_stream()
        }
    }

    /// The struct fields for the captured constants and their initializers, the user's
    /// expressions, evaluated once where `grad!` is written.
    pub fn captured_fields(&self) -> (TokenStream, TokenStream) {
        let mut fields = TokenStream::new();
        let mut init = TokenStream::new();
        for (k, captured) in self.program.captured.iter().enumerate() {
            let name = local(&self.names.captured[k]);
            let ty = self.type_of(captured.ty);
            let expr = &captured.expr;
            fields.extend(quote!(#name: #ty,));
            init.extend(quote!(#name: #expr,));
        }
        (fields, init)
    }

    /// A value as an expression: an input's name, a literal, or a generated local.
    pub fn value(&self, v: ValueId) -> TokenStream {
        match &self.program.values[v].def {
            Def::Input(k) => self.input_token(*k),
            Def::Literal(x) => self.literal(*x),
            Def::IntLiteral(n) => Literal::i32_unsuffixed(*n).into_token_stream(),
            Def::Captured(_)
            | Def::Op { .. }
            | Def::Cond { .. }
            | Def::Select { .. }
            | Def::Call { .. }
            | Def::Output { .. } => local(self.names.value(v)).into_token_stream(),
        }
    }

    pub fn operand(&self, operand: Operand) -> TokenStream {
        match operand {
            Operand::Value(v) => self.value(v),
            Operand::Aux(v) => self.aux(v).into_token_stream(),
        }
    }

    pub fn local(&self, v: ValueId) -> Ident {
        local(self.names.value(v))
    }

    pub fn aux(&self, v: ValueId) -> Ident {
        local(self.names.aux[v].as_deref().unwrap_or("_"))
    }

    /// Whether parameter `p` is passed whole to a call.
    pub(super) fn passed(&self, p: usize) -> bool {
        self.program.values.iter().any(|value| match &value.def {
            Def::Call { call, args } => {
                self.program.calls[*call]
                    .args
                    .contains(&crate::ir::Arg::Param(p))
                    || self.program.whole_arg_positions(*call, args).contains(&p)
            }
            _ => false,
        })
    }

    /// Which inputs the expression reads: an operation's argument, or the output itself.
    pub(super) fn inputs_read(&self) -> Vec<bool> {
        let mut read = vec![false; self.program.inputs.len()];
        let used = self
            .program
            .values
            .iter()
            .flat_map(|value| match &value.def {
                Def::Op { args, .. } | Def::Cond { args, .. } | Def::Call { args, .. } => {
                    args.clone()
                }
                Def::Select {
                    then, otherwise, ..
                } => vec![*then, *otherwise],
                _ => Vec::new(),
            });
        for v in used.chain([self.program.output]) {
            if let Def::Input(k) = self.program.values[v].def {
                read[k] = true;
            }
        }
        read
    }

    /// Reads of the captured constants at the top of a forward function, and `let _ = x;`
    /// for inputs the expression never reads (so they raise no unused-variable warning).
    pub(super) fn prologue(&self, body: &mut Body) {
        let (s, bound, private) = (self.scalar(), self.scalar_bound(), private());
        // `let`s, so that thousands of captured constants are declared in groups.
        for (k, name) in self.names.captured.iter().enumerate() {
            let field = local(name);
            let expr = match self.program.captured[k].ty {
                Type::Float if self.generic => quote!(<#s as #bound>::lit(self.#field)),
                Type::Opaque(..) if self.generic => {
                    quote!(#private::Promote::<#s>::promote(self.#field))
                }
                _ => quote!(self.#field),
            };
            body.push(Stmt::Let {
                names: vec![Some((field, false))],
                expr,
            });
        }
        self.param_bindings(body);
    }

    /// The parameters taken apart into the inputs' locals: each array parameter's
    /// elements (those read), `let _ = x;` for a parameter nothing reads; a parameter
    /// read whole stays as it came.
    pub(super) fn param_bindings(&self, body: &mut Body) {
        let read = self.inputs_read();
        let mut at = 0;
        for (p, param) in self.program.params.iter().enumerate() {
            let n = param.scalars();
            let ident = &param.ident;
            let used = &read[at..at + n];
            if self.whole[p] {
                // Passed on whole, as it came; an array of named length may be read by
                // nothing.
                if !self.passed(p) {
                    body.push(Stmt::Raw(quote!(let _ = #ident;)));
                }
            } else if !used.iter().any(|&r| r) {
                body.push(Stmt::Raw(quote!(let _ = #ident;)));
            } else if !param.shape.is_empty() {
                // The elements of an array parameter, each a scalar input.
                let elems: Vec<TokenStream> = (at..at + n)
                    .map(|k| {
                        if read[k] {
                            self.input_token(k)
                        } else {
                            quote!(_)
                        }
                    })
                    .collect();
                let pattern = nest(&param.shape, &elems);
                body.push(Stmt::Raw(quote!(let #pattern = #ident;)));
            }
            at += n;
        }
    }

    /// The forward expression of an operation: its operator, or a call of its forward
    /// rule; with `keep_aux`, the rule that also returns the auxiliary value.
    pub fn forward_expr(&self, info: &OpInfo, args: &[ValueId], keep_aux: bool) -> TokenStream {
        let a: Vec<TokenStream> = args.iter().map(|&a| self.value(a)).collect();
        if let Some(symbol) = info.symbol {
            let op: TokenStream = symbol.parse().unwrap_or_default();
            return match a.as_slice() {
                [x] => quote!(#op #x),
                [x, y] => quote!(#x #op #y),
                _ => TokenStream::new(),
            };
        }
        let function = rule(if keep_aux {
            info.forward_rule
        } else {
            info.value_rule
        });
        quote!(#function(#(#a),*))
    }

    /// The body of `value`: the forward statements with the output as the tail.
    pub fn value_body(&self) -> TokenStream {
        self.with_literals(|| self.value_body_inner())
    }

    fn value_body_inner(&self) -> TokenStream {
        let mut body = Body::default();
        self.prologue(&mut body);
        let mut items = self.forward_items(Mode::Value, &mut |_, _, _| {});
        // The output's own statement is the tail, not `let out = ..; out`.
        let output = self.program.output;
        let mut tail = self.value(output);
        if let (Some((None, Fwd::Stmt(Stmt::Let { names, expr }))), Def::Op { .. }) =
            (items.last(), &self.program.values[output].def)
        {
            if names.len() == 1 && names[0].as_ref().map(|n| &n.0) == Some(&self.local(output)) {
                tail = expr.clone();
                items.pop();
            }
        }
        body.extend(self.render_forward(items, Mode::Value, &[]));
        let stmts = body.render();
        quote!(#stmts #tail)
    }

    /// The forward statements (keeping auxiliary values, and binding every saved value at
    /// the top), and the output's name.
    pub fn forward_body(&self) -> (TokenStream, TokenStream) {
        let stmts = self.with_literals(|| {
            let mut body = Body::default();
            self.prologue(&mut body);
            let items = self.forward_items(Mode::Forward, &mut |_, _, _| {});
            body.extend(self.render_forward(items, Mode::Forward, &self.plan.saved));
            body.render()
        });
        (stmts, self.value(self.program.output))
    }

    /// The names of what the forward pass saves, in the plan's order, by type.
    pub fn saved(&self) -> Saved {
        let mut saved = Saved {
            floats: Vec::new(),
            ints: Vec::new(),
            bools: Vec::new(),
            calls: vec![Vec::new(); self.program.callees.len()],
        };
        for &operand in &self.plan.saved {
            if let Operand::Aux(v) = operand {
                if let Some(callee) = self.callee_of(v) {
                    saved.calls[callee].push(self.operand_ident(operand));
                    continue;
                }
            }
            let (name, ty) = match operand {
                Operand::Value(v) => (self.operand_ident(operand), self.program.values[v].ty),
                Operand::Aux(_) => (self.operand_ident(operand), Type::Float),
            };
            match ty {
                // A constant argument passed whole is never read backward.
                Type::Float | Type::Opaque(..) => saved.floats.push(name),
                Type::Int => saved.ints.push(name),
                Type::Bool => saved.bools.push(name),
            }
        }
        saved
    }

    /// The local that holds a saved operand.
    pub fn operand_ident(&self, operand: Operand) -> Ident {
        match operand {
            Operand::Value(v) => match self.program.values[v].def {
                Def::Input(k) => syn::parse2(self.input_token(k)).unwrap_or_else(|_| local("_")),
                _ => self.local(v),
            },
            Operand::Aux(v) => self.aux(v),
        }
    }

    /// The gradient, shaped like the parameters: each input's adjoint, or 0; for a
    /// parameter read whole, the sum of the gradients its calls give.
    pub fn gradient(&self) -> TokenStream {
        if !self.any_whole() {
            return self.shaped(&self.gradient_flat());
        }
        let mut per_param = self.per_param(&self.gradient_flat());
        let grads = self.whole_grads.borrow();
        for (p, whole) in self.whole.iter().enumerate() {
            if !whole {
                continue;
            }
            per_param[p] = match grads[p].as_slice() {
                [one] => one.clone(),
                [first, rest @ ..] => {
                    let j = local("j");
                    quote!(::core::array::from_fn(|#j| #first[#j] #(+ #rest[#j])*))
                }
                // An array of named length that nothing reads.
                [] => {
                    let (zero, len) = (self.literal(0.0), self.program.params[p].len_tokens());
                    quote!([#zero; #len])
                }
            };
        }
        match per_param.as_slice() {
            [one] => one.clone(),
            many => quote!((#(#many),*)),
        }
    }

    /// Each input's adjoint, or 0, in input order.
    pub(super) fn gradient_flat(&self) -> Vec<TokenStream> {
        self.plan
            .gradient
            .iter()
            .enumerate()
            .map(|(k, v)| match v {
                _ if self.whole[self.program.inputs[k].param] => quote!(_),
                Some(v) => local(self.names.adjoint(*v)).into_token_stream(),
                None => self.literal(0.0),
            })
            .collect()
    }
}

/// Items nested by `shape`, row-major: `[a, b]`, `[[a, b], [c, d]]`; the item itself for a
/// scalar. As an expression it builds an array, as a pattern it takes one apart.
pub fn nest(shape: &[usize], items: &[TokenStream]) -> TokenStream {
    match shape.split_first() {
        None => items.first().cloned().unwrap_or_default(),
        Some((&len, inner)) => {
            let step = (items.len() / len.max(1)).max(1);
            let rows = items.chunks(step).map(|chunk| nest(inner, chunk));
            quote!([#(#rows),*])
        }
    }
}
