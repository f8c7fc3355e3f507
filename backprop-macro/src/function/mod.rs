//! `#[differentiable]`: a free function made callable, and differentiable through, from
//! `grad!` and from other differentiable functions.
//!
//! The function itself is left as written, so it stays an ordinary Rust function with the
//! same value. Next to it, under the same name in the type namespace, comes a hidden
//! companion: a braced struct (which takes no value-namespace name, so it does not clash
//! with the function), whose associated functions are what a caller's generated code
//! calls:
//!
//! ```text
//! fn sq_dist(a: [f64; 2], b: [f64; 2]) -> f64 { .. }       // as written
//! struct sq_dist {}                                        // the companion
//! const _: () = {
//!     // the items `grad!(|a: [f64; 2], b: [f64; 2]| { .. })` would generate
//!     impl sq_dist {
//!         fn __forward(a, b) -> (f64, Pullback);           // the generated forward pass
//!         fn __parts(&Pullback, dout) -> ([f64; 2], [f64; 2]);  // its backward, per parameter
//!         fn __record(graph, [Var; 2], [Var; 2]) -> Var;   // one call on the runtime graph
//!         fn __derivation() -> &'static str;
//!     }
//!     impl Callee for sq_dist { type Pullback = Pullback; .. }
//!     impl Param<0> for sq_dist { type Type = [f64; 2]; }  // and Param<1>
//! };
//! ```
//!
//! A path to the function (`geometry::sq_dist`, or a `use` of it) reaches the companion
//! too, since paths and imports carry both namespaces. With `grad = path`, the body is not
//! parsed: the companion's pullback keeps the arguments and the output, and pulls back
//! through the user's derivative.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{quote, ToTokens};

use crate::emit::{nest, private};
use crate::errors::Errors;
use crate::input::{self, Param};
use crate::ir::Elem;
use crate::names::{local, unraw};

mod custom;
mod generated;

use custom::custom_companion;
use generated::generated_companion;

/// The attribute's expansion: the function, its companion, or errors on the tokens.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let custom = match custom_derivative(attr) {
        Ok(custom) => custom,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let function: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(function) => function,
        Err(e) => {
            // A function that does not parse gets the parser's error; anything else, the
            // attribute's.
            let is_function = item
                .clone()
                .into_iter()
                .any(|t| matches!(&t, proc_macro2::TokenTree::Ident(i) if i == "fn"));
            errors.push(if is_function {
                e
            } else {
                syn::Error::new_spanned(
                    first_token(&item),
                    "#[backprop::differentiable] goes on a free function, such as \
                     `fn sq(x: f64) -> f64 { x * x }`",
                )
            });
            return quote!(#item)
                .into_iter()
                .chain(errors.into_items())
                .collect();
        }
    };
    let signature = check_signature(&function.sig, &mut errors);
    let companion = signature.and_then(|(params, elem, generics)| {
        if let (Some(_), Some(first)) = (&custom, function.sig.generics.params.first()) {
            errors.error(
                first,
                "a function with a custom derivative takes no generic parameters",
            );
        }
        if !errors.is_empty() {
            return None;
        }
        match &custom {
            Some(grad) => Some(custom_companion(&function, &params, elem, grad)),
            None => generated_companion(&function, params, elem, &generics, &mut errors),
        }
    });
    let errors = errors.into_items();
    let companion = companion.unwrap_or_default();
    // The body's language loops over indices (it has no iterators), which Clippy would
    // otherwise flag in the function as written.
    let allow = if custom.is_none() {
        quote!(#[allow(clippy::needless_range_loop)])
    } else {
        TokenStream::new()
    };
    quote! {
        #allow
        #function
        #companion
        #errors
    }
}

