//! The forward pass as statements: one per value, grouped into real `if`s for the
//! branches decided at run time, for `value`, `forward`, `trace` and `record`.
//!
//! Input: `if x > 0.0 { x.ln() } else { 0.0 }` (with `t0` saved for the backward pass).
//! Output:
//!
//! ```text
//! let cond0 = x > 0.0;
//! let (out, t0) = if cond0 {
//!     let t0 = rules::ln(x);
//!     (t0, t0)
//! } else {
//!     (0.0, 0.0)
//! };
//! ```
//!
//! Each arm returns the branch's selected values and the values saved inside it; the arm
//! not taken returns zeros for the other arm's saved values, which its backward pass never
//! reads.

use proc_macro2::{Ident, TokenStream};
use quote::{quote, ToTokens};

use super::body::{Body, Stmt};
use super::code::{private, Code};
use crate::ir::{CondOp, Def, Guard, Type, ValueId};
use crate::regions::{self, Node};
use crate::sweep::Operand;

/// Which forward pass is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The value alone, without auxiliary values.
    Value,
    /// With auxiliary values, for `forward`, `value_and_grad` and `trace`.
    Forward,
    /// Onto the runtime graph, for `record`.
    Record,
}

/// One item of the forward pass.
pub enum Fwd {
    Stmt(Stmt),
    /// A value of a branch, bound by the branch's `if`.
    Select(ValueId),
}

/// Adds items after a value's own (the trace's records).
pub type After<'c> = dyn FnMut(&Code<'_>, ValueId, &mut Vec<(Guard, Fwd)>) + 'c;

