//! Random expressions, built bottom-up at a known evaluation point: every argument is
//! evaluated as soon as it exists, so an operation with a restricted domain gets an
//! argument inside it (as drawn, or wrapped in a guard such as `u * u + 0.5`), and a kink
//! is kept a margin away; anything else is drawn again.

use backprop_core::{Op, Signature, OPS};

use crate::domain::{domains, jointly_safe, Domain};
use crate::expr::{all_ops, canonical, Const, Consts, Elem, Eval, Lit, Node, Style};
use crate::rng::Rng;

/// The literals written in expressions: integers, decimals and exponent forms, none of
/// them 0 or 1 (so the reference code trips no identity lint).
const LITERALS: &[&str] = &[
    "2", "3", "4", "5", "0.5", "1.5", "2.0", "2.5", "0.25", "0.75", "0.3", "0.7", "1.25", "3.0",
    "0.1", "0.2", "0.4", "0.6", "0.8", "0.9", "1.2", "1.8", "3.5", "2.5e-1", "5e-1", "1.5e0",
];

pub struct Gen<'r> {
    pub rng: &'r mut Rng,
    pub elem: Elem,
    pub closure: bool,
    /// Values of the inputs at the evaluation point, exact in the element type.
    pub point: Vec<f64>,
    /// Values of the `let` bindings generated so far.
    pub lets: Vec<f64>,
    /// The bindings a name can reach at the current position (not shadowed).
    pub visible: Vec<usize>,
    pub consts: Consts,
    /// Inputs whose name a `let` has taken over, so a name would reach the binding.
    pub hidden: Vec<bool>,
    ops: Vec<Op>,
    weights: Vec<u32>,
}

impl<'r> Gen<'r> {
    pub fn new(
        rng: &'r mut Rng,
        elem: Elem,
        closure: bool,
        point: Vec<f64>,
        consts: Consts,
    ) -> Self {
        let ops: Vec<Op> = OPS
            .iter()
            .map(|row| {
                *all_ops()
                    .iter()
                    .find(|op| op.info().variant == row.variant)
                    .expect("main checks that every row has an Op")
            })
            .collect();
        // The four arithmetic operators are the bulk of real expressions.
        let weights = OPS
            .iter()
            .map(|row| {
                if row.symbol.is_some() && row.signature == Signature::Binary {
                    4
                } else {
                    1
                }
            })
            .collect();
        let hidden = vec![false; point.len()];
        Gen {
            rng,
            elem,
            closure,
            point,
            lets: Vec::new(),
            visible: Vec::new(),
            consts,
            hidden,
            ops,
            weights,
        }
    }

    /// The value at the evaluation point, or `None` if it is not finite and moderate.
    pub fn value(&self, node: &Node) -> Option<f64> {
        Eval {
            inputs: &self.point,
            lets: &self.lets,
            consts: &self.consts,
        }
        .eval(node)
    }

    /// Whether `node` reads an input, directly or through a binding.
    fn active(&self, node: &Node) -> bool {
        let mut found = false;
        node.walk(&mut |n| found |= matches!(n, Node::Input(_) | Node::Let(_)));
        found
    }

    /// An expression at most `budget` deep, never failing: after repeated rejections it
    /// falls back to an input.
    pub fn expr(&mut self, budget: usize) -> Node {
        for _ in 0..40 {
            if budget <= 1 || self.rng.chance(0.12) {
                return self.leaf();
            }
            if let Some(node) = self.operation(budget) {
                return node;
            }
        }
        self.input()
    }

    /// An input that a name can still reach; a binding if every input is shadowed.
    fn input(&mut self) -> Node {
        let reachable: Vec<usize> = (0..self.point.len()).filter(|&k| !self.hidden[k]).collect();
        if reachable.is_empty() {
            Node::Let(*self.rng.pick(&self.visible))
        } else {
            Node::Input(*self.rng.pick(&reachable))
        }
    }

