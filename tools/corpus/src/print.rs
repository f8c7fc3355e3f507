//! The two spellings of a case: the `grad!` input, and the same expression over
//! runtime-graph handles (`Var`), which has operators and the same method names.
//!
//! Both printers write exactly the parentheses Rust's precedence needs (plus the
//! redundant ones the tree asks for, inside `grad!` only), so both texts parse to the
//! same tree.

use crate::case::Case;
use crate::expr::{Const, Elem, Lit, Node, Style};

const SUM: u8 = 1;
const PRODUCT: u8 = 2;
const PREFIX: u8 = 3;
const POSTFIX: u8 = 4;

fn wrap(text: String, prec: u8, needed: u8) -> String {
    if prec < needed {
        format!("({text})")
    } else {
        text
    }
}

/// `-x`, with parentheses where the operand is itself negative (`--x` reads as a typo).
fn negate(text: String, prec: u8) -> String {
    if prec < PREFIX || text.starts_with('-') {
        format!("-({text})")
    } else {
        format!("-{text}")
    }
}

pub fn constant(c: Const, elem: Elem) -> String {
    match c {
        Const::K => "k".into(),
        Const::XsI => "xs[i]".into(),
        Const::Scale => "params.scale".into(),
        Const::Shift => "params.shift".into(),
        Const::Damp => "damp(k)".into(),
        Const::Pi => format!("std::{}::consts::PI", elem.name()),
    }
}

/// A literal as ordinary Rust of the element type: always a float literal, suffixed for
/// `f32` so that operator overloading on `Var` infers the right type.
pub fn plain_literal(lit: &Lit, elem: Elem) -> String {
    let digits = lit
        .text
        .trim_end_matches("f64")
        .trim_end_matches("f32")
        .trim_end_matches('_');
    let mut text = digits.to_owned();
    if !text.contains('.') && !text.contains('e') {
        text.push_str(".0");
    }
    if elem == Elem::F32 {
        text.push_str("_f32");
    }
    text
}

/// `powi`'s exponent: a literal, or the captured integer `n`.
fn exponent(node: &Node) -> Option<String> {
    match node {
        Node::Op {
            op: backprop_core::Op::Powi(n),
            named_exponent,
            ..
        } => Some(if *named_exponent {
            "n".to_owned()
        } else {
            n.to_string()
        }),
        _ => None,
    }
}

/// The `grad!` spelling of `node`, with its precedence.
pub fn grad(node: &Node, case: &Case) -> (String, u8) {
    match node {
        Node::Input(k) => (case.inputs[*k].to_owned(), POSTFIX),
        Node::Let(j) => (case.lets[*j].name.to_owned(), POSTFIX),
        Node::Lit(lit) => (lit.text.clone(), POSTFIX),
        Node::Const(c) => (constant(*c, case.elem), POSTFIX),
        Node::Paren(inner) => (format!("({})", grad(inner, case).0), POSTFIX),
        Node::Op {
            op, style, args, ..
        } => {
            let info = op.info();
            if let Some(symbol) = info.symbol {
                if let [a, b] = args.as_slice() {
                    let prec = if matches!(symbol, "+" | "-") {
                        SUM
                    } else {
                        PRODUCT
                    };
                    let (a, pa) = grad(a, case);
                    let (b, pb) = grad(b, case);
                    return (
                        format!("{} {symbol} {}", wrap(a, pa, prec), wrap(b, pb, prec + 1)),
                        prec,
                    );
                }
                let (a, pa) = grad(&args[0], case);
                return (negate(a, pa), PREFIX);
            }
            let mut rest: Vec<String> = args[1..].iter().map(|a| grad(a, case).0).collect();
            rest.extend(exponent(node));
            match style {
                Style::Method => {
                    let (recv, prec) = grad(&args[0], case);
                    // `2.5.sin()` and `-x.sin()` parse, but not as meant.
                    let recv = if matches!(args[0], Node::Lit(_)) || recv.starts_with('-') {
                        format!("({recv})")
                    } else {
                        wrap(recv, prec, POSTFIX)
                    };
                    (
                        format!("{recv}.{}({})", info.name, rest.join(", ")),
                        POSTFIX,
                    )
                }
                Style::Function => {
                    let first = grad(&args[0], case).0;
                    let all: Vec<String> = std::iter::once(first).chain(rest).collect();
                    (format!("{}({})", info.name, all.join(", ")), POSTFIX)
                }
            }
        }
    }
}

/// The spelling over `Var` handles; the flag says whether the text is a `Var` (else a
/// plain number). A number becomes a graph constant where a method needs a `Var`:
/// `cg.constant(..)`, `cg` being the graph of the inputs.
pub fn var(node: &Node, case: &Case, uses_graph: &mut bool) -> (String, u8, bool) {
    match node {
        Node::Input(k) => (case.inputs[*k].to_owned(), POSTFIX, true),
        Node::Let(j) => (case.lets[*j].name.to_owned(), POSTFIX, true),
        Node::Lit(lit) => (plain_literal(lit, case.elem), POSTFIX, false),
        Node::Const(c) => (constant(*c, case.elem), POSTFIX, false),
        Node::Paren(inner) => var(inner, case, uses_graph),
        Node::Op { op, args, .. } => {
            let info = op.info();
            if let Some(symbol) = info.symbol {
                if let [a, b] = args.as_slice() {
                    let prec = if matches!(symbol, "+" | "-") {
                        SUM
                    } else {
                        PRODUCT
                    };
                    let (a, pa, va) = var(a, case, uses_graph);
                    let (b, pb, vb) = var(b, case, uses_graph);
                    let text = format!("{} {symbol} {}", wrap(a, pa, prec), wrap(b, pb, prec + 1));
                    return (text, prec, va || vb);
                }
                let (a, pa, va) = var(&args[0], case, uses_graph);
                return (negate(a, pa), PREFIX, va);
            }
            let mut as_var = |node: &Node| {
                let (text, prec, is_var) = var(node, case, uses_graph);
                if is_var {
                    (text, prec)
                } else {
                    *uses_graph = true;
                    (format!("cg.constant({text})"), POSTFIX)
                }
            };
            let (recv, prec) = as_var(&args[0]);
            let recv = if recv.starts_with('-') {
                format!("({recv})")
            } else {
                wrap(recv, prec, POSTFIX)
            };
            let mut rest: Vec<String> = args[1..].iter().map(|a| as_var(a).0).collect();
            rest.extend(exponent(node));
            (
                format!("{recv}.{}({})", info.name, rest.join(", ")),
                POSTFIX,
                true,
            )
        }
    }
}
