//! The programs of the loop corpus: a body of `let mut` locals, local arrays, nested
//! `for` loops, static (and, with `--branches`, run-time) `if`s and assignments, over
//! array and scalar parameters and captured constant arrays.
//!
//! The same tree prints as the body of `grad!` and of a plain closure (one text), and as
//! code over runtime-graph handles; `eval` runs it.

/// The shape of a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Scalar,
    Vector(usize),
    Matrix(usize, usize),
}

impl Shape {
    /// How many scalars it holds.
    pub fn size(self) -> usize {
        match self {
            Shape::Scalar => 1,
            Shape::Vector(n) => n,
            Shape::Matrix(r, c) => r * c,
        }
    }

    /// The lengths along each index, outermost first.
    pub fn dims(self) -> Vec<usize> {
        match self {
            Shape::Scalar => vec![],
            Shape::Vector(n) => vec![n],
            Shape::Matrix(r, c) => vec![r, c],
        }
    }
}

pub struct Param {
    pub name: &'static str,
    pub shape: Shape,
}

/// Loop variable names, by nesting depth.
pub const LOOP_VARS: [&str; 3] = ["i", "j", "k"];

/// An integer expression known at expansion: an index, a bound, a condition's operand.
#[derive(Clone, Debug)]
pub enum IExpr {
    Lit(usize),
    /// The loop variable of that depth.
    Var(usize),
    /// `x.len()` of a parameter.
    Len(usize),
    Add(Box<IExpr>, Box<IExpr>),
    /// Only where it cannot go below zero.
    Sub(Box<IExpr>, Box<IExpr>),
    Mul(Box<IExpr>, Box<IExpr>),
    Rem(Box<IExpr>, usize),
}

