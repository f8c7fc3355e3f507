//! The lowered program: a flat list of values in SSA form, each defined once from earlier
//! values. No `quote` here; the differentiation and emission stages read this list.

use backprop_core::OpInfo;
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

/// How a value is defined.
pub enum Def {
    /// The k-th input.
    Input(usize),
    /// A numeric literal, already rounded to the element type (and stored exactly in f64).
    Literal(f64),
    /// The k-th captured constant, evaluated once where `grad!` is written.
    Captured(usize),
    /// An operation of the table applied to earlier values.
    Op {
        info: &'static OpInfo,
        args: Vec<ValueId>,
        /// The integer exponent of `powi`.
        int: Option<IntArg>,
    },
}

/// The constant integer exponent of `powi`.
pub enum IntArg {
    Literal(i32),
    /// The k-th captured integer constant.
    Captured(usize),
}

/// One value of the program.
pub struct Value {
    pub def: Def,
    /// Depends on an input, so it has an adjoint.
    pub active: bool,
    /// The name the user gave it with `let`, if any.
    pub name: Option<String>,
}

/// A captured constant: a piece of the user's code evaluated once, by value.
pub struct Captured {
    pub expr: syn::Expr,
    /// The user's identifier when the constant is a plain name (`k`), used for the field.
    pub ident: Option<Ident>,
    /// The source text, for the derivation.
    pub text: String,
}

/// The whole lowered expression.
pub struct Program {
    pub elem: Elem,
    /// The inputs in argument order, with the user's identifiers.
    pub inputs: Vec<Ident>,
    /// Captured constants of the element type.
    pub captured: Vec<Captured>,
    /// Captured `i32` constants (exponents of `powi`).
    pub captured_ints: Vec<Captured>,
    pub values: Vec<Value>,
    pub output: ValueId,
}

impl Program {
    /// The values that are operations, with their ids.
    pub fn ops(&self) -> impl DoubleEndedIterator<Item = (ValueId, &Value)> {
        self.values
            .iter()
            .enumerate()
            .filter(|(_, v)| matches!(v.def, Def::Op { .. }))
    }
}
