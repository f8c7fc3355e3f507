//! Stage 1, parse: the macro's tokens to one of the two input forms.
//!
//! Expression form: `grad!((x + y) * z)`, every plain identifier an input, element type
//! `f64`. Closure form: `grad!(|w, b: f64| body)`, the parameters the inputs, their
//! annotated type (`f32` or `f64`, the first annotation wins) the element type.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use syn::spanned::Spanned;

use crate::errors::Errors;
use crate::ir::Elem;
use crate::names::unraw;

/// Which of the two forms the user wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Expression,
    Closure,
}

/// A parameter of the closure form: a scalar, an array of any depth with literal lengths
/// (`[[f64; 2]; 3]` has the shape `[3, 2]`), or a one-dimensional array whose length is
/// an integer expression of named constants (`[f64; N]`, `[f64; 2 * N]`).
#[derive(Clone)]
pub struct Param {
    pub ident: Ident,
    /// The lengths, outermost first; empty for a scalar, `[0]` for a named length.
    pub shape: Vec<usize>,
    /// The length, where it is named: the compiler evaluates it, and the array is read
    /// only whole, by loops that stay loops.
    pub named: Option<NamedLen>,
}

/// An array length written as an integer expression of named constants and literals.
#[derive(Clone, Debug)]
pub struct NamedLen {
    /// The expression as written, with the user's spans.
    pub code: TokenStream,
    /// How it reads in the derivation.
    pub text: String,
}

