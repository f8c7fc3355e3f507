//! The macro never panics, whatever tokens it is given: [`expand`] on random token trees
//! and on random mutations of valid inputs returns either code that parses as an
//! expression or nothing but `compile_error!`s, and the `#[differentiable]` attribute, on
//! random tokens and mutated functions, returns items.
//!
//! `cargo test -p backprop-macro` runs a few thousand cases. The long run, a hundred
//! thousand cases of each property:
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test -p backprop-macro --release fuzz
//! ```

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use proptest::prelude::*;
use quote::ToTokens;

use crate::expand;

mod regressions;
mod seeds;

use seeds::{VALID, VALID_FUNCTIONS};

/// Cases per property when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 2000;

/// The words of a whitespace-separated pool; the pools are written that way to stay
/// compact.
fn words(pool: &'static str) -> Vec<&'static str> {
    pool.split_whitespace().collect()
}

/// One token of a flat sequence; `Open` and `Close` delimit groups, balanced when the
/// sequence is turned into a token stream.
#[derive(Clone, Debug)]
enum Tok {
    Ident(String),
    Punct(char, bool),
    Lit(String),
    Open(Delimiter),
    Close,
}

/// Identifiers: names, keywords, raw names, names of the operation table and near misses,
/// and names the generated code uses.
const IDENTS: &str =
    "x y z w b k xs i n X dout t0 d_x out grad graph inputs self Self super crate f32 \
    f64 i32 u8 usize _ Some None std core consts PI compile_error println vec if \
    else match loop while for in return break continue let mut ref fn move async \
    await const static unsafe as true false struct impl dyn where yield become try \
    gen box tahn sinn pow add neg r#type r#x r#match r#fn __BackpropGrad";

const PUNCTS: &[char] = &[
    '+', '-', '*', '/', '%', '^', '!', '&', '|', '=', '<', '>', '@', '.', ',', ';', ':', '#', '$',
    '?', '~', '\'',
];

/// Literals: plain numbers first, then the edge cases of range, base, suffix and kind.
const LITERALS: &str =
    "0 1 2 2.5 0.1 1e308 1e-400 3.4e38 1e-46 1_000 1e309 1e999 3.5e38 0x1F 0b101 0o7 \
    1u8 1i32 1i64 1f32 2.0f64 2147483647 2147483648 4294967296 1. 1e0 1E10 0.0 'a' \
    '\\n' \"s\" \"\" b'a' b\"s\" c\"s\" r\"raw\" r#\"raw\"#";

/// Integers too large for any integer type, and a float with more digits than any needs.
const HUGE: &[&str] = &[
    "340282366920938463463374607431768211456",
    "99999999999999999999999999999999999999999999999999e99",
];

/// Arguments of the attribute: none, a custom derivative, and mistakes.
const ATTRIBUTES: &[&str] = &[
    "",
    "grad = j0_grad",
    "grad = a::b",
    "gradient = g",
    "grad",
    "grad = 1",
    "= =",
];

const LET_NAMES: &[&str] = &["t0", "d_x", "out", "x", "r#type", "r#match", "self", "_"];

/// Plain names for inputs, parameters and captured constants, including names the
/// generated code also uses.
const NAMES: &str = "x y z w b k n X dout t0 d_x out grad graph inputs r#type __BackpropGrad";

const BINARY: &[&str] = &["+", "-", "*", "/"];

const COMPARISONS: &[&str] = &["<", "<=", ">", ">=", "==", "!=", "%", "&&"];

/// Loop ranges, some out of the supported forms or past the unroll limit.
const LOOP_BOUNDS: &[&str] = &[
    "0..3",
    "0..=2",
    "(0..4).rev()",
    "(0..6).step_by(2)",
    "0..a.len()",
    "2..0",
    "0..x",
    "0..100001",
    "(0..3).step_by(0)",
    "0..",
    "a",
];

/// Indices of the arrays `a` (a parameter of length 3) and `h`, some out of bounds or
/// not known at expansion.
const INDICES: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "i",
    "i + 1",
    "x",
    "2 - 3",
    "99999999999999999999",
];

const UNSUPPORTED_BINARY: &[&str] = &["%", "^", "&", "|", "<<", "==", "<", "&&", "=", "+="];

