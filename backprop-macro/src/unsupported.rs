//! Syntax outside the supported language: which token an error points at, and what the
//! message says was found and what is allowed instead.

use backprop_core::OpInfo;
use proc_macro2::{Ident, Span};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{BinOp, Expr, UnOp};

use crate::constant::{is_assignment, source_text, Dependency};
use crate::errors::Errors;
use crate::input::{is_path_keyword, Form};

/// The span of the token an error about `expr` should point at: its keyword or operator.
pub fn keyword_span(expr: &Expr) -> Span {
    match expr {
        Expr::If(e) => e.if_token.span,
        Expr::Match(e) => e.match_token.span,
        Expr::Loop(e) => e.loop_token.span,
        Expr::While(e) => e.while_token.span,
        Expr::ForLoop(e) => e.for_token.span,
        Expr::Return(e) => e.return_token.span,
        Expr::Break(e) => e.break_token.span,
        Expr::Continue(e) => e.continue_token.span,
        Expr::Closure(e) => e.inputs_begin.span,
        Expr::Call(e) => called_closure(e).map_or_else(|| e.span(), |c| c.inputs_begin.span),
        Expr::Assign(e) => e.eq_token.span,
        Expr::Binary(e) => e.op.span(),
        Expr::Unary(e) => e.op.span(),
        Expr::Index(e) => e.bracket_token.span.join(),
        Expr::Field(e) => e.member.span(),
        Expr::Macro(e) => e.mac.path.span(),
        Expr::Cast(e) => e.as_token.span,
        Expr::Reference(e) => e.and_token.span,
        Expr::Try(e) => e.question_token.span,
        Expr::Await(e) => e.await_token.span,
        Expr::Async(e) => e.async_token.span,
        Expr::Unsafe(e) => e.unsafe_token.span,
        Expr::Let(e) => e.let_token.span,
        other => other.span(),
    }
}

fn kind(expr: &Expr) -> &'static str {
    match expr {
        Expr::Index(_) => "indexing",
        Expr::Field(_) => "field access",
        Expr::Macro(_) => "a macro call",
        Expr::Cast(_) => "a cast",
        Expr::Call(_) => "a call of a function that is not a supported operation",
        Expr::MethodCall(_) => "a method call",
        Expr::Array(_) | Expr::Repeat(_) => "an array",
        Expr::Tuple(_) => "a tuple",
        Expr::Reference(_) => "a reference",
        Expr::Range(_) => "a range",
        Expr::Struct(_) => "a struct literal",
        Expr::Try(_) => "the `?` operator",
        Expr::Await(_) => "`.await`",
        Expr::Unsafe(_) => "an `unsafe` block",
        Expr::Block(_) | Expr::Const(_) => "a labelled or `const` block",
        Expr::Infer(_) => "`_`",
        _ => "this syntax",
    }
}

const CLOSURE: &str = "a closure inside grad! is not supported: write its body inline";

/// The closure of a call such as `(|v| v * 2.0)(w)`.
fn called_closure(call: &syn::ExprCall) -> Option<&syn::ExprClosure> {
    let mut callee = &*call.func;
    while let Expr::Paren(p) = callee {
        callee = &p.expr;
    }
    match callee {
        Expr::Closure(c) => Some(c),
        _ => None,
    }
}

const STRAIGHT_LINE: &str = "grad! differentiates straight-line arithmetic; for a piecewise \
                             function use `max`, `min`, `abs` or `relu`";