impl NamedLen {
    /// The length as a `usize` expression, in braces, so that it stands as an array
    /// length and as a const generic argument alike.
    pub fn tokens(&self) -> TokenStream {
        let code = &self.code;
        quote::quote!({ #code })
    }
}

impl Param {
    pub fn scalar(ident: Ident) -> Self {
        Param {
            ident,
            shape: Vec::new(),
            named: None,
        }
    }

    /// How many scalars the parameter holds, where its length is known (0 for a named
    /// length).
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// How many scalar inputs of the program the parameter is: one for a scalar, one per
    /// element of an array of literal lengths, none for a named length (the array is read
    /// only whole).
    pub fn scalars(&self) -> usize {
        if self.named.is_some() {
            0
        } else {
            self.len().max(1)
        }
    }

    /// The outermost length as a `usize` expression: a literal, or the named length.
    pub fn len_tokens(&self) -> TokenStream {
        match &self.named {
            Some(named) => named.tokens(),
            None => {
                let n = proc_macro2::Literal::usize_unsuffixed(self.len());
                quote::quote!(#n)
            }
        }
    }
}

/// The parsed invocation.
pub struct Input {
    pub form: Form,
    /// The closure's parameters; empty in expression form, where inputs are found while
    /// lowering.
    pub params: Vec<Param>,
    pub elem: Elem,
    pub body: syn::Expr,
    /// The name of the `#[differentiable]` function whose body this is, if any: a call of
    /// it in its own body is recursion.
    pub function: Option<Ident>,
    /// How many of the last parameters are constants: inputs that are never
    /// differentiated (the data and the loop variable a loop that stays a loop gives its
    /// body on every iteration), so nothing is computed or saved for their gradient.
    pub constants: usize,
    /// The const generic parameters of the `#[differentiable]` function whose body this
    /// is (`N` of `fn f<const N: usize>`): lengths of its array parameters, which every
    /// generated item is generic over.
    pub generics: Vec<Ident>,
}

/// Parses the invocation. Problems with the closure's parameters are collected in `errors`
/// and parsing goes on, so the body's errors are reported in the same run.
pub fn parse(tokens: TokenStream, errors: &mut Errors) -> Option<Input> {
    if tokens.is_empty() {
        errors.push(syn::Error::new(
            Span::call_site(),
            "grad! needs an expression to differentiate, such as `grad!((x + y) * z)` \
             or `grad!(|w, b| w * x + b)`",
        ));
        return None;
    }
    if let Some(closure) = static_closure(&tokens, errors) {
        return Some(parse_closure(closure, errors));
    }
    let expr: syn::Expr = match syn::parse2(tokens) {
        Ok(expr) => expr,
        Err(e) => {
            errors.push(syn::Error::new(
                e.span(),
                format!(
                    "{e}: grad! takes one expression, such as `grad!((x + y) * z)`, or one \
                     closure, such as `grad!(|w, b| w * x + b)`"
                ),
            ));
            return None;
        }
    };
    match expr {
        syn::Expr::Closure(closure) => Some(parse_closure(closure, errors)),
        body => Some(Input {
            form: Form::Expression,
            params: Vec::new(),
            elem: Elem::F64,
            body,
            function: None,
            constants: 0,
            generics: Vec::new(),
        }),
    }
}

/// A `static` closure (`static |w| w`, `#[a] static move |w| w`), which syn no longer
/// parses since syn 3: its closure without the `static` token, so that the error names the
/// keyword and the rest is checked as usual. `None` unless the tokens are a closure with a
/// `static` among the modifiers before its first `|`.
fn static_closure(tokens: &TokenStream, errors: &mut Errors) -> Option<syn::ExprClosure> {
    let mut tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let at = tokens
        .iter()
        .take_while(|t| !matches!(t, TokenTree::Punct(p) if p.as_char() == '|'))
        .position(|t| matches!(t, TokenTree::Ident(i) if i == "static"))?;
    let static_token = tokens.remove(at);
    match syn::parse2(tokens.into_iter().collect()).ok()? {
        syn::Expr::Closure(closure) => {
            errors.error(static_token, "a grad! closure cannot be `static`");
            Some(closure)
        }
        _ => None,
    }
}

fn parse_closure(closure: syn::ExprClosure, errors: &mut Errors) -> Input {
    if let Some(attr) = closure.attrs.first() {
        errors.error(attr, "attributes are not supported on a grad! closure");
    }
    if let Some(lifetimes) = &closure.lifetimes {
        errors.error(lifetimes, "a grad! closure takes no `for<...>` binder");
    }
    if let Some(constness) = &closure.constness {
        errors.error(constness, "a grad! closure cannot be `const`");
    }
    if let Some(asyncness) = &closure.asyncness {
        errors.error(asyncness, "a grad! closure cannot be `async`");
    }
    if closure.inputs.is_empty() {
        errors.error(
            closure.inputs_begin,
            "the closure has no parameters: grad! needs at least one input to \
             differentiate by, such as `|w| w * w`",
        );
    }

    let mut elem: Option<(Elem, Span)> = None;
    let mut params: Vec<Param> = Vec::new();
    for pat in &closure.inputs {
        let (ident, ty) = match pat {
            syn::Pat::Type(typed) => (plain_ident(&typed.pat, errors), Some(&*typed.ty)),
            other => (plain_ident(other, errors), None),
        };
        let (shape, named) = ty.map_or_else(
            || (Vec::new(), None),
            |ty| array_shape(ty, &mut elem, errors),
        );
        if let Some(ident) = ident {
            if params.iter().any(|p| unraw(&p.ident) == unraw(&ident)) {
                errors.error(
                    &ident,
                    format!("parameter `{ident}` is repeated: each input needs its own name"),
                );
            } else {
                params.push(Param {
                    ident,
                    shape,
                    named,
                });
            }
        }
    }
    if let syn::ReturnType::Type(_, ty) = &closure.output {
        check_type(ty, &mut elem, errors);
    }
    Input {
        form: Form::Closure,
        params,
        elem: elem.map_or(Elem::F64, |(e, _)| e),
        body: *closure.body,
        function: None,
        constants: 0,
        generics: Vec::new(),
    }
}

/// The identifier of a parameter written as a plain name.
pub fn plain_ident(pat: &syn::Pat, errors: &mut Errors) -> Option<Ident> {
    match pat {
        syn::Pat::Ident(p) if is_path_keyword(&p.ident) => {
            errors.error(
                &p.ident,
                format!(
                    "`{}` cannot be a grad! parameter: name the input, such as `w`",
                    p.ident
                ),
            );
            None
        }
        syn::Pat::Ident(p)
            if p.by_ref.is_none() && p.mutability.is_none() && p.subpat.is_none() =>
        {
            Some(p.ident.clone())
        }
        other => {
            errors.error(
                other,
                "a grad! parameter must be a plain name, such as `w` or `w: f64`",
            );
            None
        }
    }
}

/// `self`, `Self`, `super` or `crate`: identifiers that are paths, not names to bind.
pub fn is_path_keyword(ident: &Ident) -> bool {
    ["self", "Self", "super", "crate"]
        .iter()
        .any(|keyword| ident == keyword)
}

/// The shape of a parameter's type, `[[f64; 2]; 3]` giving `[3, 2]`, after checking its
/// element type as [`check_type`] does; each length must be an integer literal, except
/// that of a one-dimensional array, which may be an integer expression of named constants
/// (`[f64; N]`: the shape `[0]` and the named length).
pub fn array_shape(
    ty: &syn::Type,
    elem: &mut Option<(Elem, Span)>,
    errors: &mut Errors,
) -> (Vec<usize>, Option<NamedLen>) {
    let mut shape = Vec::new();
    let array_type = ty;
    let mut ty = ty;
    let mut lengths = Vec::new();
    loop {
        match ty {
            syn::Type::Array(array) => {
                lengths.push(&array.len);
                ty = &array.elem;
            }
            syn::Type::Paren(inner) => ty = &inner.elem,
            syn::Type::Group(inner) => ty = &inner.elem,
            _ => break,
        }
    }
    check_type(ty, elem, errors);
    if let [len] = lengths.as_slice() {
        if named_length(len) {
            let named = NamedLen {
                code: quote::ToTokens::to_token_stream(len),
                text: crate::constant::source_text(len),
            };
            return (vec![0], Some(named));
        }
    }
    for len in lengths {
        shape.push(array_length(len, errors).unwrap_or(0));
    }
    let elements = shape.iter().try_fold(1_usize, |n, &len| n.checked_mul(len));
    if elements.is_none_or(|n| n > MAX_ELEMENTS) {
        errors.error(
            array_type,
            format!(
                "this array parameter has more than {MAX_ELEMENTS} elements: a parameter \
                 holds at most {MAX_ELEMENTS} scalars"
            ),
        );
        return (vec![0], None);
    }
    (shape, None)
}

/// Whether an array length is an integer expression of named constants and literals, with
/// one name at least (`N`, `2 * N`, `N + 1`, `consts::N`): paths, integer literals,
/// `+ - * /` and parentheses.
fn named_length(len: &syn::Expr) -> bool {
    fn walk(e: &syn::Expr, names: &mut bool) -> bool {
        match e {
            syn::Expr::Paren(p) => walk(&p.expr, names),
            syn::Expr::Group(g) => walk(&g.expr, names),
            syn::Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
                syn::Stmt::Expr(e, None) => walk(e, names),
                _ => false,
            },
            syn::Expr::Lit(lit) => {
                matches!(&lit.lit, syn::Lit::Int(i) if matches!(i.suffix(), "" | "usize"))
            }
            syn::Expr::Path(path) if path.qself.is_none() && path.attrs.is_empty() => {
                *names = true;
                path.path.segments.iter().all(|s| s.arguments.is_none())
                    && !crate::names::names_a_module(&path.path)
            }
            syn::Expr::Binary(b) => {
                matches!(
                    b.op,
                    syn::BinOp::Add(_)
                        | syn::BinOp::Sub(_)
                        | syn::BinOp::Mul(_)
                        | syn::BinOp::Div(_)
                ) && walk(&b.left, names)
                    && walk(&b.right, names)
            }
            _ => false,
        }
    }
    let mut names = false;
    walk(len, &mut names) && names
}

/// The most scalars one array parameter may hold: a million `f64` are 8 MB, the main
/// thread's whole stack, and the macro's own work grows with the count.
const MAX_ELEMENTS: usize = 1_000_000;

/// An array length written as an integer literal; anything else is an error on it.
fn array_length(len: &syn::Expr, errors: &mut Errors) -> Option<usize> {
    if let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Int(int),
        ..
    }) = len
    {
        if let Ok(n) = int.base10_parse::<usize>() {
            if n > 0 && matches!(int.suffix(), "" | "usize") {
                return Some(n);
            }
        }
        errors.error(
            len,
            "an array parameter's length must be a positive integer literal, such as `10`",
        );
        return None;
    }
    errors.error(
        len,
        format!(
            "the length `{}` is not an integer literal: grad! unrolls the loops over an \
             array, so it must see the length, as in `[f64; 10]` (a one-dimensional array \
             may have a length of named constants, `[f64; N]`, read by loops that stay \
             loops)",
            crate::constant::source_text(len)
        ),
    );
    None
}