impl Code<'_> {
    /// The forward statements of every value, at its guard, in program order.
    pub fn forward_items(&self, mode: Mode, after: &mut After<'_>) -> Vec<(Guard, Fwd)> {
        let mut items = Vec::new();
        // What follows a branch's selects waits until the last of them: the branch's `if`
        // binds them all at once.
        let mut pending: Vec<(Guard, Fwd)> = Vec::new();
        let branch_of = |v: ValueId| match self.program.values.get(v).map(|value| &value.def) {
            Some(Def::Select { branch, .. }) => Some(*branch),
            _ => None,
        };
        for (v, value) in self.program.values.iter().enumerate() {
            match &value.def {
                Def::Select { branch, .. } => {
                    items.push((value.guard, Fwd::Select(v)));
                    after(self, v, &mut pending);
                    if branch_of(v + 1) != Some(*branch) {
                        items.append(&mut pending);
                    }
                    continue;
                }
                Def::Op { .. } | Def::Cond { .. } | Def::Call { .. } | Def::Output { .. } => {
                    if let Some(stmt) = self.value_stmt(v, mode) {
                        items.push((value.guard, Fwd::Stmt(stmt)));
                    }
                    if let Some(stmt) = self.unread_call_value(v) {
                        items.push((value.guard, Fwd::Stmt(stmt)));
                    }
                }
                _ => continue,
            }
            after(self, v, &mut items);
        }
        items
    }

    /// The statement that computes value `v`.
    fn value_stmt(&self, v: ValueId, mode: Mode) -> Option<Stmt> {
        let value = &self.program.values[v];
        match &value.def {
            Def::Call { .. } => self.call_stmt(v, mode),
            // Bound by its call's statement, or on the graph recorded on its own.
            Def::Output { of, k } if mode == Mode::Record => self.record_output(*of, *k),
            Def::Output { .. } => None,
            Def::Op { info, args } if mode == Mode::Record => {
                let expr = self.record_expr(info, args);
                Some(Stmt::Let {
                    names: vec![Some((self.local(v), false))],
                    expr,
                })
            }
            Def::Op { info, args } => {
                let keep_aux = mode == Mode::Forward && info.signature.has_aux();
                let expr = self.forward_expr(info, args, keep_aux);
                let mut names = vec![Some((self.local(v), false))];
                if keep_aux {
                    names.push(Some((self.aux(v), false)));
                }
                Some(Stmt::Let { names, expr })
            }
            Def::Cond { op, args } => {
                let operand = |a: ValueId| {
                    let token = self.value(a);
                    let is_node = !self.program.values[a].is_literal()
                        && self.program.values[a].ty == Type::Float;
                    if mode == Mode::Record && is_node {
                        quote!(#token.value())
                    } else {
                        token
                    }
                };
                let expr = match (op, args.as_slice()) {
                    (CondOp::Const(b), _) => quote!(#b),
                    (CondOp::Not, [a]) => {
                        let a = operand(*a);
                        quote!(!#a)
                    }
                    (op, [a, b]) => {
                        let symbol: TokenStream = op.symbol().parse().unwrap_or_default();
                        let (a, b) = (operand(*a), operand(*b));
                        quote!(#a #symbol #b)
                    }
                    _ => quote!(false),
                };
                Some(Stmt::Let {
                    names: vec![Some((self.local(v), false))],
                    expr,
                })
            }
            _ => None,
        }
    }

    /// The statements of `items` in a body, each run of a branch's items written as an
    /// `if` whose arms return the branch's values and the values in `escapes` computed
    /// inside them.
    pub fn render_forward(
        &self,
        items: Vec<(Guard, Fwd)>,
        mode: Mode,
        escapes: &[Operand],
    ) -> Body {
        let nodes = regions::tree(self.program, items);
        self.render_nodes(nodes, mode, escapes)
    }

    /// A value an arm returns: on the graph, a literal becomes a constant node.
    fn arm_value(&self, v: ValueId, mode: Mode) -> TokenStream {
        match (&self.program.values[v].def, mode) {
            (Def::Literal(x), Mode::Record) => {
                let graph = crate::names::local(&self.names().graph);
                let lit = self.literal(*x);
                quote!(#graph.constant(#lit))
            }
            _ => self.value(v),
        }
    }

    fn render_nodes(&self, nodes: Vec<Node<Fwd>>, mode: Mode, escapes: &[Operand]) -> Body {
        let mut body = Body::default();
        let mut nodes = nodes.into_iter().peekable();
        while let Some(node) = nodes.next() {
            match node {
                Node::Item(Fwd::Stmt(stmt)) => body.push(stmt),
                // A select outside its branch's run: its branch computed nothing, so both
                // sides are values from before it.
                Node::Item(Fwd::Select(v)) => body.push(self.select_stmt(v, mode)),
                Node::Branch {
                    branch,
                    then,
                    otherwise,
                } => {
                    let mut selects = Vec::new();
                    while let Some(Node::Item(Fwd::Select(v))) = nodes.peek() {
                        match &self.program.values[*v].def {
                            Def::Select { branch: b, .. } if *b == branch => {
                                selects.push(*v);
                                nodes.next();
                            }
                            _ => break,
                        }
                    }
                    let stmt = self.branch_stmt(branch, (then, otherwise), &selects, mode, escapes);
                    body.push(stmt);
                }
            }
        }
        body
    }

    /// `let (s.., e..) = if cond { ..; (then.., e..) } else { ..; (else.., e..) };`
    fn branch_stmt(
        &self,
        branch: usize,
        (then, otherwise): (Vec<Node<Fwd>>, Vec<Node<Fwd>>),
        selects: &[ValueId],
        mode: Mode,
        escapes: &[Operand],
    ) -> Stmt {
        let inside = |operand: &Operand, side: bool| {
            let v = match *operand {
                Operand::Value(v) | Operand::Aux(v) => v,
            };
            let arm = self.program.arm(branch, side);
            self.program
                .path(self.program.values[v].guard)
                .contains(&arm)
        };
        let escaping: Vec<Operand> = escapes
            .iter()
            .filter(|o| inside(o, true) || inside(o, false))
            .copied()
            .collect();
        let names: Vec<Ident> = selects
            .iter()
            .map(|&v| self.local(v))
            .chain(escaping.iter().map(|&o| self.operand_ident(o)))
            .collect();
        let arm = |nodes: Vec<Node<Fwd>>, side: bool| -> TokenStream {
            let stmts = self.render_nodes(nodes, mode, escapes).render();
            let results: Vec<TokenStream> = selects
                .iter()
                .map(|&v| match &self.program.values[v].def {
                    Def::Select {
                        then, otherwise, ..
                    } => self.arm_value(if side { *then } else { *otherwise }, mode),
                    _ => TokenStream::new(),
                })
                .chain(escaping.iter().map(|o| {
                    if inside(o, side) {
                        self.operand_ident(*o).into_token_stream()
                    } else {
                        self.placeholder(*o)
                    }
                }))
                .collect();
            match results.as_slice() {
                [one] => quote!({ #stmts #one }),
                many => quote!({ #stmts (#(#many),*) }),
            }
        };
        let cond = self.value(self.program.branches[branch].cond);
        let (then, otherwise) = (arm(then, true), arm(otherwise, false));
        let expr = quote!(if #cond #then else #otherwise);
        if names.is_empty() {
            return Stmt::Raw(quote!(#expr;));
        }
        Stmt::Let {
            names: names.into_iter().map(|n| Some((n, false))).collect(),
            expr,
        }
    }

    /// A select whose branch has no statements: `if cond { a } else { b }`.
    fn select_stmt(&self, v: ValueId, mode: Mode) -> Stmt {
        let Def::Select {
            branch,
            then,
            otherwise,
        } = &self.program.values[v].def
        else {
            return Stmt::Raw(TokenStream::new());
        };
        let cond = self.value(self.program.branches[*branch].cond);
        let (a, b) = (
            self.arm_value(*then, mode),
            self.arm_value(*otherwise, mode),
        );
        Stmt::Let {
            names: vec![Some((self.local(v), false))],
            expr: quote!(if #cond { #a } else { #b }),
        }
    }

    /// The value an arm not taken gives for a saved value of the other arm.
    fn placeholder(&self, operand: Operand) -> TokenStream {
        match operand {
            Operand::Aux(v) => match self.callee_of(v) {
                Some(callee) => self.pullback_placeholder(callee),
                None => self.literal(0.0),
            },
            Operand::Value(v) => match self.program.values[v].ty {
                Type::Float | Type::Opaque(..) => self.literal(0.0),
                Type::Int => quote!(0),
                Type::Bool => quote!(false),
            },
        }
    }

    /// The runtime graph's record of an operation.
    fn record_expr(&self, info: &backprop_core::OpInfo, args: &[ValueId]) -> TokenStream {
        let private = private();
        let graph = crate::names::local(&self.names().graph);
        let variant = Ident::new(info.variant, proc_macro2::Span::call_site());
        let (mut ints, mut floats) = (Vec::new(), Vec::new());
        for (&a, ty) in args.iter().zip(info.signature.params()) {
            match ty {
                backprop_core::ParamType::Int => ints.push(self.value(a)),
                backprop_core::ParamType::Float => floats.push(match &self.program.values[a].def {
                    Def::Literal(x) => {
                        let lit = self.literal(*x);
                        quote!(#graph.constant(#lit))
                    }
                    _ => self.value(a),
                }),
            }
        }
        let op = if ints.is_empty() {
            quote!(#private::Op::#variant)
        } else {
            quote!(#private::Op::#variant(#(#ints),*))
        };
        quote!(#graph.apply(#op, &[#(#floats),*]))
    }
}
