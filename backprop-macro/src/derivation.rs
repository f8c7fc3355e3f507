//! The derivation: the unrolled forward steps, then the backward steps with the chain rule
//! written out, in the same names as the generated code, as a list of lines. Rendered as
//! text by `derivation()`, and with the numbers filled in by `trace(..)`.
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

use crate::ir::{Arg, CondOp, Def, Guard, Program, Type, ValueId};
use crate::names::ValueNames;
use crate::regions::{self, Node};
use crate::sweep::{Plan, Term};

/// What a line's operand reads at run time.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Value(ValueId),
    Adjoint(ValueId),
}

/// Which statement of the generated code a line describes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The k-th captured constant, shown when it has no name of its own (`xs[i]`).
    Captured(usize),
    /// An operation's value.
    Forward(ValueId),
    /// `out = x`, where the output is an input.
    OutputIsInput,
    /// The contribution of operation `v`'s step to its argument at `position`.
    Contribution(ValueId, usize),
    /// `d_x = dout`, where the output is an input.
    OutputAdjoint,
}

/// One line: `target = rhs` (or `+=`), its right-hand side split around its operands.
pub struct Line {
    pub kind: Kind,
    /// The arm of a run-time branch the line's statement runs in.
    pub guard: Guard,
    pub target: String,
    pub accumulates: bool,
    /// One more piece than operands.
    pub pieces: Vec<String>,
    pub operands: Vec<Slot>,
    pub names: Vec<String>,
}

impl Line {
    pub fn is_forward(&self) -> bool {
        !matches!(self.kind, Kind::Contribution(..) | Kind::OutputAdjoint)
    }

    fn rhs(&self) -> String {
        let mut out = String::new();
        for (k, piece) in self.pieces.iter().enumerate() {
            out.push_str(piece);
            if let Some(name) = self.names.get(k) {
                out.push_str(name);
            }
        }
        out
    }
}

/// A right-hand side under construction.
#[derive(Default)]
struct Rhs {
    pieces: Vec<String>,
    operands: Vec<Slot>,
    names: Vec<String>,
}

impl Rhs {
    fn text(&mut self, text: &str) {
        if self.pieces.len() > self.operands.len() {
            if let Some(last) = self.pieces.last_mut() {
                last.push_str(text);
            }
        } else {
            self.pieces.push(text.to_owned());
        }
    }

    fn operand(&mut self, slot: Slot, name: String) {
        if self.pieces.len() == self.operands.len() {
            self.pieces.push(String::new());
        }
        self.operands.push(slot);
        self.names.push(name);
    }

    fn line(mut self, kind: Kind, target: String, accumulates: bool) -> Line {
        if self.pieces.len() == self.operands.len() {
            self.pieces.push(String::new());
        }
        Line {
            kind,
            guard: None,
            target,
            accumulates,
            pieces: self.pieces,
            operands: self.operands,
            names: self.names,
        }
    }
}

/// A name bound in a table text: a value read at run time, or a literal's text.
enum Binding {
    Slot(Slot, String),
    Text(String),
}