/// `grad = path`, or nothing.
fn custom_derivative(attr: TokenStream) -> syn::Result<Option<syn::Path>> {
    if attr.is_empty() {
        return Ok(None);
    }
    let meta: syn::MetaNameValue = syn::parse2(attr.clone()).map_err(|_| {
        syn::Error::new_spanned(
            &attr,
            "#[backprop::differentiable] takes nothing, or `grad = path` naming the \
             function that gives the derivative",
        )
    })?;
    if !meta.path.is_ident("grad") {
        return Err(syn::Error::new_spanned(
            &meta.path,
            "the only option is `grad = path`, naming the function that gives the derivative",
        ));
    }
    match meta.value {
        syn::Expr::Path(path) if path.qself.is_none() => Ok(Some(path.path)),
        other => Err(syn::Error::new_spanned(
            other,
            "`grad` names a function, such as `grad = j0_grad`",
        )),
    }
}

fn first_token(item: &TokenStream) -> TokenStream {
    item.clone().into_iter().take(1).collect()
}

/// The parameters and the element type, after checking the signature has the shape the
/// design allows: a free function of `f32`/`f64` scalars or arrays, returning the element
/// type.
fn check_signature(
    sig: &syn::Signature,
    errors: &mut Errors,
) -> Option<(Vec<Param>, Elem, Vec<Ident>)> {
    if let Some(asyncness) = &sig.asyncness {
        errors.error(
            asyncness,
            "a `#[backprop::differentiable]` function cannot be `async`",
        );
    }
    if let syn::Safety::Unsafe(unsafety) = &sig.safety {
        errors.error(
            unsafety,
            "a `#[backprop::differentiable]` function cannot be `unsafe`",
        );
    }
    if let Some(abi) = &sig.abi {
        errors.error(
            abi,
            "a `#[backprop::differentiable]` function takes Rust's own ABI",
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.error(
            variadic,
            "a `#[backprop::differentiable]` function is not variadic",
        );
    }
    // Const generic parameters, `<const N: usize>`, the lengths of array parameters.
    let mut generics: Vec<Ident> = Vec::new();
    for param in &sig.generics.params {
        match param {
            syn::GenericParam::Const(c)
                if c.default.is_none()
                    && matches!(&c.ty, syn::Type::Path(p) if p.path.is_ident("usize")) =>
            {
                generics.push(c.ident.clone());
            }
            other => errors.error(
                other,
                "a `#[backprop::differentiable]` function takes no generic parameters but \
                 const lengths, `<const N: usize>`, of its array parameters (`[f64; N]`)",
            ),
        }
    }
    if let Some(clause) = &sig.generics.where_clause {
        errors.error(
            clause,
            "a `#[backprop::differentiable]` function takes no `where` clause",
        );
    }
    if sig.inputs.is_empty() {
        errors.error(
            &sig.ident,
            "a `#[backprop::differentiable]` function needs at least one parameter to \
             differentiate by",
        );
    }
    let mut elem: Option<(Elem, Span)> = None;
    let mut params: Vec<Param> = Vec::new();
    for arg in &sig.inputs {
        let typed = match arg {
            syn::FnArg::Typed(typed) => typed,
            syn::FnArg::Receiver(receiver) => {
                errors.error(
                    receiver,
                    "#[backprop::differentiable] goes on a free function, not a method: \
                     take the value as a parameter",
                );
                continue;
            }
        };
        let (shape, named) = input::array_shape(&typed.ty, &mut elem, errors);
        let generic_length = named.as_ref().is_some_and(|named| {
            syn::parse2::<Ident>(named.code.clone()).is_ok_and(|n| generics.contains(&n))
        });
        if let (Some(named), false) = (&named, generic_length) {
            errors.error(
                &named.code,
                format!(
                    "the length `{}` is neither an integer literal nor a const generic \
                     parameter: a `#[differentiable]` function's array parameters have \
                     lengths such as `[f64; 10]`, or `[f64; N]` with `<const N: usize>`",
                    named.text
                ),
            );
        }
        if let Some(ident) = input::plain_ident(&typed.pat, errors) {
            if params.iter().any(|p| unraw(&p.ident) == unraw(&ident)) {
                errors.error(&ident, format!("parameter `{ident}` is repeated"));
            } else {
                params.push(Param {
                    ident,
                    shape,
                    named: named.filter(|_| generic_length),
                });
            }
        }
    }
    // Each const parameter is fixed by an argument's length: a caller's arguments give it.
    for param in &sig.generics.params {
        if let syn::GenericParam::Const(c) = param {
            let fixed = params.iter().any(|p| {
                p.named.as_ref().is_some_and(|n| {
                    syn::parse2::<Ident>(n.code.clone()).is_ok_and(|n| n == c.ident)
                })
            });
            if !fixed {
                errors.error(
                    &c.ident,
                    format!(
                        "`{}` is the length of no array parameter: a const parameter of a \
                         `#[backprop::differentiable]` function is the length of one, as in \
                         `x: [f64; {}]`, so that a call's arguments give it",
                        c.ident, c.ident
                    ),
                );
            }
        }
    }
    match &sig.output {
        syn::ReturnType::Type(_, ty) => input::check_type(ty, &mut elem, errors),
        syn::ReturnType::Default => errors.error(
            &sig.ident,
            "a `#[backprop::differentiable]` function returns its element type: add \
             `-> f64` (or `-> f32`)",
        ),
    }
    Some((params, elem.map_or(Elem::F64, |(e, _)| e), generics))
}

/// What both kinds of companion need: the types and names of the parameters.
struct Shapes<'p> {
    params: &'p [Param],
    elem: TokenStream,
}