/// A numeric literal: a plain number, an arbitrary value, or an edge case of the pool.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(words(LITERALS)[..10].to_vec()).prop_map(str::to_owned),
        1 => any::<f64>().prop_map(|v| format!("{v:?}")),
        1 => prop::sample::select(words(LITERALS)).prop_map(str::to_owned),
        1 => prop::sample::select(HUGE).prop_map(str::to_owned),
    ]
}

/// An exponent of `powi`: mostly an integer, sometimes anything.
fn exponent() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<i32>().prop_map(|n| n.unsigned_abs().to_string()),
        4 => (0..5u8).prop_map(|n| n.to_string()),
        1 => number(),
    ]
}

/// A call of an operation of the table, usually with the right number of arguments, in
/// method or function form.
fn call(inner: BoxedStrategy<String>) -> impl Strategy<Value = String> {
    let ops: Vec<(&'static str, usize)> = backprop_core::OPS
        .iter()
        .map(|op| (op.name, op.params.len()))
        .collect();
    (
        prop::sample::select(ops),
        any::<bool>(),
        prop::collection::vec(inner, 1..4),
        prop::bool::weighted(0.9),
    )
        .prop_map(|((name, arity), method, args, right_count)| {
            let count = if right_count { arity } else { args.len() };
            let args: Vec<String> = args.into_iter().cycle().take(count).collect();
            match args.split_first() {
                Some((receiver, rest)) if method => {
                    format!("({receiver}).{name}({})", rest.join(", "))
                }
                _ => format!("{name}({})", args.join(", ")),
            }
        })
}

/// Expressions from the grammar the macro parses, mostly supported, so that many cases
/// reach lowering and code generation, with a few unsupported constructs mixed in.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        6 => prop::sample::select(words(NAMES)).prop_map(str::to_owned),
        4 => number(),
        1 => prop::sample::select(words(IDENTS)).prop_map(str::to_owned),
        1 => prop::sample::select(&["std::f64::consts::PI", "xs[i]", "self.k", "n as f64"][..])
            .prop_map(str::to_owned),
        2 => prop::sample::select(INDICES).prop_map(|i| format!("a[{i}]")),
    ];
    leaf.prop_recursive(6, 48, 3, move |inner| {
        prop_oneof![
            30 => (inner.clone(), prop::sample::select(BINARY), inner.clone())
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            1 => (inner.clone(), prop::sample::select(UNSUPPORTED_BINARY), inner.clone())
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            6 => inner.clone().prop_map(|a| format!("-({a})")),
            1 => (prop::sample::select(&["!", "*", "&"][..]), inner.clone())
                .prop_map(|(op, a)| format!("{op}({a})")),
            30 => call(inner.clone()),
            6 => (inner.clone(), exponent(), any::<bool>()).prop_map(|(a, n, negative)| {
                format!("({a}).powi({}{n})", if negative { "-" } else { "" })
            }),
            6 => (prop::sample::select(LET_NAMES), inner.clone(), inner.clone())
                .prop_map(|(n, a, b)| format!(
                    "{{ let {n} = {a}; let dout = {n} * {b}; {n} + dout }}"
                )),
            1 => (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(a, b, c)| format!("if {a} {{ {b} }} else {{ {c} }}")),
            1 => inner.clone().prop_map(|a| format!("({a}) as f32")),
            3 => (inner.clone(), prop::sample::select(COMPARISONS), inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(a, op, b, c, d)| format!("if {a} {op} {b} {{ {c} }} else {{ {d} }}")),
            3 => (inner.clone(), prop::sample::select(LOOP_BOUNDS), inner.clone())
                .prop_map(|(a, bound, b)| format!(
                    "{{ let mut s = {a}; for i in {bound} {{ s += {b} * i as f64; }} s }}"
                )),
            // A loop that stays a loop where `a` is long enough (a sum, or with `*=` a
            // recurrence), unrolled where it is short.
            1 => (inner.clone(), inner.clone(), prop::sample::select(&["+=", "-=", "*="][..]))
                .prop_map(|(a, b, op)| format!(
                    "{{ let mut s = {a}; for i in 0..a.len() - 1 {{ let t = a[i + 1] - {b}; s {op} t * a[i]; }} s }}"
                )),
            // A body with a short inner loop, read through a window, and a statement `if`.
            1 => (inner.clone(), inner.clone())
                .prop_map(|(a, b)| format!(
                    "{{ let mut s = {a}; for i in 0..a.len() - 2 {{ let mut t = {b}; for k in 0..3 {{ t += a[i + k]; }} if t < {b} {{ t = -t; }} s += t * t; }} s }}"
                )),
            // An inner sum, long enough to stay a loop inside the loop.
            1 => (inner.clone(), inner.clone())
                .prop_map(|(a, b)| format!(
                    "{{ let mut s = {a}; for i in 0..a.len() - 1 {{ let mut t = 0.0; for j in 0..a.len() {{ t += a[j] * {b}; }} s += t * a[i + 1]; }} s }}"
                )),
            2 => (inner.clone(), prop::sample::select(INDICES), inner.clone())
                .prop_map(|(a, index, b)| format!(
                    "{{ let mut h = [{a}; 3]; h[{index}] = {b}; h[0] * h[2] }}"
                )),
            2 => (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(a, b, c)| format!(
                    "{{ let mut m = {a}; if {b} < m {{ m = {b}; }} m * {c} }}"
                )),
        ]
    })
}