impl IExpr {
    pub fn uses_var(&self, depth: usize) -> bool {
        match self {
            IExpr::Var(d) => *d == depth,
            IExpr::Lit(_) | IExpr::Len(_) => false,
            IExpr::Add(a, b) | IExpr::Sub(a, b) | IExpr::Mul(a, b) => {
                a.uses_var(depth) || b.uses_var(depth)
            }
            IExpr::Rem(a, _) => a.uses_var(depth),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeForm {
    Plain,
    Rev,
    Step(usize),
}

#[derive(Clone, Debug)]
pub struct Range {
    pub lo: IExpr,
    pub hi: IExpr,
    pub inclusive: bool,
    pub form: RangeForm,
}

/// What a read refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Param(usize),
    Local(usize),
    /// A captured constant array: 0 is `xs` (1-D), 1 is `cm` (2-D).
    Const(usize),
}

/// The captured constant arrays' names and shapes.
pub const CONSTS: [(&str, Shape); 2] = [("xs", Shape::Vector(5)), ("cm", Shape::Matrix(3, 3))];

/// Smooth unary operations, all methods (of `f64`, or of the test file's trait).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fun {
    Sin,
    Cos,
    Tanh,
    Atan,
    Exp,
    Sigmoid,
    Softplus,
    /// Only of `1.0 + e * e`.
    Sqrt,
    /// Only of `1.0 + e * e`.
    Ln,
}

impl Fun {
    pub fn name(self) -> &'static str {
        match self {
            Fun::Sin => "sin",
            Fun::Cos => "cos",
            Fun::Tanh => "tanh",
            Fun::Atan => "atan",
            Fun::Exp => "exp",
            Fun::Sigmoid => "sigmoid",
            Fun::Softplus => "softplus",
            Fun::Sqrt => "sqrt",
            Fun::Ln => "ln",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Exponent {
    Lit(i32),
    /// `powi(i as i32)`.
    Loop(IExpr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bin {
    Add,
    Sub,
    Mul,
    Div,
}

impl Bin {
    pub fn symbol(self) -> &'static str {
        match self {
            Bin::Add => "+",
            Bin::Sub => "-",
            Bin::Mul => "*",
            Bin::Div => "/",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Cmp {
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
        }
    }

    pub fn holds<V: PartialOrd>(self, a: V, b: V) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
        }
    }
}

/// A value expression.
#[derive(Clone, Debug)]
pub enum E {
    /// A float literal as written, always with a `.` (plain Rust has no `2 * x`).
    Lit(&'static str),
    Read(Place, Vec<IExpr>),
    /// `(i as f64)`, or of an integer expression.
    LoopVal(IExpr),
    Bin(Bin, Box<E>, Box<E>),
    Neg(Box<E>),
    Call(Fun, Box<E>),
    Powi(Box<E>, Exponent),
    MulAdd(Box<E>, Box<E>, Box<E>),
    /// A call of the case's function of that index (`Program::callees`), only in the call
    /// corpus.
    Apply(usize, Vec<Arg>),
}

/// An argument of a call.
#[derive(Clone, Debug)]
pub enum Arg {
    /// A scalar expression (a parameter's element, a literal, `i as f64`, anything).
    Scalar(E),
    /// An array parameter or local array, whole.
    Whole(Place),
    /// An array literal: `[a, b]`, or of rows, `[[a, b], [c, d]]`.
    List(Vec<Arg>),
}

impl Arg {
    pub fn walk(&self, f: &mut dyn FnMut(&E)) {
        match self {
            Arg::Scalar(e) => e.walk(f),
            Arg::Whole(_) => {}
            Arg::List(items) => items.iter().for_each(|a| a.walk(f)),
        }
    }

    /// Whether it is or holds the whole array `place`.
    pub fn passes(&self, place: Place) -> bool {
        match self {
            Arg::Scalar(_) => false,
            Arg::Whole(p) => *p == place,
            Arg::List(items) => items.iter().any(|a| a.passes(place)),
        }
    }
}

impl E {
    pub fn walk(&self, f: &mut dyn FnMut(&E)) {
        f(self);
        match self {
            E::Lit(_) | E::Read(..) | E::LoopVal(_) => {}
            E::Bin(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            E::Neg(a) | E::Call(_, a) | E::Powi(a, _) => a.walk(f),
            E::MulAdd(a, b, c) => {
                a.walk(f);
                b.walk(f);
                c.walk(f);
            }
            E::Apply(_, args) => args.iter().for_each(|a| a.walk(f)),
        }
    }

    pub fn uses_loop_var(&self, depth: usize) -> bool {
        let mut found = false;
        self.walk(&mut |e| match e {
            E::Read(_, idx) => found |= idx.iter().any(|i| i.uses_var(depth)),
            E::LoopVal(i) | E::Powi(_, Exponent::Loop(i)) => found |= i.uses_var(depth),
            _ => {}
        });
        found
    }
}

/// A condition: on loop variables (decided at expansion), or on values (at run time, only
/// with `--branches`).
#[derive(Clone, Debug)]
pub enum Cond {
    Static(IExpr, Cmp, IExpr),
    Runtime(E, Cmp, E),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    Set,
    Add,
    Sub,
    Mul,
    Div,
}

impl AssignOp {
    pub fn symbol(self) -> &'static str {
        match self {
            AssignOp::Set => "=",
            AssignOp::Add => "+=",
            AssignOp::Sub => "-=",
            AssignOp::Mul => "*=",
            AssignOp::Div => "/=",
        }
    }

    /// The binary operation of a compound assignment.
    pub fn bin(self) -> Option<Bin> {
        match self {
            AssignOp::Set => None,
            AssignOp::Add => Some(Bin::Add),
            AssignOp::Sub => Some(Bin::Sub),
            AssignOp::Mul => Some(Bin::Mul),
            AssignOp::Div => Some(Bin::Div),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Init {
    Scalar(E),
    /// `[0.0; n]`.
    Zeros(usize),
    List(Vec<E>),
}

#[derive(Clone, Debug)]
pub enum Stmt {
    Let {
        local: usize,
        init: Init,
    },
    Assign {
        local: usize,
        /// The element, for a local array.
        index: Option<IExpr>,
        op: AssignOp,
        value: E,
    },
    For {
        depth: usize,
        range: Range,
        body: Vec<Stmt>,
    },
    If {
        cond: Cond,
        then: Vec<Stmt>,
        otherwise: Option<Vec<Stmt>>,
    },
}

impl Stmt {
    pub fn walk(&self, f: &mut dyn FnMut(&Stmt)) {
        f(self);
        match self {
            Stmt::For { body, .. } => body.iter().for_each(|s| s.walk(f)),
            Stmt::If {
                then, otherwise, ..
            } => {
                then.iter().for_each(|s| s.walk(f));
                otherwise.iter().flatten().for_each(|s| s.walk(f));
            }
            Stmt::Let { .. } | Stmt::Assign { .. } => {}
        }
    }

    /// Every value expression directly in this statement (not in nested ones).
    pub fn exprs(&self) -> Vec<&E> {
        match self {
            Stmt::Let { init, .. } => match init {
                Init::Scalar(e) => vec![e],
                Init::Zeros(_) => vec![],
                Init::List(es) => es.iter().collect(),
            },
            Stmt::Assign { value, .. } => vec![value],
            Stmt::If {
                cond: Cond::Runtime(a, _, b),
                ..
            } => vec![a, b],
            Stmt::For { .. } | Stmt::If { .. } => vec![],
        }
    }
}

pub struct Local {
    pub name: String,
    /// `None` for a scalar, else the array's length.
    pub len: Option<usize>,
    pub mutable: bool,
    /// Written `let s: f64 = 0.0;`: plain Rust must know the type before a method is
    /// called on it.
    pub annotated: bool,
}

pub struct Program {
    pub params: Vec<Param>,
    pub locals: Vec<Local>,
    pub body: Vec<Stmt>,
    pub result: E,
    /// The names of the functions `E::Apply` calls, by index (the call corpus).
    pub callees: Vec<String>,
    /// `sigmoid(x)` rather than `x.sigmoid()` (the call corpus, whose function bodies must
    /// compile as plain Rust without a trait in scope).
    pub function_form: bool,
}

impl Program {
    pub fn walk_stmts(&self, f: &mut dyn FnMut(&Stmt)) {
        for s in &self.body {
            s.walk(f);
        }
    }

    /// Every value expression of the program, the result included.
    pub fn walk_exprs(&self, f: &mut dyn FnMut(&E)) {
        let mut all: Vec<E> = Vec::new();
        self.walk_stmts(&mut |s| all.extend(s.exprs().into_iter().cloned()));
        all.push(self.result.clone());
        for e in &all {
            e.walk(f);
        }
    }

    pub fn any_expr(&self, pred: impl Fn(&E) -> bool) -> bool {
        let mut found = false;
        self.walk_exprs(&mut |e| found |= pred(e));
        found
    }

    /// Whether the program reads or passes whole the place.
    pub fn uses(&self, place: Place) -> bool {
        self.any_expr(|e| match e {
            E::Read(p, _) => *p == place,
            E::Apply(_, args) => args.iter().any(|a| a.passes(place)),
            _ => false,
        })
    }

    pub fn any_stmt(&self, pred: impl Fn(&Stmt) -> bool) -> bool {
        let mut found = false;
        self.walk_stmts(&mut |s| found |= pred(s));
        found
    }

    /// The flat number of scalar inputs.
    pub fn arity(&self) -> usize {
        self.params.iter().map(|p| p.shape.size()).sum()
    }

    /// `inputs()`: every scalar, row-major, in parameter order.
    pub fn input_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for p in &self.params {
            match p.shape {
                Shape::Scalar => names.push(p.name.to_owned()),
                Shape::Vector(n) => names.extend((0..n).map(|a| format!("{}[{a}]", p.name))),
                Shape::Matrix(r, c) => {
                    for a in 0..r {
                        names.extend((0..c).map(|b| format!("{}[{a}][{b}]", p.name)));
                    }
                }
            }
        }
        names
    }

    /// The deepest loop nesting.
    pub fn loop_depth(&self) -> usize {
        let mut deepest = 0;
        self.walk_stmts(&mut |s| {
            if let Stmt::For { depth, .. } = s {
                deepest = deepest.max(depth + 1);
            }
        });
        deepest
    }
}
