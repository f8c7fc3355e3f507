//! The lowered program: a flat list of values in SSA form, each defined once from earlier
//! values. No `quote` here; the differentiation and emission stages read this list.

use backprop_core::OpInfo;

pub use crate::input::Param;
use proc_macro2::Ident;

/// An index into [`Program::values`].
pub type ValueId = usize;

/// The element type of every value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elem {
    F32,
    F64,
}

impl Elem {
    pub fn name(self) -> &'static str {
        match self {
            Elem::F32 => "f32",
            Elem::F64 => "f64",
        }
    }
}

/// The type of a value: the element type, or an `i32` constant (the exponent of `powi`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Float,
    Int,
    /// A condition of a branch decided at run time.
    Bool,
    /// A constant argument of a call, captured whole with the type of the callee's
    /// parameter at that position (`xs[i]`, which may be an array): it has no value the
    /// body computes with.
    Opaque(CalleeId, usize),
}

/// How a value is defined.
pub enum Def {
    /// The k-th input.
    Input(usize),
    /// A numeric literal of the element type, already rounded to it (and stored exactly in
    /// f64).
    Literal(f64),
    /// An integer literal.
    IntLiteral(i32),
    /// The k-th captured constant, evaluated once where `grad!` is written.
    Captured(usize),
    /// An operation of the table applied to earlier values, one per parameter of its row.
    Op {
        info: &'static OpInfo,
        args: Vec<ValueId>,
    },
    /// A comparison or a logical operation: a condition, which has no gradient.
    Cond { op: CondOp, args: Vec<ValueId> },
    /// The value of a branch decided at run time: `then` where its condition holds,
    /// `otherwise` elsewhere. Each side is computed only in its own arm.
    Select {
        branch: BranchId,
        then: ValueId,
        otherwise: ValueId,
    },
    /// A call of a `#[differentiable]` function: `args` are the scalars of its arguments,
    /// each argument's row-major, or a constant argument's captured value, as
    /// [`Program::calls`] describes them.
    Call { call: CallId, args: Vec<ValueId> },
    /// The value `k` (from 1) of a call with several (`of`, whose own value is the first):
    /// a loop with several states gives each state's value from one call.
    Output { of: ValueId, k: usize },
}

/// An index into [`Program::calls`].
pub type CallId = usize;
/// An index into [`Program::callees`].
pub type CalleeId = usize;

/// One call of a `#[differentiable]` function.
pub struct Call {
    pub callee: CalleeId,
    pub args: Vec<Arg>,
    /// How many values it gives: one, or for a loop with several states one per state
    /// (the call's value, then [`Def::Output`]s).
    pub outputs: usize,
}

/// How one argument of a call is passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Values of the program, row-major, in this shape (empty for a scalar).
    Values(Vec<usize>),
    /// One captured constant of type `Opaque`, passed whole.
    Constant,
    /// The parameter of this position, an array of named length, passed whole: it takes
    /// none of the call's values.
    Param(usize),
}

impl Arg {
    /// How many of the call's values the argument takes.
    pub fn len(&self) -> usize {
        match self {
            Arg::Values(shape) => shape.iter().product(),
            Arg::Constant => 1,
            Arg::Param(_) => 0,
        }
    }
}

/// A `#[differentiable]` function called by the body, once per distinct path.
pub struct Callee {
    /// The path as written (`sq_dist`, `geometry::sq_dist`), with the user's spans.
    pub path: syn::Path,
    /// The path as the derivation shows it.
    pub text: String,
}

