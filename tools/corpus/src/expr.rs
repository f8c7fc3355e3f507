//! The expressions of the corpus: a small tree that prints both as `grad!` input and as
//! code over runtime-graph handles, and evaluates itself with the table's forward rules.

use backprop_core::{Float, Op};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elem {
    F64,
    F32,
}

impl Elem {
    pub fn name(self) -> &'static str {
        match self {
            Elem::F64 => "f64",
            Elem::F32 => "f32",
        }
    }
}

/// How a call of a named operation is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `x.sin()`, `y.atan2(x)`.
    Method,
    /// `sin(x)`, `atan2(y, x)`: the receiver first.
    Function,
}

/// A constant of the closure form that `grad!` captures where it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Const {
    /// A local `k`.
    K,
    /// `xs[i]`.
    XsI,
    /// `params.scale`.
    Scale,
    /// `params.shift`.
    Shift,
    /// `damp(k)`, a call of the test file's own function.
    Damp,
    /// `std::f64::consts::PI` (or the `f32` one); a constant in both forms.
    Pi,
}

/// The values behind the captured constants of one case, exact in its element type.
#[derive(Clone, Debug)]
pub struct Consts {
    pub k: f64,
    pub xs: [f64; 3],
    pub i: usize,
    pub scale: f64,
    pub shift: f64,
    /// The integer constant `n` used as a `powi` exponent.
    pub n: i32,
}

/// A numeric literal: its text as written inside `grad!` (`2`, `0.5`, `2.5e-1`, `0.5f32`)
/// and its value rounded to the element type.
#[derive(Clone, Debug)]
pub struct Lit {
    pub text: String,
    pub value: f64,
}

#[derive(Clone, Debug)]
pub enum Node {
    /// The k-th input, in argument order.
    Input(usize),
    /// The k-th `let` binding of the block.
    Let(usize),
    Lit(Lit),
    Const(Const),
    /// An operation of the table; operators (`+`, unary `-`) print as operators.
    Op {
        op: Op,
        style: Style,
        /// `powi`'s exponent written as the captured integer `n` instead of a literal.
        named_exponent: bool,
        args: Vec<Node>,
    },
    /// Redundant parentheses, written only inside `grad!`.
    Paren(Box<Node>),
}

impl Node {
    /// Depth of the tree: a leaf is 1; parentheses add nothing.
    pub fn depth(&self) -> usize {
        match self {
            Node::Op { args, .. } => 1 + args.iter().map(Node::depth).max().unwrap_or(0),
            Node::Paren(inner) => inner.depth(),
            _ => 1,
        }
    }

    /// Visits every node, children in the order they are written (receiver first).
    pub fn walk(&self, f: &mut impl FnMut(&Node)) {
        f(self);
        match self {
            Node::Op { args, .. } => args.iter().for_each(|a| a.walk(f)),
            Node::Paren(inner) => inner.walk(f),
            _ => {}
        }
    }

    pub fn walk_mut(&mut self, f: &mut impl FnMut(&mut Node)) {
        f(self);
        match self {
            Node::Op { args, .. } => args.iter_mut().for_each(|a| a.walk_mut(f)),
            Node::Paren(inner) => inner.walk_mut(f),
            _ => {}
        }
    }
}

/// Evaluates with the table's forward rules in `T`, as the generated code and the graph
/// do, and fails on a value that is not finite or not moderate in size: the corpus keeps
/// every intermediate within `LIMIT`, so rounding stays small next to the tolerances.
pub struct Eval<'a, T> {
    pub inputs: &'a [T],
    pub lets: &'a [T],
    pub consts: &'a Consts,
}

pub const LIMIT: f64 = 1e4;

impl<T: Float> Eval<'_, T> {
    pub fn eval(&self, node: &Node) -> Option<T> {
        let v = match node {
            Node::Input(k) => self.inputs[*k],
            Node::Let(k) => self.lets[*k],
            Node::Lit(lit) => T::from_f64(lit.value),
            Node::Const(c) => self.constant(*c),
            Node::Paren(inner) => self.eval(inner)?,
            Node::Op { op, args, .. } => {
                let mut values = [T::ZERO; 3];
                for (slot, arg) in values.iter_mut().zip(args) {
                    *slot = self.eval(arg)?;
                }
                debug_assert_eq!(args.len(), op.info().signature.arity());
                op.eval(&values[..args.len()]).0
            }
        };
        (v.is_finite() && v.abs().to_f64() <= LIMIT).then_some(v)
    }

    fn constant(&self, c: Const) -> T {
        let c64 = self.consts;
        match c {
            Const::K => T::from_f64(c64.k),
            Const::XsI => T::from_f64(c64.xs[c64.i]),
            Const::Scale => T::from_f64(c64.scale),
            Const::Shift => T::from_f64(c64.shift),
            // The test file's `damp`, computed in T as it is there.
            Const::Damp => {
                let k = T::from_f64(c64.k);
                k / (T::ONE + k.abs())
            }
            Const::Pi => T::from_f64(std::f64::consts::PI),
        }
    }
}

/// Every operation of the table, in table order (`powi` with the exponent 2; the
/// generator draws other exponents itself).
pub fn all_ops() -> Vec<Op> {
    backprop_core::OPS
        .iter()
        .filter_map(|row| Op::from_name(row.name, 2))
        .collect()
}

/// A text that is equal for two trees exactly when they compute the same thing the same
/// way: call style and parentheses do not count.
pub fn canonical(node: &Node) -> String {
    match node {
        Node::Input(k) => format!("in{k}"),
        Node::Let(k) => format!("let{k}"),
        Node::Lit(lit) => format!("{:?}", lit.value),
        Node::Const(c) => format!("{c:?}"),
        Node::Paren(inner) => canonical(inner),
        Node::Op { op, args, .. } => {
            let args: Vec<String> = args.iter().map(canonical).collect();
            format!("{op:?}({})", args.join(","))
        }
    }
}