/// A whole input: the expression form, or a closure over some of the leaf names.
fn invocation() -> impl Strategy<Value = String> {
    let ty = prop::sample::select(&["", ": f32", ": f64"][..]);
    let names = prop::collection::vec((prop::sample::select(words(NAMES)), any::<bool>()), 1..5);
    let array = prop::sample::select(
        &[
            "a: [f64; 3]",
            "a: [[f64; 2]; 3]",
            "a: [f64; N]",
            "a: [f32; 3]",
            "a: [f64; 1001]",
        ][..],
    );
    prop_oneof![
        expression(),
        (array, names.clone(), expression()).prop_map(|(array, names, body)| {
            let params: Vec<String> = names.into_iter().map(|(name, _)| name.to_owned()).collect();
            format!("|{array}, {}| {body}", params.join(", "))
        }),
        (ty, names, expression()).prop_map(|(ty, names, body)| {
            // One type, written on some of the parameters, as users write them.
            let params: Vec<String> = names
                .into_iter()
                .map(|(name, typed)| format!("{name}{}", if typed { ty } else { "" }))
                .collect();
            format!("|{}| {body}", params.join(", "))
        }),
    ]
}

fn delimiter() -> impl Strategy<Value = Delimiter> {
    prop_oneof![
        Just(Delimiter::Parenthesis),
        Just(Delimiter::Brace),
        Just(Delimiter::Bracket),
        Just(Delimiter::None),
    ]
}

/// Any token: from the pools above, an identifier of the operation table, or a number
/// written from an arbitrary value.
fn tok() -> impl Strategy<Value = Tok> {
    let op_names: Vec<&'static str> = backprop_core::OPS.iter().map(|op| op.name).collect();
    prop_oneof![
        4 => prop::sample::select(words(IDENTS)).prop_map(|s| Tok::Ident(s.to_owned())),
        2 => prop::sample::select(op_names).prop_map(|s| Tok::Ident(s.to_owned())),
        4 => (prop::sample::select(PUNCTS), any::<bool>()).prop_map(|(c, j)| Tok::Punct(c, j)),
        2 => prop::sample::select(words(LITERALS)).prop_map(|s| Tok::Lit(s.to_owned())),
        1 => prop::sample::select(HUGE).prop_map(|s| Tok::Lit(s.to_owned())),
        1 => any::<f64>().prop_map(|v| Tok::Lit(format!("{v:?}"))),
        1 => any::<u128>().prop_map(|v| Tok::Lit(v.to_string())),
        1 => any::<f64>().prop_map(|v| Tok::Lit(format!("{v:e}"))),
        1 => delimiter().prop_map(Tok::Open),
        1 => Just(Tok::Close),
    ]
}

