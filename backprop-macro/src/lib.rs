//! The `grad!` procedural macro of backprop. Use it through the `backprop` crate, which
//! documents it and provides the runtime items the generated code calls.
//!
//! The expansion runs in four stages, one module each: `input` parses the tokens into one
//! of the two input forms, `lower` turns the expression into a flat SSA list of
//! operations, `sweep` plans the reverse sweep over that list, and `emit` writes the
//! straight-line forward and backward code. Everything behind the entry point takes and
//! returns `proc_macro2::TokenStream`, so it can be tested without a compiler run.
//!
//! The macro never panics, whatever tokens it is given: anything outside the supported
//! language is a `compile_error!` on the offending token. A property test feeds it random
//! tokens and mutated inputs; `cargo test` runs a few thousand cases, and the long run is
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test -p backprop-macro --release fuzz
//! ```
#![deny(missing_docs)]

mod constant;
mod derivation;
mod emit;
mod errors;
mod function;
#[cfg(test)]
mod fuzz;
mod input;
mod ir;
mod literal;
mod lower;
mod names;
mod regions;
#[cfg(test)]
mod scaling;
mod suggest;
mod sweep;
#[cfg(test)]
mod sweep_props;
mod unsupported;

use proc_macro2::TokenStream;

/// *The macro is implemented in the `backprop-macro` crate. Use it as `backprop::grad!`:
/// the `backprop` crate provides the runtime items the generated code calls.*
#[proc_macro]
pub fn grad(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into()).into()
}

/// *Use it as `#[backprop::differentiable]`; the `backprop` crate documents it.*
#[proc_macro_attribute]
pub fn differentiable(
    attr: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    function::expand(attr.into(), item.into()).into()
}

/// The whole expansion: the generated code, or `compile_error!`s for every problem found.
fn expand(tokens: TokenStream) -> TokenStream {
    let mut errors = errors::Errors::default();
    let generated = input::parse(tokens, &mut errors).and_then(|input| {
        let program = lower::lower(&input, &mut errors)?;
        let plan = sweep::plan(&program);
        let names = names::ValueNames::new(&program);
        let lines = derivation::lines(&program, &plan, &names);
        Some(emit::emit(&program, &plan, names, &lines).block())
    });
    match generated {
        Some(code) if errors.is_empty() => code,
        _ => errors.into_compile_errors(),
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// The expansion of `(x + y) * z`, pretty-printed as the README shows it.
    fn seed_expansion() -> String {
        let code = super::expand(quote!((x + y) * z));
        let file: syn::File = syn::parse2(quote!(fn f() { #code })).expect("the expansion parses");
        prettyplease::unparse(&file)
    }

    #[test]
    fn the_seed_expands_to_straight_line_code() {
        let code = seed_expansion();
        for line in [
            "let t0 = x + y;",
            "t0 * z",
            "let out = t0 * z;",
            "let [t0, z] = self.saved;",
            "let d_t0 = dout * z;",
            "let d_z = dout * t0;",
            "let d_x = d_t0;",
            "let d_y = d_t0;",
            "[d_x, d_y, d_z]",
            "let t0 = graph.apply(::backprop::__private::Op::Add, &[x, y]);",
        ] {
            assert!(code.contains(line), "missing `{line}` in\n{code}");
        }
    }

    #[test]
    fn the_readme_shows_the_real_expansion() {
        let code = seed_expansion();
        // rustfmt and prettyplease break lines differently: compare without white space
        // and without the trailing commas a broken line gets.
        // The README also shortens the absolute paths of the prelude's names for reading.
        let squeeze = |s: &str| {
            s.split_whitespace()
                .collect::<String>()
                .replace("::core::primitive::", "")
                .replace("::core::clone::", "")
                .replace("::core::marker::", "")
                .replace("::core::fmt::", "")
                .replace("::backprop::__private::", "")
                .replace("__BackpropS", "S")
                .replace(",}", "}")
                .replace(",)", ")")
                .replace(",>", ">")
        };
        let squeezed = squeeze(&code);
        let readme = include_str!("../../README.md");
        let start = readme
            .find("let f = {\n    #[derive")
            .expect("the README shows the expansion");
        let block = &readme[start..];
        let block = &block[..block.find("\n};").expect("the listing ends")];
        for line in block.lines().skip(1).map(str::trim) {
            // Comments stand for the parts the README leaves out.
            if line.is_empty()
                || line.starts_with("# ")
                || (line.starts_with("//") && !line.starts_with("///"))
            {
                continue;
            }
            assert!(
                squeezed.contains(squeeze(line).trim_end_matches(',')),
                "README line `{line}` is not in the expansion:\n{code}"
            );
        }
    }
}
