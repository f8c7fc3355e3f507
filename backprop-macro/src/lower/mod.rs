//! Stage 2, lower: the parsed expression to a flat list of values in SSA form.
//!
//! The walk uses an explicit stack instead of recursion, so a long flat chain such as
//! `x0 + x1 + ... + x9999` (a left spine ten thousand deep) cannot overflow the compiler's
//! stack. Children are visited left to right, so in expression form the inputs come out in
//! order of first appearance.

pub(crate) mod dead_code;

use std::collections::HashMap;

use backprop_core::{ops, Op, OpInfo, ParamType};
use proc_macro2::Ident;
use syn::{BinOp, Expr, UnOp};

use crate::errors::Errors;
use crate::input::{Form, Input};
use crate::ir::{Captured, Def, Elem, Program, Type, Value, ValueId};
use crate::names::unraw;
use crate::{constant, literal, suggest, unsupported};

/// Lowers `input`, or returns `None` after recording every error found.
pub fn lower(input: &Input, errors: &mut Errors) -> Option<Program> {
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
    if program.inputs.is_empty() {
        errors.error(
            body,
            "this expression has no inputs: grad! differentiates by its variables, such as \
             `x` in `grad!(x * x)` (paths like `std::f64::consts::PI` are constants)",
        );
        return None;
    }
    if !program.values[program.output].active {
        let names: Vec<String> = program.inputs.iter().map(|i| format!("`{i}`")).collect();
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
    Visit(&'a Expr),
    /// Pops two values and pushes `a op b`.
    Binary(&'static OpInfo),
    /// Pops one value and pushes its negation.
    Neg,
    /// Pushes a value already made (an integer constant argument).
    Push(ValueId),
    /// Pops the operation's arguments, one per parameter, and pushes its result.
    Call(&'static OpInfo),
    /// Pops a value and binds it to a name.
    Bind(&'a Ident),
    /// Drops the bindings of a block that ends.
    EndScope(usize),
}

struct Lowerer<'a, 'e> {
    form: Form,
    elem: Elem,
    errors: &'e mut Errors,
    params: &'a [Ident],
    inputs: Vec<Ident>,
    input_values: HashMap<String, ValueId>,
    scopes: Vec<(String, ValueId)>,
    captured: Vec<Captured>,
    /// Captured constants by source text and type, so each is captured once.
    captured_values: HashMap<(String, Type), ValueId>,
    values: Vec<Value>,
    stack: Vec<ValueId>,
}

impl<'a, 'e> Lowerer<'a, 'e> {
    fn new(input: &'a Input, errors: &'e mut Errors) -> Self {
        let mut lowerer = Lowerer {
            form: input.form,
            elem: input.elem,
            errors,
            params: &input.params,
            inputs: Vec::new(),
            input_values: HashMap::new(),
            scopes: Vec::new(),
            captured: Vec::new(),
            captured_values: HashMap::new(),
            values: Vec::new(),
            stack: Vec::new(),
        };
        for param in &input.params {
            lowerer.input(param);
        }
        lowerer
    }

    fn run(&mut self, body: &'a Expr) -> ValueId {
        let mut tasks = vec![Task::Visit(body)];
        while let Some(task) = tasks.pop() {
            match task {
                Task::Visit(expr) => self.visit(expr, &mut tasks),
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
                Task::Call(info) => {
                    let at = self.stack.len().saturating_sub(info.params.len());
                    let args = self.stack.split_off(at);
                    self.push_op(info, args);
                }
                Task::Bind(ident) => {
                    let v = self.pop();
                    let value = &mut self.values[v];
                    if value.name.is_none() && matches!(value.def, Def::Op { .. }) {
                        value.name = Some(unraw(ident));
                    }
                    self.scopes.push((unraw(ident), v));
                }
                Task::EndScope(len) => self.scopes.truncate(len),
            }
        }
        self.pop()
    }

    fn finish(self, output: ValueId) -> Program {
        Program {
            elem: self.elem,
            inputs: self.inputs,
            captured: self.captured,
            values: self.values,
            output,
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
        self.values.push(Value {
            def,
            ty,
            active,
            name: None,
        });
        self.values.len() - 1
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

    fn input(&mut self, ident: &Ident) -> ValueId {
        let key = unraw(ident);
        if let Some(&v) = self.input_values.get(&key) {
            return v;
        }
        let v = self.value(Def::Input(self.inputs.len()), Type::Float, true);
        self.inputs.push(ident.clone());
        self.input_values.insert(key, v);
        v
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
            Expr::Path(path) => self.visit_path(path),
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
            other => self.unsupported(other),
        }
    }

    fn visit_path(&mut self, path: &'a syn::ExprPath) {
        let ident = match (&path.qself, path.path.get_ident()) {
            (None, Some(ident)) if path.attrs.is_empty() => ident,
            _ => {
                // A path such as `std::f64::consts::PI`: a constant in both forms.
                let v = self.capture(&Expr::Path(path.clone()), None, Type::Float);
                self.stack.push(v);
                return;
            }
        };
        let name = unraw(ident);
        if let Some(&(_, v)) = self.scopes.iter().rev().find(|(n, _)| *n == name) {
            self.stack.push(v);
            return;
        }
        let v = match self.form {
            Form::Expression => {
                if crate::input::is_path_keyword(ident) {
                    self.errors.error(
                        ident,
                        format!(
                            "`{ident}` cannot be an input of grad!: in the expression form \
                             every plain identifier is an input; the closure form, such as \
                             `grad!(|w| w * self.scale)`, captures everything else"
                        ),
                    );
                }
                self.input(ident)
            }
            Form::Closure if self.params.iter().any(|p| unraw(p) == name) => self.input(ident),
            Form::Closure => {
                let v = self.capture(&Expr::Path(path.clone()), Some(ident.clone()), Type::Float);
                self.stack.push(v);
                return;
            }
        };
        self.stack.push(v);
    }

    /// Captures `expr`, which involves no input, as a constant of type `ty`.
    fn capture(&mut self, expr: &Expr, ident: Option<Ident>, ty: Type) -> ValueId {
        let text = constant::source_text(expr);
        if let Some(&v) = self.captured_values.get(&(text.clone(), ty)) {
            return v;
        }
        let v = self.value(Def::Captured(self.captured.len()), ty, false);
        self.captured.push(Captured {
            expr: expr.clone(),
            ty,
            ident,
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

    /// The first input or `let` name that `expr` mentions, if any.
    fn dependency(&self, expr: &Expr) -> Option<constant::Dependency> {
        constant::find_dependency(expr, self.params, &self.scopes)
    }

    fn visit_method(
        &mut self,
        expr: &'a Expr,
        call: &'a syn::ExprMethodCall,
        tasks: &mut Vec<Task<'a>>,
    ) {
        let name = unraw(&call.method);
        let Some(info) = ops::lookup(&name) else {
            if self.form == Form::Closure && self.dependency(expr).is_none() {
                self.capture_float(expr);
            } else {
                self.errors.error(
                    &call.method,
                    format!("unknown method `{name}`: {}", suggest::hint(&name)),
                );
                self.placeholder();
            }
            return;
        };
        if let Some(turbofish) = &call.turbofish {
            self.errors
                .error(turbofish, format!("`{name}` takes no type arguments"));
        }
        let args: Vec<&'a Expr> = std::iter::once(&*call.receiver)
            .chain(call.args.iter())
            .collect();
        self.visit_operation(info, &call.method, &args, true, tasks);
    }

    fn visit_call(&mut self, expr: &'a Expr, call: &'a syn::ExprCall, tasks: &mut Vec<Task<'a>>) {
        let function = match &*call.func {
            Expr::Path(path) if path.qself.is_none() => operation_name(&path.path),
            _ => None,
        };
        let Some(ident) = function else {
            self.unsupported(expr);
            return;
        };
        let name = unraw(ident);
        let Some(info) = ops::lookup(&name) else {
            if self.form == Form::Closure && self.dependency(expr).is_none() {
                self.capture_float(expr);
            } else {
                self.errors.error(
                    ident,
                    format!("unknown function `{name}`: {}", suggest::hint(&name)),
                );
                self.placeholder();
            }
            return;
        };
        let args: Vec<&'a Expr> = call.args.iter().collect();
        self.visit_operation(info, ident, &args, false, tasks);
    }

    /// Checks the argument count of a call of `info` and schedules its arguments.
    fn visit_operation(
        &mut self,
        info: &'static OpInfo,
        name: &Ident,
        args: &[&'a Expr],
        method: bool,
        tasks: &mut Vec<Task<'a>>,
    ) {
        if args.len() != info.params.len() {
            let given = args.len() - usize::from(method);
            self.errors
                .error(name, unsupported::arity_message(info, method, given));
            self.placeholder();
            return;
        }
        // Integer parameters are constants, made now; the others are visited as values.
        let mut scheduled = Vec::with_capacity(args.len());
        for (&arg, ty) in args.iter().zip(info.signature.params()) {
            match ty {
                ParamType::Float => scheduled.push(Task::Visit(arg)),
                ParamType::Int => match self.exponent(arg) {
                    Some(v) => scheduled.push(Task::Push(v)),
                    None => {
                        self.placeholder();
                        return;
                    }
                },
            }
        }
        tasks.push(Task::Call(info));
        tasks.extend(scheduled.into_iter().rev());
    }

    /// The constant integer exponent of `powi`, as a value of type `i32`: a literal or a
    /// captured integer constant.
    fn exponent(&mut self, arg: &Expr) -> Option<ValueId> {
        if let Some(result) = literal::integer(arg) {
            return match result {
                Ok(n) => Some(self.value(Def::IntLiteral(n), Type::Int, false)),
                Err(e) => {
                    self.errors.push(e);
                    None
                }
            };
        }
        let depends = match self.form {
            // Every plain identifier is an input in expression form.
            Form::Expression => !matches!(arg, Expr::Path(p) if p.path.get_ident().is_none()),
            Form::Closure => self.dependency(arg).is_some(),
        };
        if depends {
            self.errors.error(
                arg,
                "the exponent of `powi` must be an integer literal or constant, not an \
                 input: use `powf` to differentiate by the exponent",
            );
            return None;
        }
        if !constant::capturable(arg) {
            self.errors.error(
                arg,
                "the exponent of `powi` must be an integer literal or constant",
            );
            return None;
        }
        Some(self.capture(arg, None, Type::Int))
    }

    /// Schedules a block: each `let` binds its value for the statements after it; the
    /// bindings end with the block.
    fn visit_block(&mut self, block: &'a syn::Block, tasks: &mut Vec<Task<'a>>) {
        let mut scheduled: Vec<Task<'a>> = Vec::new();
        let mut tail: Option<&'a Expr> = None;
        for (k, stmt) in block.stmts.iter().enumerate() {
            let last = k + 1 == block.stmts.len();
            match stmt {
                syn::Stmt::Local(local) => {
                    if let Some((ident, init)) =
                        unsupported::check_let(local, self.elem, self.errors)
                    {
                        scheduled.push(Task::Visit(init));
                        scheduled.push(Task::Bind(ident));
                    }
                }
                syn::Stmt::Expr(e, None) if last => tail = Some(e),
                other => {
                    self.errors.push(unsupported::statement_error(other, last));
                    // A final expression followed by `;` is still lowered, for its errors.
                    if let (true, syn::Stmt::Expr(e, Some(_))) = (last, other) {
                        tail = Some(e);
                    }
                }
            }
        }
        let Some(tail) = tail else {
            self.errors.push(syn::Error::new(
                block.brace_token.span.close(),
                "the block must end in an expression, the value to differentiate",
            ));
            self.placeholder();
            return;
        };
        scheduled.push(Task::Visit(tail));
        tasks.push(Task::EndScope(self.scopes.len()));
        tasks.extend(scheduled.into_iter().rev());
    }
}

/// The operation name of a called path: `sin` or `f64::sin`.
fn operation_name(path: &syn::Path) -> Option<&Ident> {
    if let Some(ident) = path.get_ident() {
        return Some(ident);
    }
    let segments: Vec<&syn::PathSegment> = path.segments.iter().collect();
    match segments.as_slice() {
        [ty, op]
            if path.leading_colon.is_none()
                && (ty.ident == "f64" || ty.ident == "f32")
                && ty.arguments.is_none()
                && op.arguments.is_none() =>
        {
            Some(&op.ident)
        }
        _ => None,
    }
}