/// Every line of the derivation, forward then backward.
pub fn lines(program: &Program, plan: &Plan, names: &ValueNames) -> Vec<Line> {
    let bind = |v: ValueId| -> Binding {
        match program.values[v].def {
            Def::Literal(x) => Binding::Text(number(x)),
            Def::IntLiteral(n) => Binding::Text(n.to_string()),
            _ => Binding::Slot(Slot::Value(v), names.display(v).to_owned()),
        }
    };
    let mut lines = Vec::new();
    for (k, captured) in program.captured.iter().enumerate() {
        // A constant argument passed whole is shown in its call instead.
        if captured.ident.is_none() && !matches!(captured.ty, Type::Opaque(..)) {
            let mut rhs = Rhs::default();
            rhs.text(&captured.text);
            lines.push(rhs.line(Kind::Captured(k), names.captured[k].clone(), false));
        }
    }
    for (v, value) in program.values.iter().enumerate() {
        let mut rhs = Rhs::default();
        match &value.def {
            Def::Op { info, args } => {
                let bindings = bindings(info, args, &bind);
                substitute(info.forward, &bindings, &mut rhs);
            }
            Def::Call { .. } | Def::Output { .. } => {
                // `sq_dist([a[0], a[1]], b)`: the function by its path, the arguments
                // shaped as passed; for a call with several values, `loop0(..).1`.
                let (of, k) = match value.def {
                    Def::Output { of, k } => (of, k),
                    _ => (v, 0),
                };
                let Def::Call { call, args } = &program.values[of].def else {
                    continue;
                };
                let call = &program.calls[*call];
                rhs.text(&format!("{}(", program.callees[call.callee].text));
                let mut at = 0;
                for (k, arg) in call.args.iter().enumerate() {
                    if k > 0 {
                        rhs.text(", ");
                    }
                    let n = arg.len();
                    match arg {
                        // A whole array parameter by its name: `f(x)`, not its elements.
                        Arg::Values(shape) if !shape.is_empty() => {
                            match program.whole_arg(&args[at..at + n]) {
                                Some(p) => rhs.text(&crate::names::unraw(&program.params[p].ident)),
                                None => nested(&mut rhs, shape, &args[at..at + n], &bind),
                            }
                        }
                        Arg::Values(shape) => nested(&mut rhs, shape, &args[at..at + n], &bind),
                        Arg::Param(p) => rhs.text(&crate::names::unraw(&program.params[*p].ident)),
                        // A constant passed whole reads as written.
                        Arg::Constant => match program.values[args[at]].def {
                            Def::Captured(c) => rhs.text(&program.captured[c].text),
                            _ => rhs.text("_"),
                        },
                    }
                    at += n;
                }
                rhs.text(")");
                if call.outputs > 1 {
                    rhs.text(&format!(".{k}"));
                }
            }
            Def::Cond { op, args } => match (op, args.as_slice()) {
                (CondOp::Not, [a]) => {
                    rhs.text("!");
                    push(&mut rhs, bind(*a));
                }
                (op, [a, b]) => {
                    push(&mut rhs, bind(*a));
                    rhs.text(&format!(" {} ", op.symbol()));
                    push(&mut rhs, bind(*b));
                }
                (op, _) => rhs.text(op.symbol()),
            },
            Def::Select {
                branch,
                then,
                otherwise,
            } => {
                // The arms' values are named, not numbered: only the arm taken computed
                // its own, inside the branch.
                let name = |v: ValueId| match bind(v) {
                    Binding::Slot(_, name) | Binding::Text(name) => name,
                };
                rhs.text("if ");
                push(&mut rhs, bind(program.branches[*branch].cond));
                rhs.text(&format!(
                    " {{ {} }} else {{ {} }}",
                    name(*then),
                    name(*otherwise)
                ));
            }
            _ => continue,
        }
        let mut line = rhs.line(Kind::Forward(v), names.value(v).to_owned(), false);
        line.guard = value.guard;
        lines.push(line);
    }
    if let Def::Input(_) = program.values[program.output].def {
        let mut rhs = Rhs::default();
        push(&mut rhs, bind(program.output));
        lines.push(rhs.line(Kind::OutputIsInput, "out".to_owned(), false));
    }
    // A parameter read whole takes its gradient from each call whole: one line a call.
    let whole = program.whole_params();
    let mut whole_seen = vec![false; program.params.len()];
    for step in &plan.steps {
        let v = step.value;
        let mut bindings = match &program.values[v].def {
            Def::Op { info, args } => bindings(info, args, &bind),
            _ => Vec::new(),
        };
        bindings.push(("out", bind(v)));
        let d = || Binding::Slot(Slot::Adjoint(v), names.display_adjoint(v));
        // A call's gradient by an argument: with several values, through each one that
        // the rest of the program reads, `d_v * ∂v/∂x + d_w * ∂w/∂x`.
        let seeds = seeds(program, plan, v);
        let part = |rhs: &mut Rhs, target: &str| {
            for (n, &seed) in seeds.iter().enumerate() {
                if n > 0 {
                    rhs.text(" + ");
                }
                push(
                    rhs,
                    Binding::Slot(Slot::Adjoint(seed), names.display_adjoint(seed)),
                );
                rhs.text(&format!(" * ∂{}/∂{target}", names.display(seed)));
            }
        };
        for c in &step.contributions {
            let mut rhs = Rhs::default();
            if let Def::Input(k) = program.values[c.target].def {
                let p = program.inputs[k].param;
                if whole[p] {
                    if program.inputs[k].index == [0] {
                        let name = crate::names::unraw(&program.params[p].ident);
                        part(&mut rhs, &name);
                        let kind = Kind::Contribution(v, c.position);
                        let mut line = rhs.line(kind, format!("d_{name}"), whole_seen[p]);
                        whole_seen[p] = true;
                        line.guard = c.guard;
                        lines.push(line);
                    }
                    continue;
                }
            }
            match c.term {
                Term::Pass => push(&mut rhs, d()),
                Term::Negate => {
                    rhs.text("-");
                    push(&mut rhs, d());
                }
                Term::Times(a) => {
                    push(&mut rhs, d());
                    rhs.text(" * ");
                    push(&mut rhs, bind(a));
                }
                Term::Part(_) => part(&mut rhs, names.display(c.target)),
                Term::Rule(_) => {
                    push(&mut rhs, d());
                    let Def::Op { info, .. } = &program.values[v].def else {
                        continue;
                    };
                    let partial = info.derivatives[c.position];
                    let parens = needs_parentheses(partial);
                    rhs.text(if parens { " * (" } else { " * " });
                    substitute(partial, &bindings, &mut rhs);
                    if parens {
                        rhs.text(")");
                    }
                }
            }
            let kind = Kind::Contribution(v, c.position);
            let mut line = rhs.line(kind, names.display_adjoint(c.target), !c.first);
            line.guard = c.guard;
            lines.push(line);
        }
        // An array of named length passed whole has no values: its line follows the
        // contributions, at a position past the call's values.
        if let Def::Call { call, args } = &program.values[v].def {
            for (k, arg) in program.calls[*call].args.iter().enumerate() {
                if let Arg::Param(p) = arg {
                    let name = crate::names::unraw(&program.params[*p].ident);
                    let mut rhs = Rhs::default();
                    part(&mut rhs, &name);
                    let kind = Kind::Contribution(v, args.len() + k);
                    let mut line = rhs.line(kind, format!("d_{name}"), whole_seen[*p]);
                    whole_seen[*p] = true;
                    line.guard = program.values[v].guard;
                    lines.push(line);
                }
            }
        }
    }
    if let Def::Input(_) = program.values[program.output].def {
        let mut rhs = Rhs::default();
        rhs.operand(Slot::Adjoint(program.output), names.dout.clone());
        let target = format!("d_{}", names.display(program.output));
        lines.push(rhs.line(Kind::OutputAdjoint, target, false));
    }
    lines
}