impl Shapes<'_> {
    fn param_type(&self, param: &Param) -> TokenStream {
        if param.named.is_some() {
            let (elem, len) = (&self.elem, param.len_tokens());
            return quote!([#elem; #len]);
        }
        param
            .shape
            .iter()
            .rev()
            .fold(self.elem.clone(), |inner, &len| {
                let len = Literal::usize_unsuffixed(len);
                quote!([#inner; #len])
            })
    }

    /// `a: [f64; 2], b: f64`.
    fn params(&self) -> TokenStream {
        let params = self.params.iter().map(|p| {
            let ident = &p.ident;
            let ty = self.param_type(p);
            quote!(#ident: #ty)
        });
        quote!(#(#params),*)
    }

    fn idents(&self) -> Vec<&Ident> {
        self.params.iter().map(|p| &p.ident).collect()
    }

    /// `([f64; 2], f64,)`: one entry per parameter, the form `__parts` returns.
    fn parts_type(&self) -> TokenStream {
        let types = self.params.iter().map(|p| self.param_type(p));
        quote!((#(#types,)*))
    }

    fn all_scalar(&self) -> bool {
        self.params.iter().all(|p| p.shape.is_empty())
    }

    /// The type of the gradient, as `grad!` shapes it for these parameters.
    fn grad_type(&self) -> TokenStream {
        let n = self.len();
        let elem = &self.elem;
        if self.all_scalar() {
            let n = Literal::usize_unsuffixed(n);
            return quote!([#elem; #n]);
        }
        let types: Vec<TokenStream> = self.params.iter().map(|p| self.param_type(p)).collect();
        match types.as_slice() {
            [one] => one.clone(),
            many => quote!((#(#many),*)),
        }
    }

    fn len(&self) -> usize {
        self.params.iter().map(|p| p.len().max(1)).sum()
    }

    /// One local per scalar, `g0, g1, ...`, grouped per parameter.
    fn per_param(&self, base: &str) -> Vec<TokenStream> {
        let mut at = 0;
        self.params
            .iter()
            .map(|p| {
                // An array of const generic length is one local, taken whole.
                let n = if p.named.is_some() { 1 } else { p.len().max(1) };
                let items: Vec<TokenStream> = (at..at + n)
                    .map(|k| local(&format!("{base}{k}")).into_token_stream())
                    .collect();
                at += n;
                if p.named.is_some() {
                    items[0].clone()
                } else {
                    nest(&p.shape, &items)
                }
            })
            .collect()
    }

    /// A pattern (or expression) of those locals shaped like the gradient.
    fn shaped(&self, base: &str) -> TokenStream {
        let per_param = self.per_param(base);
        if self.all_scalar() {
            return quote!([#(#per_param),*]);
        }
        match per_param.as_slice() {
            [one] => one.clone(),
            many => quote!((#(#many),*)),
        }
    }

    /// The locals, flat.
    fn flat(&self, base: &str) -> Vec<Ident> {
        (0..self.len())
            .map(|k| local(&format!("{base}{k}")))
            .collect()
    }
}

/// The locals the companions introduce, hygienic so that no parameter of the user's
/// (`out`, `dout`, `graph`, ...) can capture or shadow them.
struct Hygienic {
    pullback: Ident,
    dout: Ident,
    graph: Ident,
    inputs: Ident,
    out: Ident,
}

impl Hygienic {
    fn new() -> Self {
        Hygienic {
            pullback: local("pullback"),
            dout: local("dout"),
            graph: local("graph"),
            inputs: local("inputs"),
            out: local("out"),
        }
    }

    /// The parameters of `__record`, the graph and one shaped argument of handles per
    /// parameter, and the statement that flattens them into `inputs`.
    fn record_params(&self, shapes: &Shapes<'_>) -> (TokenStream, TokenStream) {
        let private = private();
        let elem = &shapes.elem;
        let vars = Shapes {
            params: shapes.params,
            elem: quote!(#private::Var<'g, #elem>),
        };
        let graph = &self.graph;
        let inputs = &self.inputs;
        let args: Vec<Ident> = (0..shapes.params.len())
            .map(|k| local(&format!("arg{k}")))
            .collect();
        let types = shapes.params.iter().map(|p| vars.param_type(p));
        let per_param = shapes.per_param("v");
        let flat = shapes.flat("v");
        (
            quote!(#graph: &'g #private::Graph<#elem>, #(#args: #types),*),
            quote! {
                let (#(#per_param,)*) = (#(#args,)*);
                let #inputs = [#(#flat),*];
            },
        )
    }
}

/// `impl Param<K> for name { type Type = ..; }` for each parameter, and the `Resolve`
/// impl of a function without const generics: whatever its arguments' shapes, its
/// companion is itself.
fn param_impls(shapes: &Shapes<'_>, name: &Ident) -> TokenStream {
    let private = private();
    let impls = shapes.params.iter().enumerate().map(|(k, p)| {
        let k = Literal::usize_unsuffixed(k);
        let ty = shapes.param_type(p);
        quote! {
            impl #private::Param<#k> for #name {
                type Type = #ty;
            }
        }
    });
    let shapes_param = local("Shapes");
    quote! {
        #(#impls)*
        impl<#shapes_param> #private::Resolve<#shapes_param> for #name {
            type Companion = #name;
        }
    }
}

/// The scalar type parameter of the generated pullbacks, its bound, and how the passes
/// name their scalar (generic over it with the `second-order` feature).
fn scalar(elem: &TokenStream) -> (Ident, TokenStream, crate::emit::ScalarSyntax) {
    let private = private();
    let bound = quote!(#private::Scalar<#elem>);
    let syntax = crate::emit::ScalarSyntax::new(elem, &bound);
    (crate::emit::Code::scalar_param(), bound, syntax)
}

fn elem_tokens(elem: Elem) -> TokenStream {
    let name = Ident::new(elem.name(), Span::call_site());
    quote!(::core::primitive::#name)
}

/// The companion struct itself.
///
/// It is `pub` whatever the function's visibility: a caller's `grad!` names it in the
/// associated types of its trait impls (`Twice`), which may not mention a private type.
/// So the companion of a private function in a public module is reachable, hidden from
/// the docs and named with leading underscores, as the generated code's own items are.
fn companion_struct(function: &syn::ItemFn) -> TokenStream {
    let name = &function.sig.ident;
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code, unreachable_pub)]
        pub struct #name {}
    }
}