/// A loop that stays a loop (`lower/roll.rs`): in the program, one call of a generated
/// function whose arguments are the accumulator before the loop, the scalars the body
/// reads, and the arrays it reads at the loop variable, passed whole.
pub struct Rolled {
    /// The callee that stands for it.
    pub callee: CalleeId,
    /// The generated function's name.
    pub ident: Ident,
    /// The loops it is nested in, outermost first, for a nest of loops that stays one
    /// (`for i in 0..N { for j in 0..N { s += e } }`; a sum only). Their variables are
    /// generated names, which the bounds of the loops inside them may read.
    pub outer: Vec<Level>,
    /// The range, `start..end`, ascending by one: for a nest, the innermost loop's, whose
    /// bounds may read the outer loops' variables.
    pub start: Bound,
    pub end: Bound,
    /// `s -= e` rather than `s += e`.
    pub subtract: bool,
    /// A recurrence: the body computes the new `s` from the old one, its first input
    /// (`s = e`, `s *= e`, or `s += e` with `e` reading `s`), and the backward pass
    /// carries the adjoint of `s` from iteration to iteration.
    pub carried: bool,
    /// The arrays passed whole, by name, with their lengths (`usize` expressions), in
    /// argument order after the accumulator and the invariants.
    pub arrays: Vec<(String, proc_macro2::TokenStream)>,
    /// The body's first inputs, each an element of array `array`: the array, the index (a
    /// `usize` expression of the generated loop variables, `i + 1`), the body's
    /// parameter, and how it reads (`x[i + 1]`).
    pub gathers: Vec<(usize, proc_macro2::TokenStream, Ident, String)>,
    /// The scalars of the enclosing body the loop reads, as they read (`w`, `c[1]`): the
    /// call's arguments after the accumulator. The first `body_invariants` are the body's
    /// inputs after the gathered elements; the rest only inner sums read.
    pub invariants: Vec<String>,
    pub body_invariants: usize,
    /// The inner sums of the body (`let mut t = 0.0; for j in 0..M { t += e }`), each an
    /// input of the body after its invariants, which the loop computes on every
    /// iteration.
    pub inner: Vec<InnerSum>,
    /// How each piece of data the body reads reads (`xs[i]`): its inputs after the
    /// invariants, and the call's last arguments, constants captured as arrays as long
    /// as the loop.
    pub data: Vec<String>,
    /// Loop variables as a number, `(i + 1) as T`: the integer (an `i64` expression of
    /// the generated loop variables) and how it reads. The body's last inputs, which the
    /// loop computes on every iteration.
    pub counters: Vec<(proc_macro2::TokenStream, String)>,
    /// One iteration: the term `e`, a program of its own; with several states, the new
    /// value of the first.
    pub body: Program,
    /// With several states (`v += dt * a; x += dt * v;`), the programs of the new values
    /// of the others, each of the whole body, with the same inputs as `body`.
    pub others: Vec<Program>,
    /// How the loop reads in the derivation.
    pub text: String,
}

/// An inner loop of the body of a loop that stays a loop, which sums a term into a local
/// of the body declared just before it: `let mut t = 0.0; for j in 0..M { t += e }`, or
/// from an expression of what the body reads, `let mut t = b[i];`. The body reads the
/// sum as an input; the loop computes it on every iteration, with a loop of its own.
pub struct InnerSum {
    /// The local, as the derivation shows it.
    pub name: String,
    /// Its first value: a literal, or a program of its own (`b[i]`).
    pub init: f64,
    pub start_term: Option<Term>,
    /// Its variable, a generated name.
    pub ident: Ident,
    /// The range, whose bounds may read the enclosing loops' variables.
    pub start: Bound,
    pub end: Bound,
    /// `t -= e` rather than `t += e`.
    pub subtract: bool,
    /// The term `e`.
    pub term: Term,
    /// How the loop reads in the derivation.
    pub text: String,
}

/// A program of an inner sum (its term, or its first value), with its inputs as the
/// enclosing loop's body has them (`Rolled::gathers`): elements of the loop's arrays,
/// then its invariants (indices into `Rolled::invariants`), then counters.
pub struct Term {
    pub gathers: Vec<(usize, proc_macro2::TokenStream, Ident, String)>,
    pub invariants: Vec<usize>,
    pub counters: Vec<(proc_macro2::TokenStream, String)>,
    pub body: Program,
}

impl Rolled {
    /// The states the loop carries from iteration to iteration, its first inputs: none
    /// for a sum.
    pub fn states(&self) -> usize {
        if self.carried {
            1 + self.others.len()
        } else {
            0
        }
    }
}

/// A loop around the innermost one of a nest that stays a loop.
pub struct Level {
    /// Its variable, a generated name.
    pub ident: Ident,
    /// The user's name for it, as the derivation shows it (`_` for none).
    pub text: String,
    pub start: Bound,
    pub end: Bound,
}

/// A bound of a loop that stays a loop: known at expansion, or an integer expression of
/// named constants (`N - 1`), which the compiler evaluates.
#[derive(Clone, Debug)]
pub enum Bound {
    Known(i64),
    Named {
        /// The expression as written, with the user's spans.
        code: proc_macro2::TokenStream,
        /// How it reads in the derivation.
        text: String,
    },
}

impl Bound {
    /// The value, where it is known at expansion.
    pub fn known(&self) -> Option<i64> {
        match self {
            Bound::Known(n) => Some(*n),
            Bound::Named { .. } => None,
        }
    }

    /// How it reads in the derivation.
    pub fn text(&self) -> String {
        match self {
            Bound::Known(n) => n.to_string(),
            Bound::Named { text, .. } => text.clone(),
        }
    }
}

/// The operation of a condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CondOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
    Not,
    /// A condition known at expansion, inside one that is not (`i > 0 && x > 0.0`).
    Const(bool),
}

