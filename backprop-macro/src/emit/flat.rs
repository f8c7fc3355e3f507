//! The flat view of the inputs, `[T; N]` in row-major order, and the parameters as
//! written: taking one apart into the other, where a parameter read only whole
//! ([`Program::whole_params`](crate::ir::Program::whole_params)) is copied in one
//! expression instead of element by element.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{quote, ToTokens};

use super::code::Code;
use crate::ir::{Def, ValueId};
use crate::names::local;

impl Code<'_> {
    /// Whether any parameter is read only whole.
    pub fn any_whole(&self) -> bool {
        self.whole.iter().any(|&w| w)
    }

    /// The position of scalar input `k` in the flat inputs, as a `usize` expression: `k`
    /// itself, plus the named lengths of the parameters before its own.
    pub(super) fn flat_index(&self, k: usize) -> TokenStream {
        let p = self.program.inputs[k].param;
        let at = Literal::usize_unsuffixed(k);
        let named: Vec<TokenStream> = self.program.params[..p]
            .iter()
            .filter_map(|p| p.named.as_ref().map(crate::input::NamedLen::tokens))
            .collect();
        quote!(#at #(+ #named)*)
    }

    /// Whether `v` is an element of a parameter read only whole, which the generated code
    /// never names.
    pub(super) fn is_whole_element(&self, v: ValueId) -> bool {
        match self.program.values[v].def {
            Def::Input(k) => self.whole[self.program.inputs[k].param],
            _ => false,
        }
    }

    /// The pattern that takes the flat inputs apart: each input's local, `_` for the
    /// elements of a parameter read whole (and, with `read`, for inputs not read).
    pub fn flat_pattern(&self, read: Option<&[bool]>) -> Vec<TokenStream> {
        (0..self.program.inputs.len())
            .map(|k| {
                let unread = read.is_some_and(|r| !r[k]);
                if unread || self.whole[self.program.inputs[k].param] {
                    quote!(_)
                } else {
                    self.input_token(k)
                }
            })
            .collect()
    }

    /// The statement that takes the flat inputs `args` apart into the inputs' locals
    /// (those `read`, if given): a pattern, or, where a parameter is read whole, one
    /// index each for the other inputs.
    pub fn flat_bindings(&self, args: &Ident, read: Option<&[bool]>) -> TokenStream {
        if !self.any_whole() {
            let pattern = self.flat_pattern(read);
            return quote!(let [#(#pattern),*] = #args;);
        }
        let (names, reads): (Vec<TokenStream>, Vec<TokenStream>) = (0..self.program.inputs.len())
            .filter(|&k| read.is_none_or(|r| r[k]) && !self.whole[self.program.inputs[k].param])
            .map(|k| {
                let at = self.flat_index(k);
                (self.input_token(k), quote!(#args[#at]))
            })
            .unzip();
        if names.is_empty() {
            return quote!(let _ = #args;);
        }
        quote!(let (#(#names,)*) = (#(#reads,)*);)
    }

    /// The body of `inputs()`: the names as one array; where a parameter is read whole,
    /// built once, on first use, so that its elements' names are not written out.
    pub fn inputs_body(&self) -> TokenStream {
        let n = self.program.flat_len_tokens();
        if !self.any_whole() {
            let names = (0..self.program.inputs.len()).map(|k| self.program.input_name(k));
            return quote!([#(#names),*]);
        }
        let names = local("names");
        let mut pushes = TokenStream::new();
        for (p, param) in self.program.params.iter().enumerate() {
            if self.whole[p] {
                let len = param.len_tokens();
                let format = format!("{}[{{}}]", crate::names::unraw(&param.ident));
                let j = local("j");
                pushes.extend(quote! {
                    for #j in 0..(#len) {
                        #names.push(::std::format!(#format, #j));
                    }
                });
            } else {
                let offset = self.offsets[p];
                for k in offset..offset + param.scalars() {
                    let name = self.program.input_name(k);
                    pushes.extend(quote!(#names.push(::std::string::String::from(#name));));
                }
            }
        }
        let k = local("k");
        quote! {
            static NAMES: ::std::sync::OnceLock<::std::vec::Vec<::std::string::String>> =
                ::std::sync::OnceLock::new();
            let #names = NAMES.get_or_init(|| {
                let mut #names = ::std::vec::Vec::with_capacity(#n);
                #pushes
                #names
            });
            ::core::array::from_fn(|#k| #names[#k].as_str())
        }
    }

    /// The parameters from the flat inputs `args` taken apart by [`Code::flat_bindings`]:
    /// a parameter read whole is copied out of `args` in one expression.
    pub fn shaped_args(&self, args: &Ident) -> Vec<TokenStream> {
        let flat = self.input_tokens();
        let mut shaped = self.per_param(&flat);
        for (p, whole) in self.whole.iter().enumerate() {
            if *whole {
                let offset = self.program.flat_position(p);
                let len = self.program.params[p].len_tokens();
                let j = local("j");
                shaped[p] = quote!(::core::array::from_fn::<_, #len, _>(|#j| #args[#offset + #j]));
            }
        }
        shaped
    }

    /// The flat array of the gradient `expr`, shaped like the parameters.
    pub fn flat_from_shaped(&self, expr: TokenStream) -> TokenStream {
        if self.program.all_scalar() {
            return expr;
        }
        let flat = self.input_tokens();
        let mut per_param = self.per_param(&flat);
        let wholes: Vec<(usize, Ident)> = (0..self.whole.len())
            .filter(|&p| self.whole[p])
            .map(|p| (p, local(&format!("__whole{p}"))))
            .collect();
        for (p, name) in &wholes {
            per_param[*p] = name.to_token_stream();
        }
        let pattern = match per_param.as_slice() {
            [one] => one.clone(),
            many => quote!((#(#many),*)),
        };
        if wholes.is_empty() {
            return quote!({
                let #pattern = #expr;
                [#(#flat),*]
            });
        }
        // Element `k` of the flat array, by the parameter it falls in.
        let k = local("k");
        let mut arms = TokenStream::new();
        for (p, param) in self.program.params.iter().enumerate() {
            let offset = self.offsets[p];
            let n = param.scalars();
            if self.program.any_named() {
                // Positions that are expressions: arms with guards, in order.
                let (first, end) = (
                    self.program.flat_position(p),
                    self.program.flat_position(p + 1),
                );
                if self.whole[p] {
                    let name = local(&format!("__whole{p}"));
                    arms.extend(quote!(#k if #k < #end => #name[#k - #first],));
                } else {
                    for (j, item) in flat[offset..offset + n].iter().enumerate() {
                        let j = Literal::usize_unsuffixed(j);
                        arms.extend(quote!(#k if #k == #first + #j => #item,));
                    }
                }
                continue;
            }
            if self.whole[p] {
                let (first, last) = (
                    Literal::usize_unsuffixed(offset),
                    Literal::usize_unsuffixed(offset + n - 1),
                );
                let name = local(&format!("__whole{p}"));
                arms.extend(quote!(#first..=#last => #name[#k - #first],));
            } else {
                for (j, item) in flat[offset..offset + n].iter().enumerate() {
                    let at = Literal::usize_unsuffixed(offset + j);
                    arms.extend(quote!(#at => #item,));
                }
            }
        }
        let n = self.program.flat_len_tokens();
        quote!({
            let #pattern = #expr;
            ::core::array::from_fn::<_, #n, _>(|#k| match #k {
                #arms
                _ => ::core::unreachable!(),
            })
        })
    }
}
