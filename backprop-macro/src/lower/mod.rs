//! Stage 2, lower: the parsed body to a flat list of typed values in SSA form.
//!
//! The walk uses an explicit stack of tasks instead of recursion, so a long flat chain such
//! as `x0 + x1 + ... + x9999` (a left spine ten thousand deep) cannot overflow the
//! compiler's stack, and neither can a loop of ten thousand iterations: a loop is unrolled
//! by pushing its iterations' statements as tasks. Children are visited left to right, so
//! in expression form the inputs come out in order of first appearance.
//!
//! Every name is resolved by the scope (`scope.rs`): an input, a `let` (a mutable one is
//! renamed into SSA, each assignment a new value), an array (its elements are values, so
//! an array parameter is N scalar inputs), or a loop variable, an integer known here, like
//! every index and bound (`konst.rs`).

mod branch;
mod call;
pub(crate) mod dead_code;
mod konst;
mod leaf;
mod loops;
pub(crate) mod roll;
mod scope;
mod stmt;

use std::collections::HashMap;

use backprop_core::{Op, OpInfo};
use proc_macro2::Ident;
use syn::{BinOp, Expr, UnOp};

use crate::errors::Errors;
use crate::input::{Form, Input, Param};
use crate::ir::{
    Arg, Arm, Branch, BranchId, Call, CallId, Callee, Captured, CondOp, Def, Elem, Guard, Program,
    ScalarInput, Type, Value, ValueId,
};
use crate::names::unraw;
use crate::{constant, literal, unsupported};
use scope::{Binding, Scope};

/// Lowers `input`, or returns `None` after recording every error found.
pub fn lower(input: &Input, errors: &mut Errors) -> Option<Program> {
    // A parameter whose length was rejected has no elements to check the body against.
    if input
        .params
        .iter()
        .any(|p| p.shape.contains(&0) && p.named.is_none())
    {
        return None;
    }
    let mut lowerer = Lowerer::new(input, errors);
    let output = lowerer.run(&input.body);
    let program = lowerer.finish(output);
    if !errors.is_empty() {
        return None;
    }
    check_has_inputs(&program, &input.body, errors)?;
    Some(dead_code::remove(program))
}

fn check_has_inputs(program: &Program, body: &Expr, errors: &mut Errors) -> Option<()> {
    if program.inputs.is_empty() && !program.any_named() {
        errors.error(
            body,
            "this expression has no inputs: grad! differentiates by its variables, such as \
             `x` in `grad!(x * x)` (paths like `std::f64::consts::PI` are constants)",
        );
        return None;
    }
    if !program.values[program.output].active {
        let names: Vec<String> = program
            .params
            .iter()
            .map(|p| format!("`{}`", p.ident))
            .collect();
        errors.error(
            body,
            format!(
                "the result does not depend on any input ({}), so its gradient is zero \
                 everywhere: there is nothing to differentiate",
                names.join(", ")
            ),
        );
        return None;
    }
    Some(())
}