impl CondOp {
    /// The operator as Rust writes it.
    pub fn symbol(self) -> &'static str {
        match self {
            CondOp::Lt => "<",
            CondOp::Le => "<=",
            CondOp::Gt => ">",
            CondOp::Ge => ">=",
            CondOp::Eq => "==",
            CondOp::Ne => "!=",
            CondOp::And => "&&",
            CondOp::Or => "||",
            CondOp::Not => "!",
            CondOp::Const(true) => "true",
            CondOp::Const(false) => "false",
        }
    }
}

/// An index into [`Program::branches`].
pub type BranchId = usize;
/// An index into [`Program::arms`].
pub type ArmId = usize;
/// Where a value is computed: at the top, or inside an arm of a run-time branch.
pub type Guard = Option<ArmId>;

/// A branch decided at run time.
pub struct Branch {
    /// Its condition, a value of type `Bool`.
    pub cond: ValueId,
    /// Where the branch itself stands.
    pub guard: Guard,
}

/// One arm of a branch.
pub struct Arm {
    pub branch: BranchId,
    /// `true` for the arm taken where the condition holds.
    pub then: bool,
}

/// One value of the program.
pub struct Value {
    pub def: Def,
    pub ty: Type,
    /// The arm of a run-time branch the value is computed in, if any.
    pub guard: Guard,
    /// Depends on an input, so it has an adjoint.
    pub active: bool,
    /// The name the user gave it with `let`, if any.
    pub name: Option<String>,
}

impl Value {
    /// Whether the value is written inline as a literal wherever it is used.
    pub fn is_literal(&self) -> bool {
        matches!(self.def, Def::Literal(_) | Def::IntLiteral(_))
    }
}

/// A captured constant: a piece of the user's code evaluated once, by value.
pub struct Captured {
    pub expr: syn::Expr,
    pub ty: Type,
    /// The user's identifier when the constant is a plain name (`k`), used for the field.
    pub ident: Option<Ident>,
    /// The source text, for the derivation.
    pub text: String,
}

/// One scalar input: a scalar parameter, or one element of an array parameter.
pub struct ScalarInput {
    /// The parameter, by position.
    pub param: usize,
    /// The element's index in the parameter, outermost first; empty for a scalar.
    pub index: Vec<usize>,
}

/// The whole lowered expression.
pub struct Program {
    pub elem: Elem,
    /// The const generic parameters every generated item is generic over (those of a
    /// `#[differentiable]` function; none for a `grad!`).
    pub generics: Vec<Ident>,
    /// The parameters as written, in order.
    pub params: Vec<Param>,
    /// The scalar inputs in argument order, each array parameter's elements row-major.
    pub inputs: Vec<ScalarInput>,
    /// Captured constants, of the element type or `i32`.
    pub captured: Vec<Captured>,
    pub values: Vec<Value>,
    pub output: ValueId,
    /// The branches decided at run time, and their arms.
    pub branches: Vec<Branch>,
    pub arms: Vec<Arm>,
    /// The calls of `#[differentiable]` functions, and the functions they call.
    pub calls: Vec<Call>,
    pub callees: Vec<Callee>,
    /// The loops that stay loops, each one of the callees.
    pub rolled: Vec<Rolled>,
}

impl Program {
    /// The values that are operations, with their ids.
    pub fn ops(&self) -> impl DoubleEndedIterator<Item = (ValueId, &Value)> {
        self.values
            .iter()
            .enumerate()
            .filter(|(_, v)| matches!(v.def, Def::Op { .. } | Def::Call { .. }))
    }
}

impl Program {
    /// The one-dimensional array parameter whose inputs, all of them in order, are `args`:
    /// an argument that passes a parameter whole.
    pub fn whole_arg(&self, args: &[ValueId]) -> Option<usize> {
        let first = match self.values[*args.first()?].def {
            Def::Input(k) => k,
            _ => return None,
        };
        let param = self.inputs[first].param;
        let whole = self.params[param].shape.len() == 1
            && self.params[param].len() == args.len()
            && self.inputs[first].index == [0]
            && args
                .iter()
                .enumerate()
                .all(|(j, &a)| matches!(self.values[a].def, Def::Input(k) if k == first + j));
        whole.then_some(param)
    }

