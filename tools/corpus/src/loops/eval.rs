//! Runs a program in `f64` as plain Rust would, the way the generator screens a case: the
//! value, if every intermediate is finite and moderate, and how many operations the
//! unrolled body has.

use backprop_core::rules;

use super::prog::{
    Arg, AssignOp, Bin, Cond, Exponent, Fun, IExpr, Init, Place, Program, RangeForm, Stmt, E,
};
use super::Case;

/// The value of the case's function of index `k` at the flat arguments, for a call
/// (`E::Apply`), if it is finite and moderate.
pub type Callees<'a> = &'a dyn Fn(usize, &[f64]) -> Option<f64>;

/// The largest intermediate a case may have.
const MODERATE: f64 = 1e3;

pub struct Run {
    pub value: f64,
    /// Operations evaluated: the size of the unrolled straight-line code.
    pub ops: usize,
}

struct Machine<'a> {
    program: &'a Program,
    xs: &'a [f64; 5],
    cm: &'a [[f64; 3]; 3],
    callees: Callees<'a>,
    inputs: &'a [f64],
    /// Where each parameter's scalars start in `inputs`.
    offsets: Vec<usize>,
    locals: Vec<Vec<f64>>,
    loops: Vec<usize>,
    ops: usize,
}

pub fn run(case: &Case, inputs: &[f64]) -> Option<Run> {
    run_program(&case.program, &case.xs, &case.cm, &|_, _| None, inputs)
}

/// `run` for any program, with its captured constants and the functions it calls.
pub fn run_program(
    program: &Program,
    xs: &[f64; 5],
    cm: &[[f64; 3]; 3],
    callees: Callees<'_>,
    inputs: &[f64],
) -> Option<Run> {
    let mut offsets = Vec::new();
    let mut at = 0;
    for p in &program.params {
        offsets.push(at);
        at += p.shape.size();
    }
    let mut m = Machine {
        program,
        xs,
        cm,
        callees,
        inputs,
        offsets,
        locals: vec![Vec::new(); program.locals.len()],
        loops: vec![0; 3],
        ops: 0,
    };
    m.block(&program.body)?;
    let value = m.value(&program.result)?;
    Some(Run { value, ops: m.ops })
}

/// The iterations of a range at the current values of the outer loop variables.
pub fn iterations(
    range: &super::prog::Range,
    loops: &[usize],
    program: &Program,
) -> Option<Vec<usize>> {
    let lo = int(&range.lo, loops, program)?;
    let hi = int(&range.hi, loops, program)?;
    let mut values: Vec<usize> = if range.inclusive {
        (lo..=hi).collect()
    } else {
        (lo..hi).collect()
    };
    match range.form {
        RangeForm::Plain => {}
        RangeForm::Rev => values.reverse(),
        RangeForm::Step(k) => values = values.into_iter().step_by(k).collect(),
    }
    Some(values)
}

/// An integer expression's value; `None` where it would underflow.
pub fn int(e: &IExpr, loops: &[usize], program: &Program) -> Option<usize> {
    Some(match e {
        IExpr::Lit(n) => *n,
        IExpr::Var(d) => loops[*d],
        IExpr::Len(p) => program.params[*p].shape.dims()[0],
        IExpr::Add(a, b) => int(a, loops, program)? + int(b, loops, program)?,
        IExpr::Sub(a, b) => int(a, loops, program)?.checked_sub(int(b, loops, program)?)?,
        IExpr::Mul(a, b) => int(a, loops, program)? * int(b, loops, program)?,
        IExpr::Rem(a, n) => int(a, loops, program)? % n,
    })
}

