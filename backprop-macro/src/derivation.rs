//! The derivation text: the unrolled forward steps, then the backward steps with the chain
//! rule written out, in the same names as the generated code.
//!
//! For `(x + y) * z`:
//!
//! ```text
//! forward
//!   t0 = x + y
//!   out = t0 * z
//! backward
//!   d_t0 = dout * z
//!   d_z = dout * t0
//!   d_x = d_t0
//!   d_y = d_t0
//! ```

use std::fmt::Write;

use backprop_core::OpInfo;

use crate::ir::{Def, Program, ValueId};
use crate::names::ValueNames;
use crate::sweep::{Plan, Term};

pub fn derivation(program: &Program, plan: &Plan, names: &ValueNames) -> String {
    let name = |v: ValueId| -> String {
        match program.values[v].def {
            Def::Literal(x) => number(x),
            Def::IntLiteral(n) => n.to_string(),
            _ => names.value(v).to_owned(),
        }
    };
    let mut text = String::from("forward\n");
    for (k, captured) in program.captured.iter().enumerate() {
        if captured.ident.is_none() {
            let _ = writeln!(
                text,
                "  {} = {}  (captured)",
                names.captured[k], captured.text
            );
        }
    }
    for (v, value) in program.ops() {
        let Def::Op { info, args } = &value.def else {
            continue;
        };
        let bindings = bindings(info, args, &name);
        let _ = writeln!(
            text,
            "  {} = {}",
            name(v),
            substitute(info.forward, &bindings)
        );
    }
    if let Def::Input(_) = program.values[program.output].def {
        let _ = writeln!(text, "  out = {}", name(program.output));
    }
    text.push_str("backward\n");
    for step in &plan.steps {
        let v = step.value;
        let Def::Op { info, args } = &program.values[v].def else {
            continue;
        };
        let mut bindings = bindings(info, args, &name);
        bindings.push(("out", name(v)));
        let d = names.adjoint(v);
        for c in &step.contributions {
            let rhs = match c.term {
                Term::Pass => d.to_owned(),
                Term::Negate => format!("-{d}"),
                Term::Times(a) => format!("{d} * {}", name(a)),
                Term::Rule(_) => format!(
                    "{d} * {}",
                    substitute(info.derivatives[c.position], &bindings)
                ),
            };
            let op = if c.first { "=" } else { "+=" };
            let _ = writeln!(text, "  {} {op} {rhs}", names.adjoint(c.target));
        }
    }
    if let Def::Input(_) = program.values[program.output].def {
        let _ = writeln!(text, "  {} = dout", names.adjoint(program.output));
    }
    text
}

/// The operation's parameter names bound to its arguments' names, for substitution into
/// the table's text.
fn bindings<'i>(
    info: &'i OpInfo,
    args: &[ValueId],
    name: &dyn Fn(ValueId) -> String,
) -> Vec<(&'i str, String)> {
    info.params
        .iter()
        .zip(args)
        .map(|(param, &a)| (*param, name(a)))
        .collect()
}

/// A number as a reader writes it: `2`, `0.5`, `1e-7`.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:?}")
    }
}

/// Replaces each whole identifier of `template` that is bound in `bindings`.
fn substitute(template: &str, bindings: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match bindings.iter().find(|(param, _)| *param == word.as_str()) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(word),
        }
        word.clear();
    };
    for ch in template.chars() {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution_replaces_whole_words_only() {
        let bindings = [("x", "a".to_owned()), ("e", "t1".to_owned())];
        assert_eq!(substitute("e * x^(e - 1)", &bindings), "t1 * a^(t1 - 1)");
        assert_eq!(substitute("exp(x)", &bindings), "exp(a)");
    }

    #[test]
    fn numbers() {
        assert_eq!(number(2.0), "2");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(1e-7), "1e-7");
    }
}