/// The message for `expr`, which is outside the supported language and could not be
/// captured as a constant.
pub fn unsupported_message(expr: &Expr, form: Form, dependency: Option<Dependency>) -> String {
    match expr {
        Expr::Binary(b) => return operator_message(&b.op),
        Expr::Unary(u) => return unary_message(&u.op),
        Expr::If(_) => return format!("`if` is not supported here: {STRAIGHT_LINE}"),
        Expr::Match(_) => {
            return "`match` is not supported: write the cases with `if`, `else if` and `else`"
                .to_owned()
        }
        Expr::Loop(_) | Expr::While(_) => {
            return "`loop` and `while` are not supported: grad! unrolls `for` loops over \
                    ranges known at expansion, such as `for i in 0..x.len()`"
                .to_owned()
        }
        Expr::ForLoop(_) => {
            return "a `for` loop has no value: run it as a statement of a block that ends in \
                    the value, as in `{ let mut s = 0.0; for i in 0..3 { s += x[i]; } s }`"
                .to_owned()
        }
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) | Expr::Yield(_) => {
            return "`return`, `break` and `continue` are not supported: a grad! body runs \
                    straight through, its `for` loops unrolled, to the value it ends in"
                .to_owned()
        }
        Expr::Cast(_) if !matches!(dependency, Some(Dependency { is_let: true, .. })) => {
            return "a cast with `as` is not supported: every value of grad! has the element \
                    type (`f64`, or `f32` when the closure's parameters say so); in the closure \
                    form a cast of constants, such as `n as f64`, is captured"
                .to_owned()
        }
        Expr::Closure(_) => return CLOSURE.to_owned(),
        Expr::Call(c) if called_closure(c).is_some() => return CLOSURE.to_owned(),
        Expr::Assign(_) | Expr::Let(_) => {
            return "an assignment has no value: assign to a `let mut` local in a block that \
                    ends in the value, as in `{ let mut s = x; s = s * y; s }`"
                .to_owned()
        }
        _ => {}
    }
    let what = kind(expr);
    match (form, dependency) {
        (Form::Expression, _) => format!(
            "{what} is not supported in the expression form, where every plain identifier \
             is an input; the closure form captures constants, as in `grad!(|w| w * {})`",
            example(expr)
        ),
        (
            Form::Closure,
            Some(Dependency {
                ident,
                is_let: true,
            }),
        ) => format!(
            "{what} uses `{ident}`, bound by `let` in the body: a captured constant is \
             evaluated once where grad! is written, before the body runs, so it cannot refer \
             to the body's bindings"
        ),
        (Form::Closure, Some(Dependency { ident, .. })) => format!(
            "{what} depends on the input `{ident}` and cannot be differentiated: grad! \
             supports `+`, `-`, `*`, `/`, unary `-` and operations such as `x.sin()` or \
             `max(x, y)`"
        ),
        (Form::Closure, None) => format!("{what} is not supported in grad!"),
    }
}

/// `expr` as a short example of a captured constant, or a stand-in if it is long.
fn example(expr: &Expr) -> String {
    let text = source_text(expr);
    if text.chars().count() <= 30 {
        text
    } else {
        "xs[i]".to_owned()
    }
}

/// The message for an unsupported binary operator.
pub fn operator_message(op: &BinOp) -> String {
    let symbol = op.to_token_stream().to_string();
    let supported = "grad! supports `+`, `-`, `*`, `/` and unary `-`";
    match op {
        BinOp::BitXor(_) => format!(
            "`^` is bitwise XOR in Rust, not a power: write `x.powi(2)` for an integer \
             power or `x.powf(e)` for a real one ({supported})"
        ),
        BinOp::Rem(_) => format!("the remainder operator `%` is not supported: {supported}"),
        BinOp::Eq(_) | BinOp::Ne(_) | BinOp::Lt(_) | BinOp::Le(_) | BinOp::Gt(_) | BinOp::Ge(_) => {
            format!(
                "a comparison `{symbol}` has no numeric value: use it as the condition of an \
                 `if`, or for a piecewise function `max`, `min`, `abs` or `relu`"
            )
        }
        BinOp::And(_) | BinOp::Or(_) => format!(
            "logical operator `{symbol}` has no numeric value: use it in the condition of \
             an `if` ({supported})"
        ),
        op if is_assignment(op) => format!(
            "compound assignment `{symbol}` has no value: assign to a `let mut` local in a \
             block that ends in the value, as in `{{ let mut s = x; s += y; s }}`; grad! \
             supports `+=`, `-=`, `*=` and `/=`"
        ),
        _ => format!("operator `{symbol}` is not supported: {supported}"),
    }
}