/// Builds a token stream from a flat sequence, closing what is left open and dropping a
/// `Close` that has no `Open`. A literal or identifier that does not lex is skipped.
fn build(toks: &[Tok]) -> TokenStream {
    let mut stack: Vec<(Delimiter, Vec<TokenTree>)> = vec![(Delimiter::None, Vec::new())];
    for tok in toks {
        let tree = match tok {
            Tok::Ident(name) => match name.strip_prefix("r#") {
                Some(raw) => TokenTree::Ident(Ident::new_raw(raw, Span::call_site())),
                None => TokenTree::Ident(Ident::new(name, Span::call_site())),
            },
            Tok::Punct(c, joint) => {
                let spacing = if *joint {
                    Spacing::Joint
                } else {
                    Spacing::Alone
                };
                TokenTree::Punct(Punct::new(*c, spacing))
            }
            Tok::Lit(text) => match text.parse::<Literal>() {
                Ok(lit) => TokenTree::Literal(lit),
                Err(_) => continue,
            },
            Tok::Open(delimiter) => {
                stack.push((*delimiter, Vec::new()));
                continue;
            }
            Tok::Close => {
                if stack.len() > 1 {
                    close(&mut stack);
                }
                continue;
            }
        };
        if let Some((_, trees)) = stack.last_mut() {
            trees.push(tree);
        }
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack
        .pop()
        .map(|(_, trees)| trees)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

fn close(stack: &mut Vec<(Delimiter, Vec<TokenTree>)>) {
    if let Some((delimiter, trees)) = stack.pop() {
        let group = Group::new(delimiter, trees.into_iter().collect());
        if let Some((_, parent)) = stack.last_mut() {
            parent.push(TokenTree::Group(group));
        }
    }
}

/// The flat sequence of a token stream, the inverse of [`build`].
fn flatten(tokens: TokenStream, out: &mut Vec<Tok>) {
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) => out.push(Tok::Ident(ident.to_string())),
            TokenTree::Punct(p) => out.push(Tok::Punct(p.as_char(), p.spacing() == Spacing::Joint)),
            TokenTree::Literal(lit) => out.push(Tok::Lit(lit.to_string())),
            TokenTree::Group(group) => {
                out.push(Tok::Open(group.delimiter()));
                flatten(group.stream(), out);
                out.push(Tok::Close);
            }
        }
    }
}

#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Replace(usize, Tok),
    Insert(usize, Tok),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<prop::sample::Index>();
    prop_oneof![
        at.clone()
            .prop_map(|i| Mutation::Delete(i.index(usize::MAX))),
        at.clone()
            .prop_map(|i| Mutation::Duplicate(i.index(usize::MAX))),
        (at.clone(), at.clone())
            .prop_map(|(i, j)| Mutation::Swap(i.index(usize::MAX), j.index(usize::MAX))),
        (at.clone(), tok()).prop_map(|(i, t)| Mutation::Replace(i.index(usize::MAX), t)),
        (at, tok()).prop_map(|(i, t)| Mutation::Insert(i.index(usize::MAX), t)),
    ]
}

fn mutate(toks: &mut Vec<Tok>, mutation: &Mutation) {
    let len = toks.len();
    if len == 0 {
        if let Mutation::Insert(_, t) | Mutation::Replace(_, t) = mutation {
            toks.push(t.clone());
        }
        return;
    }
    match mutation {
        Mutation::Delete(i) => {
            toks.remove(i % len);
        }
        Mutation::Duplicate(i) => toks.insert(i % len, toks[i % len].clone()),
        Mutation::Swap(i, j) => toks.swap(i % len, j % len),
        Mutation::Replace(i, t) => toks[i % len] = t.clone(),
        Mutation::Insert(i, t) => toks.insert(i % (len + 1), t.clone()),
    }
}

/// Expands `tokens` and checks the output's shape; a panic inside fails the case too.
pub(super) fn check(tokens: TokenStream) -> Result<(), TestCaseError> {
    let input = tokens.to_string();
    let output = expand(tokens);
    let expr: syn::Expr = syn::parse2(output.clone()).map_err(|e| {
        TestCaseError::fail(format!("the output of `{input}` is no expression: {e}"))
    })?;
    match compile_errors(&expr) {
        Some(0) => Err(TestCaseError::fail(format!(
            "`{input}` expanded to an empty block"
        ))),
        Some(_) => Ok(()),
        None if is_generated(&expr) => Ok(()),
        None => Err(TestCaseError::fail(format!(
            "`{input}` expanded to neither errors nor a generated value"
        ))),
    }
}