    /// An operation at the root, at most `budget` deep.
    pub fn operation_root(&mut self, budget: usize) -> Node {
        for _ in 0..200 {
            if let Some(node) = self.operation(budget.max(2)) {
                return node;
            }
        }
        let a = self.input();
        self.call(Op::Sin, vec![a])
    }

    fn leaf(&mut self) -> Node {
        let consts = if self.closure { 3 } else { 0 };
        let pi = u32::from(!self.closure);
        let lets = if self.visible.is_empty() { 0 } else { 6 };
        match self.rng.weighted(&[7, 3, consts, pi, lets]) {
            0 => self.input(),
            1 => Node::Lit(self.literal()),
            2 => Node::Const(*self.rng.pick(&[
                Const::K,
                Const::XsI,
                Const::Scale,
                Const::Shift,
                Const::Damp,
                Const::Pi,
            ])),
            3 => Node::Const(Const::Pi),
            _ => Node::Let(*self.rng.pick(&self.visible)),
        }
    }

    pub fn literal(&mut self) -> Lit {
        let text = *self.rng.pick(LITERALS);
        let mut text = text.to_owned();
        // A suffix naming the element type is accepted; now and then write one.
        if text.contains('.') && self.rng.chance(0.08) {
            let sep = if self.rng.chance(0.5) { "_" } else { "" };
            text = format!("{text}{sep}{}", self.elem.name());
        }
        self.lit(&text)
    }

    fn lit(&self, text: &str) -> Lit {
        let digits = text
            .trim_end_matches("f64")
            .trim_end_matches("f32")
            .trim_end_matches('_');
        let value = match self.elem {
            Elem::F64 => digits.parse::<f64>().expect("literal"),
            Elem::F32 => f64::from(digits.parse::<f32>().expect("literal")),
        };
        Lit {
            text: text.to_owned(),
            value,
        }
    }

    fn style(&mut self) -> Style {
        if self.rng.chance(0.5) {
            Style::Method
        } else {
            Style::Function
        }
    }

    fn call(&mut self, op: Op, args: Vec<Node>) -> Node {
        let style = self.style();
        Node::Op {
            op,
            style,
            named_exponent: false,
            args,
        }
    }

    fn operation(&mut self, budget: usize) -> Option<Node> {
        let op = self.ops[self.rng.weighted(&self.weights)];
        let info = op.info();
        let below = budget - 1;
        let (op, mut doms, named_exponent) = if info.signature == Signature::IntPower {
            let named = self.closure && self.rng.chance(0.3);
            let n = if named {
                self.consts.n
            } else {
                *self.rng.pick(&[-3, -2, -1, 0, 1, 2, 2, 3, 3, 4])
            };
            let dom = if n < 0 {
                Domain::AwayFromZero
            } else {
                Domain::Bounded(5.0)
            };
            (Op::Powi(n), vec![dom], named)
        } else {
            (op, domains(info.name, info.signature.arity()), false)
        };
        doms.truncate(info.signature.arity());
        let mut args = Vec::with_capacity(doms.len());
        for dom in doms {
            args.push(self.argument(below, dom)?);
        }
        // Mostly operations of the inputs: a constant subtree is differentiated by nothing.
        if !args.iter().any(|a| self.active(a)) && self.rng.chance(0.7) {
            return None;
        }
        let values: Vec<f64> = args.iter().map(|a| self.value(a)).collect::<Option<_>>()?;
        if !jointly_safe(info.name, &values) {
            return None;
        }
        // `w - w` and `w / w` would trip clippy's `eq_op` in the reference code.
        if matches!(info.name, "sub" | "div") && canonical(&args[0]) == canonical(&args[1]) {
            return None;
        }
        let style = self.style();
        let mut node = Node::Op {
            op,
            style,
            named_exponent,
            args,
        };
        self.value(&node)?;
        if self.rng.chance(0.05) {
            node = Node::Paren(Box::new(node));
        }
        Some(node)
    }

