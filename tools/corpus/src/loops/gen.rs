//! Random programs. Every index is in bounds by construction (from the loop variables'
//! ranges, or reduced `% len`), every parameter and loop variable is used, every local is
//! read, and a local is `mut` exactly when it is assigned, so the plain closure compiles
//! without warnings. Values are kept moderate by the operations chosen (bounded
//! functions, divisions by something bounded away from zero) and then by the screen.

use super::prog::{
    Arg, AssignOp, Bin, Cmp, Cond, Exponent, Fun, IExpr, Init, Local, Param, Place, Program, Range,
    RangeForm, Shape, Stmt, CONSTS, E,
};
use crate::rng::Rng;

const LITERALS: &[&str] = &["0.5", "0.25", "1.5", "2.0", "0.75", "1.25", "3.0"];

pub struct Gen<'r> {
    rng: &'r mut Rng,
    params: Vec<Param>,
    locals: Vec<Local>,
    /// Whether plain Rust knows the local is `f64` by now (a local initialized with a
    /// literal is `{float}` until it meets an `f64`); only those are read.
    typed: Vec<bool>,
    branches: bool,
    /// The functions a body may call (the call corpus): names and parameter shapes.
    callees: Vec<(String, Vec<Shape>)>,
    /// Whether the body may read the captured constants `xs` and `cm` (not a function's).
    consts: bool,
    function_form: bool,
}

/// How often an operation is a call, where there are functions to call.
const CALL_WEIGHT: u32 = 3;

/// The loop variables in scope, each with the least and greatest value it takes, and the
/// locals visible. Only locals of the top level are assigned: they are all read by the
/// result, so no assignment is left unread.
#[derive(Clone, Default)]
struct Scope {
    loops: Vec<(usize, usize)>,
    visible: Vec<usize>,
    assignable: Vec<usize>,
}

fn lit(n: usize) -> IExpr {
    IExpr::Lit(n)
}
fn var(d: usize) -> IExpr {
    IExpr::Var(d)
}
fn add(a: IExpr, b: IExpr) -> IExpr {
    IExpr::Add(Box::new(a), Box::new(b))
}
fn bin(op: Bin, a: E, b: E) -> E {
    E::Bin(op, Box::new(a), Box::new(b))
}
fn call(f: Fun, a: E) -> E {
    E::Call(f, Box::new(a))
}