/// Whether `expr` has the shape of a successful expansion: a block of items whose value is
/// the generated struct.
fn is_generated(expr: &syn::Expr) -> bool {
    let syn::Expr::Block(block) = expr else {
        return false;
    };
    matches!(
        block.block.stmts.last(),
        Some(syn::Stmt::Expr(syn::Expr::Struct(s), None))
            if s.path.is_ident("__BackpropGrad")
    )
}

/// How many `compile_error!`s the expansion is, if it is nothing but those.
fn compile_errors(expr: &syn::Expr) -> Option<usize> {
    let syn::Expr::Block(block) = expr else {
        return None;
    };
    let mut count = 0;
    for stmt in &block.block.stmts {
        let mac = match stmt {
            syn::Stmt::Macro(m) => &m.mac,
            syn::Stmt::Expr(syn::Expr::Macro(m), _) => &m.mac,
            _ => return None,
        };
        if mac.path.to_token_stream().to_string() != ":: core :: compile_error" {
            return None;
        }
        count += 1;
    }
    Some(count)
}

fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = DEFAULT_CASES;
    }
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_tokens_never_panic(toks in prop::collection::vec(tok(), 0..40)) {
        check(build(&toks))?;
    }

    #[test]
    fn random_expressions_never_panic(input in invocation()) {
        check(input.parse().expect("the grammar's output lexes"))?;
    }

    #[test]
    fn mutated_inputs_never_panic(
        seed in prop::sample::select(VALID),
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let mut toks = Vec::new();
        flatten(seed.parse().expect("the seeds lex"), &mut toks);
        for m in &mutations {
            mutate(&mut toks, m);
        }
        check(build(&toks))?;
    }
}

/// Expands the attribute and checks that the output is items: the function and its
/// companion, or errors. Tokens that are no items to begin with are passed through, for
/// the compiler to report, after an error.
fn check_attribute(attr: TokenStream, item: TokenStream) -> Result<(), TestCaseError> {
    let input = format!("#[differentiable({attr})] {item}");
    // As the attribute parses it: one function. (A file of items is not the same test:
    // an invisible group, which a mutation may open, is transparent to one and not to
    // the other.)
    let item_parses = syn::parse2::<syn::ItemFn>(item.clone()).is_ok();
    let output = crate::function::expand(attr, item);
    if !item_parses {
        if !output.to_string().contains("compile_error") {
            return Err(TestCaseError::fail(format!(
                "`{input}` expanded without an error"
            )));
        }
        return Ok(());
    }
    syn::parse2::<syn::File>(output)
        .map_err(|e| TestCaseError::fail(format!("the output of `{input}` is not items: {e}")))?;
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_tokens_under_the_attribute_never_panic(
        attr in prop::collection::vec(tok(), 0..6),
        item in prop::collection::vec(tok(), 0..40),
    ) {
        check_attribute(build(&attr), build(&item))?;
    }

    #[test]
    fn mutated_functions_never_panic(
        seed in prop::sample::select(VALID_FUNCTIONS),
        attr in prop::sample::select(ATTRIBUTES),
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let mut toks = Vec::new();
        flatten(seed.parse().expect("the seeds lex"), &mut toks);
        for m in &mutations {
            mutate(&mut toks, m);
        }
        check_attribute(attr.parse().expect("the attributes lex"), build(&toks))?;
    }
}

#[test]
fn every_function_seed_expands_to_a_companion() {
    for seed in VALID_FUNCTIONS {
        let attr: TokenStream = if seed.contains("j0") {
            "grad = j0_grad"
        } else {
            ""
        }
        .parse()
        .expect("lexes");
        let output = crate::function::expand(attr, seed.parse().expect("the seeds lex"));
        let file: syn::File = syn::parse2(output.clone()).expect("generated code parses");
        let text = output.to_string();
        assert!(!text.contains("compile_error"), "`{seed}` failed: {text}");
        assert!(file.items.len() >= 3, "`{seed}`: {text}");
    }
}

#[test]
fn every_seed_expands_to_code() {
    for seed in VALID {
        let output = expand(seed.parse().expect("the seeds lex"));
        let expr: syn::Expr = syn::parse2(output.clone()).expect("generated code parses");
        assert!(is_generated(&expr), "`{seed}` failed: {output}");
    }
}