/// The derivation as `derivation()` returns it: a run-time branch shows both arms under
/// its condition.
pub fn text(program: &Program, names: &ValueNames, lines: &[Line]) -> String {
    let mut text = String::from("forward\n");
    let (forward, backward): (Vec<&Line>, Vec<&Line>) = lines.iter().partition(|l| l.is_forward());
    for (part, header) in [(forward, ""), (backward, "backward\n")] {
        text.push_str(header);
        let items = part.into_iter().map(|l| (l.guard, l)).collect();
        write_nodes(program, names, &regions::tree(program, items), 1, &mut text);
    }
    text
}

fn write_nodes(
    program: &Program,
    names: &ValueNames,
    nodes: &[Node<&Line>],
    depth: usize,
    text: &mut String,
) {
    let indent = "  ".repeat(depth);
    for node in nodes {
        match node {
            Node::Item(line) => {
                let sign = if line.accumulates { "+=" } else { "=" };
                let _ = write!(text, "{indent}{} {sign} {}", line.target, line.rhs());
                if let Kind::Captured(_) = line.kind {
                    text.push_str("  (captured)");
                }
                text.push('\n');
            }
            Node::Branch {
                branch,
                then,
                otherwise,
            } => {
                let name = names.value(program.branches[*branch].cond);
                let _ = writeln!(text, "{indent}if {name} {{");
                write_nodes(program, names, then, depth + 1, text);
                let _ = writeln!(text, "{indent}}} else {{");
                write_nodes(program, names, otherwise, depth + 1, text);
                let _ = writeln!(text, "{indent}}}");
            }
        }
    }
}

/// The scalars of one argument of a call, nested like its shape: `x`, `[a, b]`.
fn nested(rhs: &mut Rhs, shape: &[usize], args: &[ValueId], bind: &dyn Fn(ValueId) -> Binding) {
    match shape.split_first() {
        None => {
            if let Some(&a) = args.first() {
                push(rhs, bind(a));
            }
        }
        Some((&len, inner)) => {
            let step = (args.len() / len.max(1)).max(1);
            rhs.text("[");
            for (k, chunk) in args.chunks(step).enumerate() {
                if k > 0 {
                    rhs.text(", ");
                }
                nested(rhs, inner, chunk, bind);
            }
            rhs.text("]");
        }
    }
}