    /// For each parameter, whether it is read only whole: a one-dimensional array passed,
    /// all of it, as arguments of calls outside any run-time branch (a loop that stays a
    /// loop reads its arrays so), and read nowhere else. The generated code then passes
    /// it on as it came, and takes its gradient from the calls whole, instead of element
    /// by element.
    ///
    /// A parameter of named length is always read whole: nothing else may read it.
    pub fn whole_params(&self) -> Vec<bool> {
        let mut whole: Vec<bool> = self.params.iter().map(|p| p.shape.len() == 1).collect();
        let mut passed: Vec<bool> = self.params.iter().map(|p| p.named.is_some()).collect();
        let read = |whole: &mut Vec<bool>, v: ValueId| {
            if let Def::Input(k) = self.values[v].def {
                whole[self.inputs[k].param] = false;
            }
        };
        for value in &self.values {
            match &value.def {
                Def::Call { call, args } => {
                    let mut at = 0;
                    for arg in &self.calls[*call].args {
                        let slice = &args[at..at + arg.len()];
                        at += arg.len();
                        match self.whole_arg(slice) {
                            Some(p) if value.guard.is_none() => passed[p] = true,
                            _ => slice.iter().for_each(|&a| read(&mut whole, a)),
                        }
                    }
                }
                Def::Op { args, .. } | Def::Cond { args, .. } => {
                    args.iter().for_each(|&a| read(&mut whole, a));
                }
                Def::Select {
                    then, otherwise, ..
                } => {
                    read(&mut whole, *then);
                    read(&mut whole, *otherwise);
                }
                _ => {}
            }
        }
        read(&mut whole, self.output);
        whole.iter().zip(&passed).map(|(&w, &p)| w && p).collect()
    }

    /// The index of the first scalar input of each parameter.
    pub fn param_offsets(&self) -> Vec<usize> {
        let mut at = 0;
        self.params
            .iter()
            .map(|p| {
                let here = at;
                at += p.scalars();
                here
            })
            .collect()
    }

    /// The parameters a call passes whole, as the values `args` of its arguments.
    pub fn whole_arg_positions(&self, call: CallId, args: &[ValueId]) -> Vec<usize> {
        let mut at = 0;
        let mut found = Vec::new();
        for arg in &self.calls[call].args {
            let n = arg.len();
            if let Some(p) = self.whole_arg(&args[at..at + n]) {
                found.push(p);
            }
            at += n;
        }
        found
    }

    /// Whether a call passes a parameter of named length.
    pub fn passes_named(&self, call: CallId) -> bool {
        self.calls[call]
            .args
            .iter()
            .any(|a| matches!(a, Arg::Param(_)))
    }

    /// Whether a parameter's length is named, so that the flat inputs' count and
    /// positions are expressions the compiler evaluates.
    pub fn any_named(&self) -> bool {
        self.params.iter().any(|p| p.named.is_some())
    }

    /// The count of the flat inputs, `[T; M]`, as a `usize` expression: a literal, or a
    /// sum with the named lengths, in braces.
    pub fn flat_len_tokens(&self) -> proc_macro2::TokenStream {
        self.flat_position(self.params.len())
    }

    /// The position in the flat inputs of parameter `p`'s first scalar, as a `usize`
    /// expression (for `p` the count of parameters, the count of the flat inputs).
    pub fn flat_position(&self, p: usize) -> proc_macro2::TokenStream {
        let known: usize = self.params[..p].iter().map(Param::scalars).sum();
        let known_lit = proc_macro2::Literal::usize_unsuffixed(known);
        let named: Vec<proc_macro2::TokenStream> = self.params[..p]
            .iter()
            .filter_map(|p| p.named.as_ref().map(|n| n.tokens()))
            .collect();
        if named.is_empty() {
            quote::quote!(#known_lit)
        } else {
            quote::quote!({ #known_lit #(+ #named)* })
        }
    }

    /// Whether every parameter is a scalar, so the gradient is one flat array.
    pub fn all_scalar(&self) -> bool {
        self.params
            .iter()
            .all(|p| p.shape.is_empty() && p.named.is_none())
    }

    /// How an input reads in the derivation and `inputs()`: `x`, `w[1][2]`.
    pub fn input_name(&self, k: usize) -> String {
        let input = &self.inputs[k];
        let mut name = crate::names::unraw(&self.params[input.param].ident);
        for i in &input.index {
            name.push_str(&format!("[{i}]"));
        }
        name
    }
}

impl Program {
    /// The arms enclosing `guard`, outermost first.
    pub fn path(&self, guard: Guard) -> Vec<ArmId> {
        let mut path = Vec::new();
        let mut at = guard;
        while let Some(arm) = at {
            path.push(arm);
            at = self.branches[self.arms[arm].branch].guard;
        }
        path.reverse();
        path
    }

    /// The arm of `branch` on the side `then`: each branch's two arms are pushed together,
    /// the first arm first.
    pub fn arm(&self, branch: BranchId, then: bool) -> ArmId {
        arm_id(branch, then)
    }
}

/// The arm of `branch` on the side `then`, as lowering numbers them.
pub fn arm_id(branch: BranchId, then: bool) -> ArmId {
    2 * branch + usize::from(!then)
}
