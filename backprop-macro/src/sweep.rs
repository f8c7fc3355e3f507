//! Stage 3, differentiate: the adjoint plan, the reverse sweep over the SSA list planned at
//! compile time.
//!
//! Every active operation is visited once, last to first. When it is visited, all its uses
//! come later in the list and have been visited, so its adjoint is complete; it then adds
//! `adjoint * partial` to the adjoint of each active argument, each partial in the
//! structured form its table row gives. The first contribution to an adjoint defines it,
//! later ones accumulate with `+=`, which is how a value used several times (`x * x * x`)
//! collects all its paths. A call with several values (a loop with several states) is
//! visited once, when any of its values is read, and pulled back by all their adjoints.
//! The plan also fixes what the forward pass saves: exactly what the contributions read.
//!
//! Everything about derivatives is decided here; the code generator and the derivation
//! text render this plan and decide nothing.

use std::collections::BTreeSet;

use backprop_core::{ParamType, Partial, Read};

use crate::ir::{Def, Guard, Program, ValueId};

/// A value the backward pass reads from the forward pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operand {
    /// A value of the program.
    Value(ValueId),
    /// The auxiliary value of an operation's forward rule, or the pullback of a call.
    Aux(ValueId),
}

/// How one contribution is computed from the operation's adjoint `d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    /// `d`.
    Pass,
    /// `-d`.
    Negate,
    /// `d * value`.
    Times(ValueId),
    /// The step's derivative rule call; its component at this position when the rule
    /// returns one per argument.
    Rule(Option<usize>),
    /// The gradient of a call of a `#[differentiable]` function by its argument scalar at
    /// this position, from the callee's pullback.
    Part(usize),
}

/// One `d_target (+)= term` of the sweep.
pub struct Contribution {
    /// The operation whose step makes it.
    pub step: ValueId,
    /// The argument whose adjoint receives it.
    pub target: ValueId,
    /// The argument's position in the operation.
    pub position: usize,
    pub term: Term,
    /// `true` for the first contribution to `target`, which defines its adjoint.
    pub first: bool,
    /// The arm it runs in: the operation's own, or, for a branch's select, the arm of the
    /// side it sends the adjoint to.
    pub guard: Guard,
}

/// The backward step of one operation.
pub struct Step {
    pub value: ValueId,
    /// The operands of the derivative rule, when some contribution calls it.
    pub rule_call: Option<Vec<Operand>>,
    pub contributions: Vec<Contribution>,
}

/// The whole backward plan.
pub struct Plan {
    /// The steps in execution order (reverse program order).
    pub steps: Vec<Step>,
    /// How many contributions each value's adjoint receives.
    pub uses: Vec<usize>,
    /// What the forward pass saves for the backward pass, in a fixed order; literals are
    /// written inline instead.
    pub saved: Vec<Operand>,
    /// For each input, the value whose adjoint is its gradient, or `None` where the
    /// gradient is zero.
    pub gradient: Vec<Option<ValueId>>,
    /// Whether the backward pass reads `dout` at all: not where every path from the output
    /// to the inputs crosses a zero partial (`x.floor()`).
    pub reads_dout: bool,
    /// Adjoints that receive a contribution inside an arm deeper than the value itself:
    /// each is declared as 0 before its first contribution, and every contribution adds
    /// to it, so the arm not taken adds nothing.
    pub predeclared: Vec<ValueId>,
}

/// Which values have an adjoint worth computing: the inputs, and every operation with an
/// argument that has one through a partial that is not zero. An adjoint that no step
/// reads would be an unused local in generated code.
fn needed(program: &Program) -> Vec<bool> {
    let mut needed = vec![false; program.values.len()];
    for (v, value) in program.values.iter().enumerate() {
        needed[v] = match &value.def {
            // A constant of a loop's body is an input with no gradient.
            Def::Input(_) => value.active,
            Def::Op { info, args } => {
                value.active
                    && args
                        .iter()
                        .zip(info.partials)
                        .any(|(&a, partial)| needed[a] && *partial != Partial::Zero)
            }
            Def::Select {
                then, otherwise, ..
            } => needed[*then] || needed[*otherwise],
            Def::Call { call, args } => {
                value.active && (args.iter().any(|&a| needed[a]) || program.passes_named(*call))
            }
            // A further value of a call: its adjoint seeds the call's step.
            Def::Output { of, .. } => needed[*of],
            _ => false,
        };
    }
    needed
}