/// Work left on the explicit stack.
enum Task<'a> {
    /// Lowers an expression and pushes its value.
    Visit(&'a Expr),
    /// Lowers a block in value position and pushes its value.
    VisitBlock(&'a syn::Block),
    /// Runs a statement, which pushes nothing.
    Exec(&'a syn::Stmt),
    /// Runs the statements of a block in a scope of their own.
    ExecBlock(&'a syn::Block),
    /// Runs an expression in statement position: a loop, an `if`, an assignment, a block.
    ExecExpr(&'a Expr),
    /// Pops two values and pushes `a op b`.
    Binary(&'static OpInfo),
    /// Pops one value and pushes its negation.
    Neg,
    /// Pushes a value already made (an integer constant argument).
    Push(ValueId),
    /// Pops the operation's arguments, one per parameter, and pushes its result.
    Call(&'static OpInfo),
    /// Pushes values already made (the elements of an array argument).
    PushAll(Vec<ValueId>),
    /// Pops the scalars of a call's arguments and pushes the call's value.
    DiffCall(CallId),
    /// Pops a value and binds it to a name.
    Bind { ident: &'a Ident, mutable: bool },
    /// Pops the elements of an array, row-major, and binds them to a name.
    BindArray {
        ident: &'a Ident,
        shape: Vec<usize>,
        mutable: bool,
    },
    /// Pops a value and assigns it to a place (`s`, `h[j]`), or combines it with the
    /// place's value by an operator first (`s += ...`).
    Assign {
        place: &'a Expr,
        op: Option<&'static OpInfo>,
    },
    /// Pops `group` values and pushes them `count` times: `[value; count]`.
    Repeat { count: usize, group: usize },
    /// Binds a loop variable for one iteration.
    BindLoop(&'a Ident, i64),
    /// Lowers a condition and pushes its `Bool` value.
    VisitCond(&'a Expr),
    /// Pops `arity` conditions or values and pushes the condition `op` of them.
    Cond(CondOp, usize),
    /// Pops a run-time condition and opens a branch on it: what follows, up to
    /// `BranchElse`, is its first arm.
    BranchStart { value: bool },
    /// Ends the first arm of the innermost open branch and opens the second.
    BranchElse { value: bool },
    /// Closes the innermost open branch: each mutable local the arms left different is a
    /// new value selected by the condition, and so is the branch's value.
    BranchEnd { value: bool },
    /// Drops the bindings of a block that ends.
    EndScope(usize),
}

struct Lowerer<'a, 'e> {
    form: Form,
    elem: Elem,
    errors: &'e mut Errors,
    params: Vec<Param>,
    inputs: Vec<ScalarInput>,
    scope: Scope,
    captured: Vec<Captured>,
    /// Captured constants by source text and type, so each is captured once.
    captured_values: HashMap<(String, Type), ValueId>,
    values: Vec<Value>,
    stack: Vec<ValueId>,
    /// The arm of a run-time branch being lowered, if any.
    guard: Guard,
    branches: Vec<Branch>,
    arms: Vec<Arm>,
    /// The branches being lowered, innermost last.
    open: Vec<OpenBranch>,
    /// Loop iterations unrolled so far, against the limit in `stmt.rs`.
    unrolled: usize,
    unroll_reported: bool,
    /// Why the last loop over named constants could not stay a loop, where that is more
    /// than its form (an inner sum that reads a local of the body, ...): the error to
    /// report, at its token.
    roll_hint: Option<syn::Error>,
    /// The calls of `#[differentiable]` functions, and the functions, by path text.
    calls: Vec<Call>,
    callees: Vec<Callee>,
    /// The loops that stay loops, each a callee.
    rolled: Vec<crate::ir::Rolled>,
    /// What makes each of them the loop it is (`roll/key.rs`).
    rolled_keys: Vec<String>,
    /// The `#[differentiable]` function being lowered, if any.
    function: Option<&'a Ident>,
    /// Its const generic parameters.
    generics: Vec<Ident>,
    /// For each callee, the shapes of its arguments (as text), which with its path tell
    /// callees apart.
    callee_shapes: Vec<Vec<String>>,
    _body: std::marker::PhantomData<&'a ()>,
}

impl<'a, 'e> Lowerer<'a, 'e> {
    fn new(input: &'a Input, errors: &'e mut Errors) -> Self {
        let mut lowerer = Lowerer {
            form: input.form,
            elem: input.elem,
            errors,
            params: Vec::new(),
            inputs: Vec::new(),
            scope: Scope::default(),
            captured: Vec::new(),
            captured_values: HashMap::new(),
            values: Vec::new(),
            stack: Vec::new(),
            guard: None,
            branches: Vec::new(),
            arms: Vec::new(),
            open: Vec::new(),
            unrolled: 0,
            unroll_reported: false,
            roll_hint: None,
            calls: Vec::new(),
            callees: Vec::new(),
            rolled: Vec::new(),
            rolled_keys: Vec::new(),
            function: input.function.as_ref(),
            generics: input.generics.clone(),
            callee_shapes: Vec::new(),
            _body: std::marker::PhantomData,
        };
        let first_constant = input.params.len().saturating_sub(input.constants);
        for (p, param) in input.params.iter().enumerate() {
            lowerer.param(param.clone());
            if p >= first_constant {
                // A constant of the body: an input with no gradient.
                if let Some(Binding::Scalar { value, .. }) = lowerer.scope.get(&param.ident) {
                    let value = *value;
                    lowerer.values[value].active = false;
                }
            }
        }
        lowerer
    }

    fn run(&mut self, body: &'a Expr) -> ValueId {
        let mut tasks = vec![Task::Visit(body)];
        while let Some(task) = tasks.pop() {
            match task {
                Task::Visit(expr) => self.visit(expr, &mut tasks),
                Task::VisitBlock(block) => self.visit_block(block, &mut tasks),
                Task::Exec(stmt) => self.exec(stmt, &mut tasks),
                Task::ExecBlock(block) => self.exec_block(block, &mut tasks),
                Task::ExecExpr(expr) => self.exec_expr(expr, &mut tasks),
                Task::Binary(info) => {
                    let b = self.pop();
                    let a = self.pop();
                    self.push_op(info, vec![a, b]);
                }
                Task::Neg => {
                    let a = self.pop();
                    if let Def::Literal(v) = self.values[a].def {
                        let folded = self.value(Def::Literal(-v), Type::Float, false);
                        self.stack.push(folded);
                    } else {
                        self.push_op(Op::Neg.info(), vec![a]);
                    }
                }
                Task::Push(v) => self.stack.push(v),
                Task::PushAll(values) => self.stack.extend(values),
                Task::DiffCall(call) => {
                    let n = self.calls[call].args.iter().map(Arg::len).sum::<usize>();
                    let at = self.stack.len().saturating_sub(n);
                    let args = self.stack.split_off(at);
                    let active = args.iter().any(|&a| self.values[a].active)
                        || self.calls[call]
                            .args
                            .iter()
                            .any(|a| matches!(a, Arg::Param(_)));
                    let v = self.value(Def::Call { call, args }, Type::Float, active);
                    self.stack.push(v);
                    // A loop with several states: each further state's value, a value of
                    // the same call.
                    for k in 1..self.calls[call].outputs {
                        let o = self.value(Def::Output { of: v, k }, Type::Float, active);
                        self.stack.push(o);
                    }
                }
                Task::Call(info) => {
                    let at = self.stack.len().saturating_sub(info.params.len());
                    let args = self.stack.split_off(at);
                    self.push_op(info, args);
                }
                Task::Bind { ident, mutable } => {
                    let v = self.pop();
                    self.name_value(v, ident);
                    let binding = Binding::Scalar {
                        value: v,
                        mutable,
                        param: false,
                    };
                    self.scope.bind(ident, binding);
                }
                Task::BindArray {
                    ident,
                    shape,
                    mutable,
                } => {
                    let n: usize = shape.iter().product();
                    let at = self.stack.len().saturating_sub(n);
                    let elems = self.stack.split_off(at);
                    let binding = Binding::Array {
                        shape,
                        elems,
                        mutable,
                        param: false,
                    };
                    self.scope.bind(ident, binding);
                }
                Task::Assign { place, op } => self.assign(place, op),
                Task::Repeat { count, group } => {
                    let at = self.stack.len().saturating_sub(group);
                    let values = self.stack.split_off(at);
                    for _ in 0..count {
                        self.stack.extend_from_slice(&values);
                    }
                }
                Task::BindLoop(ident, n) => self.scope.bind(ident, Binding::Loop(n)),
                Task::VisitCond(expr) => self.visit_cond(expr, &mut tasks),
                Task::Cond(op, arity) => {
                    let at = self.stack.len().saturating_sub(arity);
                    let args = self.stack.split_off(at);
                    let v = self.value(Def::Cond { op, args }, Type::Bool, false);
                    self.stack.push(v);
                }
                Task::BranchStart { value } => self.branch_start(value),
                Task::BranchElse { value } => self.branch_else(value),
                Task::BranchEnd { value } => self.branch_end(value),
                Task::EndScope(len) => self.scope.truncate(len),
            }
        }
        self.pop()
    }

    fn finish(self, output: ValueId) -> Program {
        Program {
            elem: self.elem,
            params: self.params,
            inputs: self.inputs,
            captured: self.captured,
            values: self.values,
            output,
            branches: self.branches,
            arms: self.arms,
            calls: self.calls,
            callees: self.callees,
            rolled: self.rolled,
            generics: self.generics,
        }
    }

    fn pop(&mut self) -> ValueId {
        // The stack is balanced by construction; an empty one can only follow an error
        // already reported, so a placeholder keeps the walk going.
        match self.stack.pop() {
            Some(v) => v,
            None => self.value(Def::Literal(0.0), Type::Float, false),
        }
    }

    fn value(&mut self, def: Def, ty: Type, active: bool) -> ValueId {
        // Inputs and captured constants are read at the top, whatever arm first uses them.
        let guard = match def {
            Def::Input(_) | Def::Captured(_) => None,
            _ => self.guard,
        };
        self.values.push(Value {
            def,
            ty,
            guard,
            active,
            name: None,
        });
        self.values.len() - 1
    }

    /// Gives an operation's value the user's name, for the generated code and the
    /// derivation (the first name wins: `let a = b;` keeps `b`'s).
    fn name_value(&mut self, v: ValueId, ident: &Ident) {
        let value = &mut self.values[v];
        if value.name.is_none()
            && matches!(
                value.def,
                Def::Op { .. } | Def::Call { .. } | Def::Output { .. }
            )
        {
            value.name = Some(unraw(ident));
        }
    }

    /// Every operation of the table returns the element type.
    fn push_op(&mut self, info: &'static OpInfo, args: Vec<ValueId>) {
        let active = args.iter().any(|&a| self.values[a].active);
        let v = self.value(Def::Op { info, args }, Type::Float, active);
        self.stack.push(v);
    }

    /// A placeholder for a sub-expression that had an error, so the walk goes on and finds
    /// the others.
    fn placeholder(&mut self) {
        let v = self.value(Def::Literal(0.0), Type::Float, false);
        self.stack.push(v);
    }

    /// A parameter: one scalar input, or one per element of an array.
    fn param(&mut self, param: Param) -> Binding {
        let p = self.params.len();
        if let Some(len) = &param.named {
            let binding = Binding::Named {
                param: p,
                len: len.clone(),
            };
            self.scope.bind(&param.ident, binding.clone());
            self.params.push(param);
            return binding;
        }
        let elems: Vec<ValueId> = (0..param.scalars())
            .map(|flat| {
                let index = unflatten(flat, &param.shape);
                let v = self.value(Def::Input(self.inputs.len()), Type::Float, true);
                self.inputs.push(ScalarInput { param: p, index });
                v
            })
            .collect();
        let binding = if param.shape.is_empty() {
            Binding::Scalar {
                value: elems[0],
                mutable: false,
                param: true,
            }
        } else {
            Binding::Array {
                shape: param.shape.clone(),
                elems,
                mutable: false,
                param: true,
            }
        };
        self.scope.bind(&param.ident, binding.clone());
        self.params.push(param);
        binding
    }

    fn visit(&mut self, expr: &'a Expr, tasks: &mut Vec<Task<'a>>) {
        match expr {
            Expr::Paren(e) => tasks.push(Task::Visit(&e.expr)),
            Expr::Group(e) => tasks.push(Task::Visit(&e.expr)),
            Expr::Lit(lit) => match literal::value(&lit.lit, self.elem) {
                Ok(v) => {
                    let id = self.value(Def::Literal(v), Type::Float, false);
                    self.stack.push(id);
                }
                Err(e) => {
                    self.errors.push(e);
                    self.placeholder();
                }
            },
            Expr::Path(path) => self.visit_path(expr, path),
            Expr::Index(_) => self.visit_index(expr),
            Expr::Cast(cast) => self.visit_cast(expr, cast),
            Expr::Binary(binary) => {
                let info = match binary.op {
                    BinOp::Add(_) => Some(Op::Add.info()),
                    BinOp::Sub(_) => Some(Op::Sub.info()),
                    BinOp::Mul(_) => Some(Op::Mul.info()),
                    BinOp::Div(_) => Some(Op::Div.info()),
                    _ => None,
                };
                let Some(info) = info else {
                    self.unsupported(expr);
                    return;
                };
                tasks.push(Task::Binary(info));
                tasks.push(Task::Visit(&binary.right));
                tasks.push(Task::Visit(&binary.left));
            }
            Expr::Unary(unary) if matches!(unary.op, UnOp::Neg(_)) => {
                tasks.push(Task::Neg);
                tasks.push(Task::Visit(&unary.expr));
            }
            Expr::MethodCall(call) => self.visit_method(expr, call, tasks),
            Expr::Call(call) => self.visit_call(expr, call, tasks),
            Expr::Block(block) if block.label.is_none() && block.attrs.is_empty() => {
                self.visit_block(&block.block, tasks);
            }
            Expr::If(if_expr) => self.visit_if(if_expr, tasks),
            other => self.unsupported(other),
        }
    }

    /// Captures `expr`, which involves no input, as a constant of type `ty`; loop
    /// variables it mentions are replaced by their values, so `xs[i]` is read once per
    /// distinct index.
    fn capture(&mut self, expr: &Expr, ident: Option<Ident>, ty: Type) -> ValueId {
        let loops = self.scope.loop_values();
        let (code, shown) = scope::substituted(expr, &loops);
        let text = constant::source_text(&shown);
        if let Some(&v) = self.captured_values.get(&(text.clone(), ty)) {
            return v;
        }
        let v = self.value(Def::Captured(self.captured.len()), ty, false);
        self.captured.push(Captured {
            expr: code,
            ty,
            ident: if loops.is_empty() { ident } else { None },
            text: text.clone(),
        });
        self.captured_values.insert((text, ty), v);
        v
    }

    /// Captures a constant of the element type as the next value of the walk.
    fn capture_float(&mut self, expr: &Expr) {
        let v = self.capture(expr, None, Type::Float);
        self.stack.push(v);
    }

    /// A piece of syntax outside the supported language: captured if it is a constant in
    /// the closure form, an error otherwise.
    fn unsupported(&mut self, expr: &Expr) {
        match self.dependency(expr) {
            None if self.form == Form::Closure && constant::capturable(expr) => {
                self.capture_float(expr);
                return;
            }
            dependency => {
                let message = unsupported::unsupported_message(expr, self.form, dependency);
                self.errors
                    .push(syn::Error::new(unsupported::keyword_span(expr), message));
            }
        }
        self.placeholder();
    }

    /// The first input or binding of the body that `expr` mentions, if any.
    fn dependency(&self, expr: &Expr) -> Option<constant::Dependency> {
        let scope = &self.scope;
        let form = self.form;
        constant::find_dependency(expr, &|ident| match scope.classify(ident) {
            // In expression form every plain name is an input.
            None if form == Form::Expression && scope.get(ident).is_none() => Some(false),
            other => other,
        })
    }
}

/// A branch being lowered: the scope before it, and what its first arm left.
struct OpenBranch {
    branch: BranchId,
    before: Scope,
    then_scope: Option<Scope>,
    then_value: Option<ValueId>,
}

/// The multi-index of the `flat`-th element of an array of `shape`, row-major.
fn unflatten(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for (k, &len) in shape.iter().enumerate().rev() {
        index[k] = flat % len.max(1);
        flat /= len.max(1);
    }
    index
}
