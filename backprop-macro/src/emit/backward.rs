//! The backward pass as statements, rendered from the adjoint plan: each contribution at
//! the arm it runs in, grouped into real `if`s on the saved conditions, so `backward`
//! follows the arm its forward pass took.

use std::collections::HashMap;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{quote, ToTokens};

use super::body::{Body, Stmt};
use super::code::{rule, Code};
use crate::ir::{Def, Guard};
use crate::names::local;
use crate::regions::{self, Node};
use crate::sweep::{Contribution, Step, Term};

/// What a backward renderer does with one contribution and its expression: push its
/// statements, at the contribution's arm.
pub type Contribute<'c, 'a> =
    dyn FnMut(&Code<'a>, &Contribution, TokenStream, &mut Vec<(Guard, Stmt)>) + 'c;

impl<'a> Code<'a> {
    /// The body of `backward`: the plan's statements, ending in the gradient.
    pub fn backward_body(&mut self) -> TokenStream {
        for grads in self.whole_grads.borrow_mut().iter_mut() {
            grads.clear();
        }
        let generic = self.generic;
        if generic {
            self.begin_literals();
        }
        let items = self.backward_items(&mut |code, c, expr, items| {
            items.push((c.guard, code.accumulate(c, expr)));
        });
        let stmts = self.render_backward(items).render();
        let gradient = self.gradient();
        let lets = if generic {
            self.end_literals()
        } else {
            TokenStream::new()
        };
        quote!(#lets #stmts #gradient)
    }

    /// The statements of every step of the plan, each at its arm.
    pub fn backward_items(&mut self, contribute: &mut Contribute<'_, 'a>) -> Vec<(Guard, Stmt)> {
        let mut items = Vec::new();
        if !self.plan.reads_dout {
            let dout = local(&self.names().dout);
            items.push((None, Stmt::Raw(quote!(let _ = #dout;))));
        }
        for step in &self.plan.steps {
            self.step(step, &mut items, contribute);
        }
        items
    }

    /// The statements in a body, each run of a branch's statements an `if` on its saved
    /// condition.
    pub fn render_backward(&self, items: Vec<(Guard, Stmt)>) -> Body {
        let mut predeclared: HashMap<Guard, Vec<usize>> = HashMap::new();
        for &target in &self.plan.predeclared {
            let guard = self.program.values[target].guard;
            predeclared.entry(guard).or_default().push(target);
        }
        self.render_backward_nodes(regions::tree(self.program, items), None, &predeclared)
    }

    /// The statements of one arm (or of the top, `guard` `None`), starting with the
    /// adjoints declared there that a deeper arm adds to.
    fn render_backward_nodes(
        &self,
        nodes: Vec<Node<Stmt>>,
        guard: Guard,
        predeclared: &HashMap<Guard, Vec<usize>>,
    ) -> Body {
        let mut body = Body::default();
        for &target in predeclared.get(&guard).map_or(&[][..], Vec::as_slice) {
            let name = local(self.names().adjoint(target));
            body.push(Stmt::Let {
                names: vec![Some((name, true))],
                expr: self.literal(0.0),
            });
        }
        for node in nodes {
            match node {
                Node::Item(stmt) => body.push(stmt),
                Node::Branch {
                    branch,
                    then,
                    otherwise,
                } => {
                    let cond = self.value(self.program.branches[branch].cond);
                    let arm = |side| Some(self.program.arm(branch, side));
                    let then = self.render_backward_nodes(then, arm(true), predeclared);
                    let otherwise = self.render_backward_nodes(otherwise, arm(false), predeclared);
                    let (then, otherwise) = (then.render(), otherwise.render());
                    body.push(Stmt::Raw(quote!(if #cond { #then } else { #otherwise })));
                }
            }
        }
        body
    }

    /// The contributions of one step to its arguments' adjoints.
    fn step(
        &mut self,
        step: &Step,
        items: &mut Vec<(Guard, Stmt)>,
        contribute: &mut Contribute<'_, 'a>,
    ) {
        let v = step.value;
        let guard = self.program.values[v].guard;
        if self.callee_of(v).is_some() {
            let mut stmts = Vec::new();
            let exprs = self.call_step(step, &mut stmts);
            items.extend(stmts.into_iter().map(|stmt| (guard, stmt)));
            for (c, expr) in step.contributions.iter().zip(exprs) {
                // An element of a parameter read whole: its gradient is taken whole.
                if !self.is_whole_element(c.target) {
                    contribute(self, c, expr, items);
                }
            }
            return;
        }
        let d = local(self.names().adjoint(v));
        // The derivative rule's result: one expression, or a tuple bound to one local per
        // component that two or more contributions read.
        let (call, arity) = match (&self.program.values[v].def, &step.rule_call) {
            (Def::Op { info, .. }, Some(operands)) => {
                let function = rule(info.grad_rule);
                let operands = operands.iter().map(|&o| self.operand(o));
                (
                    Some(quote!(#function(#(#operands,)* #d))),
                    info.signature.arity(),
                )
            }
            _ => (None, 0),
        };
        let rule_terms = step
            .contributions
            .iter()
            .filter(|c| matches!(c.term, Term::Rule(_)))
            .count();
        let mut components: Vec<Option<Ident>> = Vec::new();
        if let (Some(call), true) = (&call, rule_terms > 1) {
            let value_name = self.names().value(v).to_owned();
            components = (0..arity)
                .map(|p| {
                    step.contributions
                        .iter()
                        .any(|c| c.term == Term::Rule(Some(p)))
                        .then(|| local(&self.fresh(&format!("g_{value_name}_{p}"))))
                })
                .collect();
            let names = components
                .iter()
                .map(|p| p.clone().map(|p| (p, false)))
                .collect();
            items.push((
                guard,
                Stmt::Let {
                    names,
                    expr: call.clone(),
                },
            ));
        }
        for c in &step.contributions {
            let expr = match c.term {
                Term::Pass => quote!(#d),
                Term::Negate => quote!(-#d),
                Term::Times(a) => {
                    let a = self.value(a);
                    quote!(#d * #a)
                }
                Term::Rule(component) => match (&call, component) {
                    (_, Some(k)) if rule_terms > 1 => components[k].to_token_stream(),
                    (Some(call), Some(k)) => {
                        let field = Literal::usize_unsuffixed(k);
                        quote!(#call.#field)
                    }
                    (Some(call), None) => call.clone(),
                    (None, _) => TokenStream::new(),
                },
                Term::Part(_) => TokenStream::new(),
            };
            contribute(self, c, expr, items);
        }
    }

    /// `d_x = expr;` for the first contribution, `d_x += expr;` for the others.
    pub fn accumulate(&self, c: &Contribution, expr: TokenStream) -> Stmt {
        let target = local(self.names().adjoint(c.target));
        if c.first {
            Stmt::Let {
                names: vec![Some((target, self.plan.uses[c.target] > 1))],
                expr,
            }
        } else {
            Stmt::AddAssign { name: target, expr }
        }
    }
}