impl Machine<'_> {
    fn int(&self, e: &IExpr) -> Option<usize> {
        int(e, &self.loops, self.program)
    }

    fn block(&mut self, stmts: &[Stmt]) -> Option<()> {
        for s in stmts {
            self.stmt(s)?;
        }
        Some(())
    }

    fn stmt(&mut self, s: &Stmt) -> Option<()> {
        match s {
            Stmt::Let { local, init } => {
                let values = match init {
                    Init::Scalar(e) => vec![self.value(e)?],
                    Init::Zeros(n) => vec![0.0; *n],
                    Init::List(es) => es.iter().map(|e| self.value(e)).collect::<Option<_>>()?,
                };
                self.locals[*local] = values;
            }
            Stmt::Assign {
                local,
                index,
                op,
                value,
            } => {
                let v = self.value(value)?;
                let slot = match index {
                    Some(i) => self.int(i)?,
                    None => 0,
                };
                let old = *self.locals[*local].get(slot)?;
                let new = match op {
                    AssignOp::Set => v,
                    AssignOp::Add => self.check(old + v)?,
                    AssignOp::Sub => self.check(old - v)?,
                    AssignOp::Mul => self.check(old * v)?,
                    AssignOp::Div => self.check(old / v)?,
                };
                self.locals[*local][slot] = new;
            }
            Stmt::For { depth, range, body } => {
                for value in iterations(range, &self.loops, self.program)? {
                    self.loops[*depth] = value;
                    self.block(body)?;
                }
            }
            Stmt::If {
                cond,
                then,
                otherwise,
            } => {
                let holds = match cond {
                    Cond::Static(a, cmp, b) => cmp.holds(self.int(a)?, self.int(b)?),
                    Cond::Runtime(a, cmp, b) => cmp.holds(self.value(a)?, self.value(b)?),
                };
                if holds {
                    self.block(then)?;
                } else if let Some(otherwise) = otherwise {
                    self.block(otherwise)?;
                }
            }
        }
        Some(())
    }

    fn check(&mut self, v: f64) -> Option<f64> {
        self.ops += 1;
        (v.is_finite() && v.abs() <= MODERATE).then_some(v)
    }

    fn read(&self, place: Place, index: &[IExpr]) -> Option<f64> {
        let idx: Vec<usize> = index.iter().map(|i| self.int(i)).collect::<Option<_>>()?;
        let program = self.program;
        match place {
            Place::Param(p) => {
                let dims = program.params[p].shape.dims();
                let mut flat = 0;
                for (i, d) in idx.iter().zip(&dims) {
                    if i >= d {
                        return None;
                    }
                    flat = flat * d + i;
                }
                Some(self.inputs[self.offsets[p] + flat])
            }
            Place::Local(l) => self.locals[l]
                .get(idx.first().copied().unwrap_or(0))
                .copied(),
            Place::Const(0) => self.xs.get(idx[0]).copied(),
            Place::Const(_) => self.cm.get(idx[0])?.get(idx[1]).copied(),
        }
    }

    /// An argument's scalars, row-major.
    fn arg(&mut self, a: &Arg, out: &mut Vec<f64>) -> Option<()> {
        match a {
            Arg::Scalar(e) => out.push(self.value(e)?),
            Arg::Whole(Place::Param(p)) => {
                let at = self.offsets[*p];
                let size = self.program.params[*p].shape.size();
                out.extend_from_slice(&self.inputs[at..at + size]);
            }
            Arg::Whole(Place::Local(l)) => out.extend_from_slice(&self.locals[*l]),
            Arg::Whole(Place::Const(_)) => return None,
            Arg::List(items) => {
                for item in items {
                    self.arg(item, out)?;
                }
            }
        }
        Some(())
    }

    fn value(&mut self, e: &E) -> Option<f64> {
        let v = match e {
            E::Lit(text) => return text.parse().ok(),
            E::Read(place, index) => return self.read(*place, index),
            #[allow(clippy::cast_precision_loss)]
            E::LoopVal(i) => return Some(self.int(i)? as f64),
            E::Bin(op, a, b) => {
                let (a, b) = (self.value(a)?, self.value(b)?);
                match op {
                    Bin::Add => a + b,
                    Bin::Sub => a - b,
                    Bin::Mul => a * b,
                    Bin::Div => a / b,
                }
            }
            E::Neg(a) => -self.value(a)?,
            E::Call(f, a) => {
                let a = self.value(a)?;
                match f {
                    Fun::Sin => a.sin(),
                    Fun::Cos => a.cos(),
                    Fun::Tanh => a.tanh(),
                    Fun::Atan => a.atan(),
                    Fun::Exp => a.exp(),
                    Fun::Sigmoid => rules::sigmoid(a),
                    Fun::Softplus => rules::softplus(a),
                    Fun::Sqrt => a.sqrt(),
                    Fun::Ln => a.ln(),
                }
            }
            E::Powi(a, n) => {
                let a = self.value(a)?;
                let n = match n {
                    Exponent::Lit(n) => *n,
                    Exponent::Loop(i) => i32::try_from(self.int(i)?).ok()?,
                };
                a.powi(n)
            }
            E::MulAdd(a, b, c) => {
                let (a, b, c) = (self.value(a)?, self.value(b)?, self.value(c)?);
                a.mul_add(b, c)
            }
            E::Apply(k, args) => {
                let mut flat = Vec::new();
                for a in args {
                    self.arg(a, &mut flat)?;
                }
                (self.callees)(*k, &flat)?
            }
        };
        self.check(v)
    }
}