impl Gen<'_> {
    pub fn new(rng: &mut Rng, branches: bool) -> Gen<'_> {
        Gen {
            rng,
            params: Vec::new(),
            locals: Vec::new(),
            typed: Vec::new(),
            branches,
            callees: Vec::new(),
            consts: true,
            function_form: false,
        }
    }

    /// For the call corpus: the body may call these functions (names and parameter
    /// shapes), has these parameters, reads captured constants only with `consts`, and
    /// writes `sigmoid(x)` in function form.
    pub fn calling(
        mut self,
        callees: Vec<(String, Vec<Shape>)>,
        params: Vec<Param>,
        consts: bool,
    ) -> Self {
        self.callees = callees;
        self.params = params;
        self.consts = consts;
        self.function_form = true;
        self
    }

    /// A call of one of the callees, with arguments of every kind the macro takes.
    fn apply(&mut self, scope: &Scope, depth: usize) -> E {
        let k = self.rng.below(self.callees.len());
        let shapes = self.callees[k].1.clone();
        let args = shapes
            .into_iter()
            .map(|shape| self.arg(shape, scope, depth))
            .collect();
        E::Apply(k, args)
    }

    fn arg(&mut self, shape: Shape, scope: &Scope, depth: usize) -> Arg {
        match shape {
            Shape::Scalar => match self.rng.weighted(&[6, 2, 1]) {
                0 => Arg::Scalar(self.expr(scope, depth)),
                2 if !scope.loops.is_empty() => {
                    let d = self.rng.below(scope.loops.len());
                    Arg::Scalar(E::LoopVal(var(d)))
                }
                _ => Arg::Scalar(self.literal()),
            },
            Shape::Vector(n) | Shape::Matrix(n, _) => {
                let mut whole: Vec<Place> = (0..self.params.len())
                    .filter(|&p| self.params[p].shape == shape)
                    .map(Place::Param)
                    .collect();
                if let Shape::Vector(n) = shape {
                    whole.extend(
                        scope
                            .visible
                            .iter()
                            .filter(|&&l| self.locals[l].len == Some(n))
                            .map(|&l| Place::Local(l)),
                    );
                }
                if !whole.is_empty() && self.rng.chance(0.6) {
                    return Arg::Whole(*self.rng.pick(&whole));
                }
                let inner = match shape {
                    Shape::Matrix(_, c) => Shape::Vector(c),
                    _ => Shape::Scalar,
                };
                let items = (0..n)
                    .map(|_| match inner {
                        Shape::Scalar => self.arg(Shape::Scalar, scope, depth.min(1)),
                        _ => {
                            let row = (0..inner.size())
                                .map(|_| self.arg(Shape::Scalar, scope, depth.min(1)))
                                .collect();
                            Arg::List(row)
                        }
                    })
                    .collect();
                Arg::List(items)
            }
        }
    }

    /// The least and greatest value of an integer expression.
    fn interval(&self, e: &IExpr, scope: &Scope) -> (usize, usize) {
        match e {
            IExpr::Lit(n) => (*n, *n),
            IExpr::Var(d) => scope.loops[*d],
            IExpr::Len(p) => {
                let n = self.params[*p].shape.dims()[0];
                (n, n)
            }
            IExpr::Add(a, b) => {
                let (a, b) = (self.interval(a, scope), self.interval(b, scope));
                (a.0 + b.0, a.1 + b.1)
            }
            IExpr::Sub(a, b) => {
                let (a, b) = (self.interval(a, scope), self.interval(b, scope));
                (a.0.saturating_sub(b.1), a.1.saturating_sub(b.0))
            }
            IExpr::Mul(a, b) => {
                let (a, b) = (self.interval(a, scope), self.interval(b, scope));
                (a.0 * b.0, a.1 * b.1)
            }
            IExpr::Rem(a, n) => {
                let a = self.interval(a, scope);
                if a.1 < *n {
                    a
                } else {
                    (0, n - 1)
                }
            }
        }
    }

    /// An index into a dimension of length `len`, in bounds for every value of the loop
    /// variables.
    fn index(&mut self, len: usize, scope: &Scope) -> IExpr {
        let mut options: Vec<IExpr> = vec![lit(self.rng.below(len))];
        for d in 0..scope.loops.len() {
            let (_, max) = scope.loops[d];
            if max < len {
                options.extend([var(d), var(d), var(d)]);
                if max + 1 < len {
                    options.push(add(var(d), lit(1)));
                }
                options.push(IExpr::Sub(Box::new(lit(len - 1)), Box::new(var(d))));
            } else {
                options.push(IExpr::Rem(Box::new(var(d)), len));
            }
            options.push(IExpr::Rem(
                Box::new(add(var(d), lit(1 + self.rng.below(2)))),
                len,
            ));
            options.push(IExpr::Rem(
                Box::new(IExpr::Mul(Box::new(var(d)), Box::new(lit(2)))),
                len,
            ));
            for e in 0..d {
                options.push(IExpr::Rem(Box::new(add(var(e), var(d))), len));
            }
        }
        let k = self.rng.below(options.len());
        options.swap_remove(k)
    }

    fn indices(&mut self, shape: Shape, scope: &Scope) -> Vec<IExpr> {
        shape
            .dims()
            .into_iter()
            .map(|n| self.index(n, scope))
            .collect()
    }

    /// A read of a parameter, a visible typed local, a captured constant or a loop
    /// variable: never a literal, so a method may be called on any expression.
    fn leaf(&mut self, scope: &Scope) -> E {
        let readable: Vec<usize> = scope
            .visible
            .iter()
            .copied()
            .filter(|&l| self.typed[l])
            .collect();
        let weights = [
            6,
            if readable.is_empty() { 0 } else { 3 },
            if self.consts { 2 } else { 0 },
            u32::from(!scope.loops.is_empty()),
        ];
        match self.rng.weighted(&weights) {
            0 => {
                let p = self.rng.below(self.params.len());
                let idx = self.indices(self.params[p].shape, scope);
                E::Read(Place::Param(p), idx)
            }
            1 => {
                let l = *self.rng.pick(&readable);
                let idx = match self.locals[l].len {
                    Some(n) => vec![self.index(n, scope)],
                    None => vec![],
                };
                E::Read(Place::Local(l), idx)
            }
            2 => {
                let c = self.rng.below(CONSTS.len());
                let idx = self.indices(CONSTS[c].1, scope);
                E::Read(Place::Const(c), idx)
            }
            _ => {
                let d = self.rng.below(scope.loops.len());
                let i = if self.rng.chance(0.3) {
                    add(var(d), lit(1))
                } else {
                    var(d)
                };
                E::LoopVal(i)
            }
        }
    }

    fn literal(&mut self) -> E {
        E::Lit(LITERALS[self.rng.below(LITERALS.len())])
    }

    /// Something bounded away from zero, to divide by.
    fn denominator(&mut self, scope: &Scope, depth: usize) -> E {
        let e = self.expr(scope, depth);
        match self.rng.below(5) {
            0 => bin(Bin::Add, E::Lit("2.0"), call(Fun::Sin, e)),
            1 => bin(Bin::Add, E::Lit("1.0"), bin(Bin::Mul, e.clone(), e)),
            2 => bin(Bin::Add, E::Lit("1.5"), call(Fun::Tanh, e)),
            3 => bin(Bin::Add, E::Lit("1.0"), call(Fun::Exp, e)),
            _ => bin(Bin::Add, E::Lit("0.5"), call(Fun::Sigmoid, e)),
        }
    }

    /// A value expression of at most `depth` levels of operations, never a bare literal.
    fn expr(&mut self, scope: &Scope, depth: usize) -> E {
        if depth == 0 || self.rng.chance(0.25) {
            return self.leaf(scope);
        }
        let d = depth - 1;
        let small_loop: Vec<usize> = (0..scope.loops.len())
            .filter(|&k| scope.loops[k].1 <= 3)
            .collect();
        let calls = if self.callees.is_empty() {
            0
        } else {
            CALL_WEIGHT
        };
        let weights = [8, 2, 2, 1, 7, 1, 1, 2, 1, calls];
        match self.rng.weighted(&weights) {
            0 => {
                let op = *self
                    .rng
                    .pick(&[Bin::Add, Bin::Add, Bin::Sub, Bin::Mul, Bin::Mul]);
                let a = self.expr(scope, d);
                if self.rng.chance(0.3) {
                    let l = self.literal();
                    if self.rng.chance(0.5) {
                        bin(op, a, l)
                    } else {
                        bin(op, l, a)
                    }
                } else {
                    bin(op, a, self.expr(scope, d))
                }
            }
            1 => {
                let a = self.expr(scope, d);
                bin(Bin::Div, a, self.denominator(scope, d.saturating_sub(1)))
            }
            2 => match self.expr(scope, d) {
                // Known macro bug: where `-(i as f64)` unrolls to -1, grad!'s generated code
                // multiplies by -1.0 and trips `clippy::neg_multiply` in the caller's crate
                // (as `grad!(|x: f64| x * -1.0)` does). Left out until it is fixed.
                loop_value @ E::LoopVal(_) => loop_value,
                e => E::Neg(Box::new(e)),
            },
            3 => {
                let a = self.expr(scope, d);
                let f = *self.rng.pick(&[Fun::Sqrt, Fun::Ln]);
                call(f, bin(Bin::Add, E::Lit("1.0"), bin(Bin::Mul, a.clone(), a)))
            }
            4 => {
                let f = *self.rng.pick(&[
                    Fun::Sin,
                    Fun::Cos,
                    Fun::Tanh,
                    Fun::Atan,
                    Fun::Sigmoid,
                    Fun::Softplus,
                ]);
                call(f, self.expr(scope, d))
            }
            5 => {
                let a = self.expr(scope, d);
                let bounded = match self.rng.below(3) {
                    0 => call(Fun::Tanh, a),
                    1 => call(Fun::Sin, a),
                    _ => a,
                };
                call(Fun::Exp, bounded)
            }
            6 if !small_loop.is_empty() => {
                let k = *self.rng.pick(&small_loop);
                E::Powi(Box::new(self.expr(scope, d)), Exponent::Loop(var(k)))
            }
            6 | 7 => {
                let n = *self.rng.pick(&[2, 2, 3]);
                E::Powi(Box::new(self.expr(scope, d)), Exponent::Lit(n))
            }
            8 => E::MulAdd(
                Box::new(self.expr(scope, d)),
                Box::new(self.expr(scope, d)),
                Box::new(self.expr(scope, d)),
            ),
            _ => self.apply(scope, d),
        }
    }

    fn new_local(&mut self, name: String, len: Option<usize>, typed: bool) -> usize {
        self.locals.push(Local {
            name,
            len,
            mutable: false,
            annotated: false,
        });
        self.typed.push(typed);
        self.locals.len() - 1
    }

    /// A range for the loop at `depth`, and the least and greatest value of its variable.
    fn range(&mut self, scope: &Scope, depth: usize) -> Option<(Range, (usize, usize))> {
        let vectors: Vec<usize> = (0..self.params.len())
            .filter(|&p| self.params[p].shape != Shape::Scalar)
            .collect();
        let (lo, hi) = if depth > 0 && self.rng.chance(0.7) {
            // An inner bound from an outer loop variable.
            let o = self.rng.below(depth);
            let n = 2 + self.rng.below(3);
            match self.rng.below(4) {
                0 => (lit(0), var(o)),
                1 => (var(o), lit(n.max(scope.loops[o].1 + 1))),
                2 => (var(o), add(var(o), lit(1 + self.rng.below(2)))),
                _ => (lit(0), add(var(o), lit(1))),
            }
        } else if !vectors.is_empty() && self.rng.chance(0.35) {
            let p = *self.rng.pick(&vectors);
            if self.rng.chance(0.5) {
                (lit(0), IExpr::Len(p))
            } else {
                (
                    lit(self.rng.below(2)),
                    IExpr::Sub(Box::new(IExpr::Len(p)), Box::new(lit(1))),
                )
            }
        } else {
            let lo = lit(self.rng.below(2));
            (lo, lit(2 + self.rng.below(3)))
        };
        let inclusive = self.rng.chance(0.2);
        let form = match self.rng.below(10) {
            0..=5 => RangeForm::Plain,
            6 | 7 => RangeForm::Rev,
            _ => RangeForm::Step(2 + self.rng.below(2)),
        };
        let (lo_i, hi_i) = (self.interval(&lo, scope), self.interval(&hi, scope));
        let max = if inclusive {
            hi_i.1
        } else {
            hi_i.1.checked_sub(1)?
        };
        if max < lo_i.0 || max > 5 {
            return None;
        }
        Some((
            Range {
                lo,
                hi,
                inclusive,
                form,
            },
            (lo_i.0, max),
        ))
    }

    fn for_loop(&mut self, scope: &Scope, depth: usize) -> Option<Stmt> {
        let (range, values) = (0..20).find_map(|_| self.range(scope, depth))?;
        let mut inner = scope.clone();
        inner.loops.push(values);
        for _ in 0..10 {
            let body = self.block(&inner, depth + 1);
            if body.iter().any(|s| uses_loop_var(s, depth)) {
                return Some(Stmt::For { depth, range, body });
            }
        }
        None
    }

    /// One to three statements in a loop body with `loops` loop variables in scope.
    fn block(&mut self, scope: &Scope, loops: usize) -> Vec<Stmt> {
        let mut scope = scope.clone();
        let mut out = Vec::new();
        for _ in 0..1 + self.rng.below(3) {
            let weights = [
                6,
                if loops < 3 { 3 - loops as u32 } else { 0 },
                if loops > 0 { 2 } else { 0 },
                u32::from(self.branches) * 2,
                1,
            ];
            match self.rng.weighted(&weights) {
                0 => out.extend(self.assign(&scope, loops)),
                1 => out.extend(self.for_loop(&scope, loops)),
                2 => {
                    let cond = self.static_cond(&scope);
                    out.push(self.if_stmt(cond, &scope, loops));
                }
                3 => {
                    let a = self.expr(&scope, 1);
                    let cmp = *self.rng.pick(&[Cmp::Lt, Cmp::Gt, Cmp::Le, Cmp::Ge]);
                    // A threshold among the values inputs take, so both arms are taken.
                    let b = E::Lit(["0.0", "0.25", "0.5"][self.rng.below(3)]);
                    let cond = Cond::Runtime(a, cmp, b);
                    out.push(self.if_stmt(cond, &scope, loops));
                }
                _ => {
                    // A local of the loop body, used at once.
                    let name = format!("t{}", self.locals.len());
                    let value = self.expr(&scope, 2);
                    let t = self.new_local(name, None, true);
                    out.push(Stmt::Let {
                        local: t,
                        init: Init::Scalar(value),
                    });
                    // Used at once, by an accumulation into an outer local.
                    let targets = scope.assignable.clone();
                    scope.visible.push(t);
                    if let Some(&local) = targets.get(self.rng.below(targets.len().max(1))) {
                        let index = self.locals[local].len.map(|n| self.index(n, &scope));
                        let other = self.expr(&scope, 1);
                        out.push(Stmt::Assign {
                            local,
                            index,
                            op: AssignOp::Add,
                            value: bin(Bin::Mul, E::Read(Place::Local(t), vec![]), other),
                        });
                    }
                }
            }
        }
        out
    }

    fn static_cond(&mut self, scope: &Scope) -> Cond {
        let n = scope.loops.len();
        let d = self.rng.below(n);
        let (lo, hi) = scope.loops[d];
        let c = lo + self.rng.below(hi - lo + 1);
        match self.rng.below(5) {
            0 | 1 => Cond::Static(IExpr::Rem(Box::new(var(d)), 2), Cmp::Eq, lit(0)),
            2 => Cond::Static(var(d), *self.rng.pick(&[Cmp::Eq, Cmp::Ne]), lit(c)),
            3 if n > 1 => {
                let e = (d + 1) % n;
                Cond::Static(var(d), *self.rng.pick(&[Cmp::Lt, Cmp::Le, Cmp::Gt]), var(e))
            }
            // `i < 0` is false for any `usize`, which rustc warns about.
            _ if c == 0 => Cond::Static(var(d), Cmp::Gt, lit(c)),
            _ => Cond::Static(var(d), *self.rng.pick(&[Cmp::Lt, Cmp::Gt]), lit(c)),
        }
    }

    fn if_stmt(&mut self, cond: Cond, scope: &Scope, loops: usize) -> Stmt {
        let leaf_only = |g: &mut Self, scope: &Scope| -> Vec<Stmt> {
            let mut out = Vec::new();
            for _ in 0..1 + g.rng.below(2) {
                out.extend(g.assign(scope, loops));
            }
            out
        };
        let then = leaf_only(self, scope);
        let otherwise = self.rng.chance(0.6).then(|| leaf_only(self, scope));
        Stmt::If {
            cond,
            then,
            otherwise,
        }
    }

    /// An assignment to a visible local.
    fn assign(&mut self, scope: &Scope, _loops: usize) -> Option<Stmt> {
        if scope.assignable.is_empty() {
            return None;
        }
        let local = *self.rng.pick(&scope.assignable);
        let index = self.locals[local].len.map(|n| self.index(n, scope));
        let typed = self.typed[local];
        let op = match self.rng.weighted(&[6, 2, 1, 1, 2]) {
            0 => AssignOp::Add,
            1 => AssignOp::Sub,
            2 if typed => AssignOp::Mul,
            3 if typed => AssignOp::Div,
            4 if index.is_some() || typed => AssignOp::Set,
            _ => AssignOp::Add,
        };
        let me = E::Read(Place::Local(local), index.iter().cloned().collect());
        let value = match op {
            AssignOp::Mul => match self.rng.below(3) {
                0 => self.literal(),
                1 => call(Fun::Cos, self.expr(scope, 1)),
                _ => bin(
                    Bin::Add,
                    E::Lit("0.5"),
                    call(Fun::Sigmoid, self.expr(scope, 1)),
                ),
            },
            AssignOp::Div => self.denominator(scope, 1),
            AssignOp::Set if index.is_none() || (typed && self.rng.chance(0.5)) => {
                // A new value that reads the old one, as an update does.
                let e = self.expr(scope, 2);
                match self.rng.below(3) {
                    0 => bin(Bin::Add, bin(Bin::Mul, me, E::Lit("0.5")), e),
                    1 => call(Fun::Tanh, bin(Bin::Add, me, e)),
                    _ => E::MulAdd(Box::new(me), Box::new(self.expr(scope, 1)), Box::new(e)),
                }
            }
            _ => self.expr(scope, 3),
        };
        // `h[i] = h[i];` is a self-assignment, which clippy denies: halve it instead.
        let value = match &value {
            E::Read(Place::Local(l), idx)
                if op == AssignOp::Set
                    && *l == local
                    && format!("{idx:?}") == format!("{:?}", index.iter().collect::<Vec<_>>()) =>
            {
                bin(Bin::Mul, value, E::Lit("0.5"))
            }
            _ => value,
        };
        if !matches!(value, E::Lit(_)) {
            self.typed[local] = true;
        }
        Some(Stmt::Assign {
            local,
            index,
            op,
            value,
        })
    }

    /// A whole program, or `None` where an attempt went nowhere.
    pub fn program(mut self) -> Option<Program> {
        if self.params.is_empty() {
            self.params = self.parameters();
        }
        let mut scope = Scope::default();
        let mut body = Vec::new();
        let mut top = Vec::new();
        for _ in 0..2 + self.rng.below(2) {
            for _ in 0..1 + self.rng.below(2) {
                let (stmt, l) = self.declaration(&scope);
                body.push(stmt);
                scope.visible.push(l);
                scope.assignable.push(l);
                top.push(l);
            }
            body.push(self.for_loop(&scope, 0)?);
        }
        // The result reads every local of the top level.
        let mut result: Option<E> = None;
        for &l in &top {
            let idx = self.locals[l].len.map(|n| lit(self.rng.below(n)));
            let read = E::Read(Place::Local(l), idx.into_iter().collect());
            let read = if self.typed[l] && self.rng.chance(0.3) {
                call(*self.rng.pick(&[Fun::Tanh, Fun::Sin, Fun::Softplus]), read)
            } else {
                read
            };
            result = Some(match result {
                None => read,
                Some(r) => {
                    let op = *self.rng.pick(&[Bin::Add, Bin::Add, Bin::Sub, Bin::Mul]);
                    bin(op, r, read)
                }
            });
        }
        let mut program = Program {
            params: self.params,
            locals: self.locals,
            body,
            result: result?,
            callees: self.callees.into_iter().map(|(name, _)| name).collect(),
            function_form: self.function_form,
        };
        let mut assigned = vec![false; program.locals.len()];
        program.walk_stmts(&mut |s| {
            if let Stmt::Assign { local, .. } = s {
                assigned[*local] = true;
            }
        });
        for (l, local) in program.locals.iter_mut().enumerate() {
            local.mutable = assigned[l];
        }
        annotate_untyped(&mut program);
        let used = (0..program.params.len()).all(|p| program.uses(Place::Param(p)));
        used.then_some(program)
    }

    /// The parameters of a program: an array first, then perhaps more.
    pub fn parameters(&mut self) -> Vec<Param> {
        let mut params = Vec::new();
        let first = if self.rng.chance(0.5) {
            Shape::Vector(2 + self.rng.below(4))
        } else {
            Shape::Matrix(2 + self.rng.below(2), 2 + self.rng.below(2))
        };
        params.push(Param {
            name: if matches!(first, Shape::Vector(_)) {
                "x"
            } else {
                "w"
            },
            shape: first,
        });
        for (name, shape) in [
            ("b", Shape::Vector(2 + self.rng.below(3))),
            (
                "w",
                Shape::Matrix(2 + self.rng.below(2), 2 + self.rng.below(2)),
            ),
            ("c", Shape::Scalar),
        ] {
            if params.iter().all(|p| p.name != name) && self.rng.chance(0.35) {
                params.push(Param { name, shape });
            }
        }
        params
    }

    /// A `let` of the top level: a scalar accumulator or a local array.
    fn declaration(&mut self, scope: &Scope) -> (Stmt, usize) {
        let n = self.locals.len();
        match self.rng.below(6) {
            0..=2 => {
                let init = if self.rng.chance(0.7) {
                    E::Lit(["0.0", "1.0", "0.5"][self.rng.below(3)])
                } else {
                    self.expr(scope, 2)
                };
                let typed = !matches!(init, E::Lit(_));
                let l = self.new_local(format!("s{n}"), None, typed);
                (
                    Stmt::Let {
                        local: l,
                        init: Init::Scalar(init),
                    },
                    l,
                )
            }
            3 | 4 => {
                let len = 2 + self.rng.below(3);
                let l = self.new_local(format!("h{n}"), Some(len), false);
                (
                    Stmt::Let {
                        local: l,
                        init: Init::Zeros(len),
                    },
                    l,
                )
            }
            _ => {
                let len = 2 + self.rng.below(2);
                let values = (0..len).map(|_| self.expr(scope, 2)).collect();
                let l = self.new_local(format!("h{n}"), Some(len), true);
                (
                    Stmt::Let {
                        local: l,
                        init: Init::List(values),
                    },
                    l,
                )
            }
        }
    }
}