pub fn plan(program: &Program) -> Plan {
    let needed = needed(program);
    let mut uses = vec![0; program.values.len()];
    let mut saved = BTreeSet::new();
    let read = |operand: Operand, saved: &mut BTreeSet<Operand>| {
        if let Operand::Value(v) = operand {
            if program.values[v].is_literal() {
                return;
            }
        }
        saved.insert(operand);
    };
    // The further values of each call with several, which come after it.
    let mut outputs = vec![Vec::new(); program.values.len()];
    for (o, value) in program.values.iter().enumerate() {
        if let Def::Output { of, .. } = value.def {
            outputs[of].push(o);
        }
    }
    let mut steps = Vec::new();
    for v in (0..program.values.len()).rev() {
        let value = &program.values[v];
        // Skipped unless it reaches an input and the output reaches it, both through
        // partials that are not zero; the uses of `v` come later and have been visited.
        // A call with several values is pulled back by all their adjoints.
        let reached = |v: usize| v == program.output || uses[v] > 0;
        if !needed[v] || !(reached(v) || outputs[v].iter().any(|&o| reached(o))) {
            continue;
        }
        let mut contributions = Vec::new();
        let mut rule_call = None;
        match &value.def {
            Def::Op { info, args } => {
                let floats = args
                    .iter()
                    .zip(info.signature.params())
                    .enumerate()
                    .filter(|(_, (_, ty))| **ty == ParamType::Float)
                    .map(|(position, (&arg, _))| (position, arg));
                let arity = info.signature.arity();
                let mut calls_rule = false;
                for (position, target) in floats {
                    if !needed[target] {
                        continue;
                    }
                    let term = match info.partials[position] {
                        Partial::Zero => continue,
                        Partial::Pass => Term::Pass,
                        Partial::Negate => Term::Negate,
                        Partial::TimesArg(k) => {
                            read(Operand::Value(args[k]), &mut saved);
                            Term::Times(args[k])
                        }
                        Partial::Rule => {
                            calls_rule = true;
                            Term::Rule((arity > 1).then_some(position))
                        }
                    };
                    contributions.push((position, target, term, value.guard));
                }
                rule_call = calls_rule.then(|| {
                    info.reads
                        .iter()
                        .map(|r| {
                            let operand = match *r {
                                Read::Arg(k) => Operand::Value(args[k]),
                                Read::Out => Operand::Value(v),
                                Read::Aux => Operand::Aux(v),
                            };
                            read(operand, &mut saved);
                            operand
                        })
                        .collect()
                });
            }
            Def::Call { args, .. } => {
                for (position, &target) in args.iter().enumerate() {
                    if needed[target] {
                        contributions.push((position, target, Term::Part(position), value.guard));
                    }
                }
                read(Operand::Aux(v), &mut saved);
            }
            Def::Select {
                branch,
                then,
                otherwise,
            } => {
                for (position, (target, side)) in
                    [(*then, true), (*otherwise, false)].into_iter().enumerate()
                {
                    if needed[target] {
                        let guard = Some(program.arm(*branch, side));
                        contributions.push((position, target, Term::Pass, guard));
                    }
                }
            }
            _ => continue,
        }
        let contributions = contributions
            .into_iter()
            .map(|(position, target, term, guard)| {
                uses[target] += 1;
                // The conditions of the arms a contribution runs in are read backward.
                for arm in program.path(guard) {
                    let cond = program.branches[program.arms[arm].branch].cond;
                    read(Operand::Value(cond), &mut saved);
                }
                Contribution {
                    step: v,
                    target,
                    position,
                    term,
                    first: uses[target] == 1,
                    guard,
                }
            })
            .collect();
        steps.push(Step {
            value: v,
            rule_call,
            contributions,
        });
    }
    // An adjoint with a contribution in a deeper arm than its value is declared as 0
    // first: every contribution then adds to it.
    let mut predeclared = vec![false; program.values.len()];
    for c in steps.iter().flat_map(|s| &s.contributions) {
        if c.guard != program.values[c.target].guard {
            predeclared[c.target] = true;
        }
    }
    for c in steps.iter_mut().flat_map(|s| &mut s.contributions) {
        if predeclared[c.target] {
            c.first = false;
        }
    }
    let predeclared = (0..program.values.len())
        .filter(|&v| predeclared[v])
        .collect();
    let gradient = (0..program.inputs.len())
        .map(|k| {
            let v = program
                .values
                .iter()
                .position(|value| matches!(value.def, Def::Input(j) if j == k))?;
            (v == program.output || uses[v] > 0).then_some(v)
        })
        .collect();
    Plan {
        steps,
        uses,
        saved: saved.into_iter().collect(),
        gradient,
        reads_dout: needed[program.output],
        predeclared,
    }
}
