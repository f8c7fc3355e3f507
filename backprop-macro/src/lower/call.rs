//! Calls of the table's operations, in method form (`x.sin()`) and function form
//! (`sin(x)`, `f64::sin(x)`): the name looked up in the table, the argument count checked,
//! and the integer exponent of `powi` made a value of type `i32`.

use backprop_core::{ops, OpInfo, ParamType};
use proc_macro2::Ident;
use syn::Expr;

use super::konst::{self, Const};
use super::scope::Binding;
use super::{Lowerer, Task};
use crate::input::Form;
use crate::ir::{Arg, Call, Callee, Def, Type, ValueId};
use crate::names::unraw;
use crate::{constant, literal, suggest, unsupported};

impl<'a> Lowerer<'a, '_> {
    pub(super) fn visit_method(
        &mut self,
        expr: &'a Expr,
        call: &'a syn::ExprMethodCall,
        tasks: &mut Vec<Task<'a>>,
    ) {
        let name = unraw(&call.method);
        let Some(info) = ops::lookup(&name) else {
            if self.form == Form::Closure && self.dependency(expr).is_none() {
                self.capture_float(expr);
            } else if name == "len" && konst::array_len(&call.receiver, &self.scope).is_some() {
                self.errors.error(
                    &call.method,
                    format!(
                        "`len()` is a `usize`: to compute with it, cast it, as in \
                         `x.len() as {}`",
                        self.elem.name()
                    ),
                );
                self.placeholder();
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

    pub(super) fn visit_call(
        &mut self,
        expr: &'a Expr,
        call: &'a syn::ExprCall,
        tasks: &mut Vec<Task<'a>>,
    ) {
        let path = match &*call.func {
            Expr::Path(path) if path.qself.is_none() => &path.path,
            _ => {
                self.unsupported(expr);
                return;
            }
        };
        if let Some(ident) = operation_name(path) {
            if let Some(info) = ops::lookup(&unraw(ident)) {
                let args: Vec<&'a Expr> = call.args.iter().collect();
                self.visit_operation(info, ident, &args, false, tasks);
                return;
            }
        }
        if self.form == Form::Closure && self.dependency(expr).is_none() {
            // The user's own function on constants: evaluated once, like any constant.
            self.capture_float(expr);
            return;
        }
        self.visit_differentiable_call(path, call, tasks);
    }

    /// A call of a function that is not an operation of the table: a `#[differentiable]`
    /// function, differentiated through its own generated code. Whether it has the
    /// attribute, only the compiler can tell: the generated code names the function's
    /// hidden companion type, which a plain function lacks.
    fn visit_differentiable_call(
        &mut self,
        path: &'a syn::Path,
        call: &'a syn::ExprCall,
        tasks: &mut Vec<Task<'a>>,
    ) {
        if let Some(own) = self.function {
            if path
                .get_ident()
                .is_some_and(|ident| unraw(ident) == unraw(own))
            {
                self.errors.error(
                    path,
                    format!(
                        "`{own}` calls itself: a `#[backprop::differentiable]` function \
                         cannot be recursive, because its pullback would contain itself; \
                         write the recursion as a loop"
                    ),
                );
                self.placeholder();
                return;
            }
        }
        if let Some(segment) = path.segments.iter().find(|s| !s.arguments.is_none()) {
            self.errors.error(
                &segment.arguments,
                "a call of a `#[backprop::differentiable]` function takes no generic \
                 arguments",
            );
            self.placeholder();
            return;
        }
        let text =
            crate::constant::source_text(&Expr::Verbatim(quote::ToTokens::to_token_stream(path)));
        // How each argument is passed, first without lowering anything: the callee is one
        // per path and shapes of the arguments, since a function with const generics is
        // a different companion at each length.
        enum Pass<'e> {
            Named(usize),
            Part(Vec<usize>, Vec<ValueId>),
            Constant,
            Literal(&'e Expr),
        }
        let mut passes = Vec::new();
        for arg in &call.args {
            if let Expr::Path(p) = arg {
                if let Some(Binding::Named { param, .. }) =
                    p.path.get_ident().and_then(|i| self.scope.get(i))
                {
                    passes.push(Pass::Named(*param));
                    continue;
                }
            }
            match self.array_part(arg) {
                Ok(Some((shape, elems))) => {
                    passes.push(Pass::Part(shape, elems));
                    continue;
                }
                Ok(None) => {}
                Err(e) => {
                    self.errors.push(e);
                    self.placeholder();
                    return;
                }
            }
            if self.form == Form::Closure
                && self.dependency(arg).is_none()
                && !is_number(arg)
                && constant::capturable(arg)
            {
                passes.push(Pass::Constant);
            } else {
                passes.push(Pass::Literal(arg));
            }
        }
        let shapes: Vec<String> = passes
            .iter()
            .map(|pass| match pass {
                Pass::Named(p) => format!("{:?}", self.params[*p].named.as_ref().map(|n| &n.text)),
                Pass::Part(shape, _) => format!("{shape:?}"),
                Pass::Constant => "constant".to_owned(),
                Pass::Literal(arg) => format!("{:?}", literal_shape(arg)),
            })
            .collect();
        let callee = match self
            .callees
            .iter()
            .zip(&self.callee_shapes)
            .position(|(c, s)| c.text == text && *s == shapes)
        {
            Some(k) => k,
            None => {
                self.callees.push(Callee {
                    path: path.clone(),
                    text,
                });
                self.callee_shapes.push(shapes);
                self.callees.len() - 1
            }
        };
        let mut args = Vec::new();
        let mut leaves = Vec::new();
        for (position, (arg, pass)) in call.args.iter().zip(passes).enumerate() {
            match pass {
                Pass::Named(p) => args.push(Arg::Param(p)),
                Pass::Part(shape, elems) => {
                    args.push(Arg::Values(shape));
                    leaves.push(Task::PushAll(elems));
                }
                Pass::Constant => {
                    // A constant, captured whole with the parameter's type, which may be
                    // an array: `xs[i]`, a row of data.
                    let v = self.capture(arg, None, Type::Opaque(callee, position));
                    args.push(Arg::Constant);
                    leaves.push(Task::Push(v));
                }
                Pass::Literal(arg) => match self.array_literal(arg, &mut leaves) {
                    Ok(shape) => args.push(Arg::Values(shape.unwrap_or_default())),
                    Err(e) => {
                        self.errors.push(e);
                        self.placeholder();
                        return;
                    }
                },
            }
        }
        self.calls.push(Call {
            callee,
            args,
            outputs: 1,
        });
        tasks.push(Task::DiffCall(self.calls.len() - 1));
        tasks.extend(leaves.into_iter().rev());
    }

    /// An argument that is a whole array of the body or a part of one (a row `w[j]` of a
    /// 2-D array): its shape and elements. `None` for anything else, a single element
    /// included.
    fn array_part(&mut self, arg: &Expr) -> syn::Result<Option<(Vec<usize>, Vec<ValueId>)>> {
        let mut indices = Vec::new();
        let mut base = arg;
        loop {
            match base {
                Expr::Index(index) => {
                    indices.push(&*index.index);
                    base = &index.expr;
                }
                Expr::Paren(p) => base = &p.expr,
                _ => break,
            }
        }
        indices.reverse();
        let Expr::Path(path) = base else {
            return Ok(None);
        };
        let Some(ident) = path.path.get_ident() else {
            return Ok(None);
        };
        let Some(Binding::Array { shape, elems, .. }) = self.scope.get(ident).cloned() else {
            return Ok(None);
        };
        if indices.len() >= shape.len() {
            return Ok(None);
        }
        let mut start = 0;
        for (k, index) in indices.iter().enumerate() {
            let n = self.loop_int(index, "an index")?;
            let len = shape[k];
            let Some(n) = usize::try_from(n).ok().filter(|&n| n < len) else {
                return Err(syn::Error::new_spanned(
                    index,
                    format!(
                        "index {n} is out of bounds: dimension {} of `{ident}` has length {len}",
                        k + 1
                    ),
                ));
            };
            start = start * len + n;
        }
        let rest = shape[indices.len()..].to_vec();
        let size: usize = rest.iter().product();
        let elems = elems[start * size..(start + 1) * size].to_vec();
        Ok(Some((rest, elems)))
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

    /// The constant integer exponent of `powi`, as a value of type `i32`: a literal, an
    /// integer known here (`i as i32` of a loop variable), or a captured integer constant.
    pub(super) fn exponent(&mut self, arg: &Expr) -> Option<ValueId> {
        if let Some(result) = literal::integer(arg) {
            return match result {
                Ok(n) => Some(self.value(Def::IntLiteral(n), Type::Int, false)),
                Err(e) => {
                    self.errors.push(e);
                    None
                }
            };
        }
        match konst::eval(arg, &self.scope) {
            Ok(Some(Const::Int(n))) => {
                let Ok(n) = i32::try_from(n) else {
                    self.errors
                        .error(arg, "the exponent of `powi` does not fit in an `i32`");
                    return None;
                };
                return Some(self.value(Def::IntLiteral(n), Type::Int, false));
            }
            Err(e) => {
                self.errors.push(e);
                return None;
            }
            _ => {}
        }
        if self.dependency(arg).is_some() {
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
}

/// A numeric literal, perhaps negated: a value of the body, not a captured constant.
fn is_number(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(_) => true,
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => is_number(&u.expr),
        Expr::Paren(p) => is_number(&p.expr),
        _ => false,
    }
}

/// The operation name of a called path: `sin`, `f64::sin` or `backprop::rules::sin`.
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
        // The rule functions themselves, as a differentiable function's body calls them:
        // `backprop::rules::sigmoid(x)`, `rules::sigmoid(x)`.
        [.., module, op]
            if module.ident == "rules" && module.arguments.is_none() && op.arguments.is_none() =>
        {
            Some(&op.ident)
        }
        _ => None,
    }
}

/// The shape of an array literal argument, `[[a, b], [c, d]]` giving `[2, 2]`, as far as
/// its first elements tell (the lowering checks the rest); empty for anything else.
fn literal_shape(arg: &Expr) -> Vec<usize> {
    match arg {
        Expr::Paren(p) => literal_shape(&p.expr),
        Expr::Array(array) => {
            let mut shape = vec![array.elems.len()];
            if let Some(first) = array.elems.first() {
                shape.extend(literal_shape(first));
            }
            shape
        }
        Expr::Repeat(repeat) => match &*repeat.len {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(n),
                ..
            }) => {
                let mut shape = vec![n.base10_parse().unwrap_or(0)];
                shape.extend(literal_shape(&repeat.expr));
                shape
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}