/// Whether the statement (or one nested in it) uses the loop variable of `depth`.
fn uses_loop_var(s: &Stmt, depth: usize) -> bool {
    let mut found = false;
    s.walk(&mut |s| {
        found |= s.exprs().iter().any(|e| e.uses_loop_var(depth));
        match s {
            Stmt::Assign { index: Some(i), .. } => found |= i.uses_var(depth),
            Stmt::For { range, .. } => {
                found |= range.lo.uses_var(depth) || range.hi.uses_var(depth)
            }
            Stmt::If {
                cond: Cond::Static(a, _, b),
                ..
            } => found |= a.uses_var(depth) || b.uses_var(depth),
            _ => {}
        }
    });
    found
}

/// Annotates `: f64` (or `: [f64; n]`) each local that plain Rust would read before it
/// knows its type: one declared with literals and read before an assignment of an `f64`
/// value. A pass over the text in order, so it holds whatever the generator discarded.
fn annotate_untyped(program: &mut Program) {
    fn reads(e: &E, typed: &mut [bool], need: &mut [bool]) {
        e.walk(&mut |e| {
            if let E::Read(Place::Local(l), _) = e {
                if !typed[*l] {
                    need[*l] = true;
                    typed[*l] = true;
                }
            }
        });
    }
    fn block(stmts: &[Stmt], typed: &mut [bool], need: &mut [bool]) {
        for s in stmts {
            match s {
                Stmt::Let { local, init } => {
                    for e in s.exprs() {
                        reads(e, typed, need);
                    }
                    typed[*local] = match init {
                        Init::Scalar(e) => !matches!(e, E::Lit(_)),
                        Init::Zeros(_) => false,
                        Init::List(_) => true,
                    };
                }
                Stmt::Assign { local, value, .. } => {
                    reads(value, typed, need);
                    if !matches!(value, E::Lit(_)) {
                        typed[*local] = true;
                    }
                }
                Stmt::For { body, .. } => block(body, typed, need),
                Stmt::If {
                    then, otherwise, ..
                } => {
                    for e in s.exprs() {
                        reads(e, typed, need);
                    }
                    block(then, typed, need);
                    block(otherwise.as_deref().unwrap_or(&[]), typed, need);
                }
            }
        }
    }
    let n = program.locals.len();
    let (mut typed, mut need) = (vec![false; n], vec![false; n]);
    block(&program.body, &mut typed, &mut need);
    reads(&program.result, &mut typed, &mut need);
    for (local, need) in program.locals.iter_mut().zip(need) {
        local.annotated = need;
    }
}