fn push(rhs: &mut Rhs, binding: Binding) {
    match binding {
        Binding::Slot(slot, name) => rhs.operand(slot, name),
        Binding::Text(text) => rhs.text(&text),
    }
}

/// The operation's parameter names bound to its arguments, for substitution into the
/// table's text.
fn bindings<'i>(
    info: &'i OpInfo,
    args: &[ValueId],
    bind: &dyn Fn(ValueId) -> Binding,
) -> Vec<(&'i str, Binding)> {
    info.params
        .iter()
        .zip(args)
        .map(|(param, &a)| (*param, bind(a)))
        .collect()
}

/// Whether a partial derivative's text needs parentheses after `d * `: it has an operator
/// outside any parentheses (`1 / x`, but not `(1 + out²)` or `cos(x)`).
fn needs_parentheses(partial: &str) -> bool {
    let mut depth = 0_i32;
    for ch in partial.chars() {
        match ch {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ' ' if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

/// A number as a reader writes it: `2`, `0.5`, `1e-7`.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:?}")
    }
}

/// Writes `template` into `rhs`, each whole identifier bound in `bindings` replaced by its
/// binding.
fn substitute(template: &str, bindings: &[(&str, Binding)], rhs: &mut Rhs) {
    let mut word = String::new();
    let flush = |word: &mut String, rhs: &mut Rhs| {
        match bindings.iter().find(|(param, _)| *param == word.as_str()) {
            Some((_, Binding::Slot(slot, name))) => rhs.operand(*slot, name.clone()),
            Some((_, Binding::Text(text))) => rhs.text(text),
            None => rhs.text(word),
        }
        word.clear();
    };
    for ch in template.chars() {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            word.push(ch);
        } else {
            flush(&mut word, rhs);
            rhs.text(&ch.to_string());
        }
    }
    flush(&mut word, rhs);
}

/// The values whose adjoints pull a call back: the call's own, or for a call with several
/// values each one that the rest of the program reads.
fn seeds(program: &Program, plan: &Plan, v: ValueId) -> Vec<ValueId> {
    let Def::Call { call, .. } = &program.values[v].def else {
        return vec![v];
    };
    if program.calls[*call].outputs == 1 {
        return vec![v];
    }
    let reached = |o: ValueId| o == program.output || plan.uses[o] > 0;
    std::iter::once(v)
        .chain(
            (0..program.values.len())
                .filter(|&o| matches!(program.values[o].def, Def::Output { of, .. } if of == v)),
        )
        .filter(|&o| reached(o))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, bindings: &[(&str, Binding)]) -> String {
        let mut rhs = Rhs::default();
        substitute(template, bindings, &mut rhs);
        rhs.line(Kind::OutputIsInput, String::new(), false).rhs()
    }

    #[test]
    fn substitution_replaces_whole_words_only() {
        let bindings = [
            ("x", Binding::Slot(Slot::Value(0), "a".to_owned())),
            ("e", Binding::Slot(Slot::Value(1), "t1".to_owned())),
        ];
        assert_eq!(render("e * x^(e - 1)", &bindings), "t1 * a^(t1 - 1)");
        assert_eq!(render("exp(x)", &bindings), "exp(a)");
    }

    #[test]
    fn operands_split_the_text_into_pieces() {
        let bindings = [
            ("a", Binding::Slot(Slot::Value(0), "x".to_owned())),
            ("b", Binding::Text("2".to_owned())),
        ];
        let mut rhs = Rhs::default();
        substitute("a + b * a", &bindings, &mut rhs);
        let line = rhs.line(Kind::OutputIsInput, String::new(), false);
        assert_eq!(line.pieces, ["", " + 2 * ", ""]);
        assert_eq!(line.names, ["x", "x"]);
    }

    #[test]
    fn parentheses_where_an_operator_stands_outside_them() {
        assert!(needs_parentheses("1 / x"));
        assert!(needs_parentheses("n * x^(n - 1)"));
        assert!(!needs_parentheses("(1 + out²)"));
        assert!(!needs_parentheses("cos(x)"));
        assert!(!needs_parentheses("[a > b]"));
    }

    #[test]
    fn numbers() {
        assert_eq!(number(2.0), "2");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(1e-7), "1e-7");
    }
}