/// Records the element type a parameter or return annotation names; the first one sets it.
pub fn check_type(ty: &syn::Type, elem: &mut Option<(Elem, Span)>, errors: &mut Errors) {
    let found = elem_of(ty);
    match (found, &*elem) {
        (None, _) => errors.error(
            ty,
            format!(
                "`{}` is not a floating-point type: grad! differentiates `f32` or `f64` \
                 values; annotate with one of those, or leave the type out for `f64`",
                crate::constant::source_text_of(ty)
            ),
        ),
        (Some(e), None) => *elem = Some((e, ty.span())),
        (Some(e), Some((first, _))) if e != *first => errors.error(
            ty,
            format!(
                "`{}` here, but an earlier annotation chose `{}`: all inputs of grad! \
                 share one element type",
                e.name(),
                first.name()
            ),
        ),
        _ => {}
    }
}

/// `f32` or `f64`, written as a plain type name or by its path in `core` or `std`.
pub fn elem_of(ty: &syn::Type) -> Option<Elem> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let ident = match path.path.segments.iter().collect::<Vec<_>>().as_slice() {
        [ty] if path.path.leading_colon.is_none() => &ty.ident,
        [krate, module, ty]
            if (krate.ident == "core" || krate.ident == "std") && module.ident == "primitive" =>
        {
            &ty.ident
        }
        _ => return None,
    };
    if path.path.segments.iter().any(|s| !s.arguments.is_none()) {
        return None;
    }
    if ident == "f64" {
        Some(Elem::F64)
    } else if ident == "f32" {
        Some(Elem::F32)
    } else {
        None
    }
}