/// The message for an unsupported unary operator.
pub fn unary_message(op: &UnOp) -> String {
    match op {
        UnOp::Not(_) => {
            "operator `!` is not supported: grad! supports `+`, `-`, `*`, `/` and unary `-`"
                .to_owned()
        }
        UnOp::Deref(_) => "dereferencing with `*` is not supported: inputs are plain `f32` \
                           or `f64` values, and `*` between two values multiplies them"
            .to_owned(),
        _ => "this operator is not supported".to_owned(),
    }
}

/// The message for a call of `info` with the wrong number of arguments.
pub fn arity_message(info: &OpInfo, method: bool, given: usize) -> String {
    let (usage, expected) = if method {
        let rest = info.params[1..].join(", ");
        (
            format!("{}.{}({rest})", info.params[0], info.name),
            info.params.len() - 1,
        )
    } else {
        (
            format!("{}({})", info.name, info.params.join(", ")),
            info.params.len(),
        )
    };
    let plural = if expected == 1 { "" } else { "s" };
    format!(
        "`{}` takes {expected} argument{plural}, as in `{usage}`, but {given} {} given",
        info.name,
        if given == 1 { "was" } else { "were" }
    )
}

/// Checks a `let` statement of the body: a plain name, possibly `mut`, a value, and an
/// optional type (checked by the caller). A `let` whose pattern is not a name is not
/// lowered further: its value fits that pattern, so its errors would only repeat the first.
pub fn check_let<'a>(
    local: &'a syn::Local,
    errors: &mut Errors,
) -> Option<(&'a Ident, bool, Option<&'a syn::Type>, &'a Expr)> {
    let (pat, ty) = match &local.pat {
        syn::Pat::Type(typed) => (&*typed.pat, Some(&*typed.ty)),
        other => (other, None),
    };
    let ident = match pat {
        syn::Pat::Ident(p)
            if p.by_ref.is_none() && p.subpat.is_none() && !is_path_keyword(&p.ident) =>
        {
            Some((&p.ident, p.mutability.is_some()))
        }
        other => {
            errors.error(
                other,
                "a `let` in grad! binds a plain name, such as `let a = ...;` or \
                 `let mut s = ...;`",
            );
            None
        }
    };
    let Some(init) = &local.init else {
        errors.error(local, "a `let` in grad! needs a value: `let name = ...;`");
        return None;
    };
    if let Some((else_token, _)) = &init.diverge {
        errors.error(else_token, "`let ... else` is not supported in grad!");
    }
    let (ident, mutable) = ident?;
    Some((ident, mutable, ty, &init.expr))
}

/// The error for a statement of a block other than a `let` or the final expression.
pub fn statement_error(stmt: &syn::Stmt, last: bool) -> syn::Error {
    const BLOCK: &str = "a grad! block holds `let` bindings, then the expression to \
                         differentiate";
    match stmt {
        syn::Stmt::Expr(e, _) if is_assignment_expr(e) => {
            syn::Error::new(keyword_span(e), unsupported_message(e, Form::Closure, None))
        }
        syn::Stmt::Expr(_, Some(semi)) if last => syn::Error::new(
            semi.span,
            format!("this `;` leaves the block without a value: remove it ({BLOCK})"),
        ),
        syn::Stmt::Item(item) => syn::Error::new(
            first_token_span(item),
            format!("items cannot be declared inside grad!: declare them outside ({BLOCK})"),
        ),
        syn::Stmt::Macro(m) => syn::Error::new(
            m.mac.path.span(),
            format!("a macro statement is not supported: {BLOCK}"),
        ),
        other => syn::Error::new_spanned(
            other,
            format!("this statement's value would be discarded: {BLOCK}; bind it with `let`"),
        ),
    }
}

fn is_assignment_expr(expr: &Expr) -> bool {
    matches!(expr, Expr::Assign(_)) || matches!(expr, Expr::Binary(b) if is_assignment(&b.op))
}

fn first_token_span(tokens: &impl ToTokens) -> Span {
    tokens
        .to_token_stream()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}