    /// An argument inside `dom`: as drawn if it is inside (most of the time), else
    /// wrapped in a guard that maps into it, else a literal inside it.
    fn argument(&mut self, budget: usize, dom: Domain) -> Option<Node> {
        let u = self.expr(budget);
        if dom == Domain::Any {
            return Some(u);
        }
        if self.value(&u).is_some_and(|v| dom.contains(v)) && self.rng.chance(0.6) {
            return Some(u);
        }
        for _ in 0..10 {
            let depth = if budget >= 3 {
                1 + self.rng.below(2)
            } else {
                1
            };
            if depth >= budget {
                break;
            }
            let u = self.expr(budget - depth);
            let guarded = self.guard(dom, depth, u);
            if self.value(&guarded).is_some_and(|v| dom.contains(v)) {
                return Some(guarded);
            }
        }
        for _ in 0..20 {
            let lit = Node::Lit(self.literal());
            let lit = if budget >= 2 && self.rng.chance(0.3) {
                self.call(Op::Neg, vec![lit])
            } else {
                lit
            };
            if self.value(&lit).is_some_and(|v| dom.contains(v)) {
                return Some(lit);
            }
        }
        None
    }

    /// `u` mapped into `dom` by `depth` (1 or 2) levels of operations.
    fn guard(&mut self, dom: Domain, depth: usize, u: Node) -> Node {
        use Op::*;
        let lit = |g: &Self, t: &str| Node::Lit(g.lit(t));
        match (dom, depth) {
            (Domain::Above(_) | Domain::AwayFromZero | Domain::LogBase, 1) => {
                let op = *self.rng.pick(&[Cosh, Exp, Exp2]);
                self.call(op, vec![u])
            }
            (Domain::Above(_) | Domain::AwayFromZero | Domain::LogBase, _) => {
                match self.rng.below(4) {
                    0 => {
                        let text = self.rng_pick(&["0.5", "1.5", "2"]);
                        let c = lit(self, text);
                        let square = self.call(Mul, vec![u.clone(), u]);
                        self.call(Add, vec![square, c])
                    }
                    1 => {
                        let inner = self.call(Softplus, vec![u]);
                        let c = lit(self, "0.5");
                        self.call(Add, vec![inner, c])
                    }
                    2 => {
                        let inner = self.call(Sigmoid, vec![u]);
                        let c = lit(self, "1.5");
                        self.call(Add, vec![inner, c])
                    }
                    _ => {
                        let text = self.rng_pick(&["0.5", "1.5"]);
                        let c = lit(self, text);
                        self.call(Hypot, vec![u, c])
                    }
                }
            }
            (Domain::Unit | Domain::TanSafe, 1) => {
                let op = *self.rng.pick(&[Tanh, Sin, Sigmoid]);
                self.call(op, vec![u])
            }
            (Domain::Bounded(_), 1) => {
                let op = *self.rng.pick(&[Tanh, Sin, Cos, Atan, Sigmoid]);
                self.call(op, vec![u])
            }
            (Domain::Unit | Domain::TanSafe | Domain::Bounded(_), _) => {
                if self.rng.chance(0.25) {
                    let inner = self.call(Sigmoid, vec![u]);
                    let c = lit(self, "0.5");
                    self.call(Sub, vec![inner, c])
                } else {
                    let op = *self.rng.pick(&[Tanh, Sin, Cos]);
                    let inner = self.call(op, vec![u]);
                    let text = self.rng_pick(&["0.9", "0.8", "0.5"]);
                    let c = lit(self, text);
                    self.call(Mul, vec![inner, c])
                }
            }
            (Domain::Any, _) => u,
        }
    }

    fn rng_pick(&mut self, items: &[&'static str]) -> &'static str {
        items[self.rng.below(items.len())]
    }
}
