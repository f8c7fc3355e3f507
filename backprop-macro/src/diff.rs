//! Stage 3, differentiate: the reverse sweep over the SSA list, planned at compile time.
//!
//! Every active operation is visited once, last to first. When it is visited, all its uses
//! come later in the list and have been visited, so its adjoint is complete; it then adds
//! `adjoint * local derivative` to the adjoint of each active argument. The first
//! contribution to an adjoint defines it, later ones accumulate with `+=`, which is how a
//! value used several times (`x * x * x`) collects all its paths.

use crate::ir::{Def, Program, ValueId};

/// One `d_arg (+)= d_value * partial` of the sweep.
pub struct Contribution {
    /// The argument whose adjoint receives it.
    pub target: ValueId,
    /// The argument's position in the operation.
    pub position: usize,
    /// `true` for the first contribution to `target`, which defines its adjoint.
    pub first: bool,
}

/// The contributions of one operation.
pub struct Step {
    pub value: ValueId,
    pub contributions: Vec<Contribution>,
}

/// The whole sweep, in execution order (reverse program order).
pub struct Sweep {
    pub steps: Vec<Step>,
    /// How many contributions each value's adjoint receives.
    pub uses: Vec<usize>,
}

pub fn sweep(program: &Program) -> Sweep {
    let mut uses = vec![0; program.values.len()];
    let mut steps = Vec::new();
    for (v, value) in program.ops().rev() {
        let Def::Op { args, .. } = &value.def else {
            continue;
        };
        if !value.active {
            continue;
        }
        let contributions = args
            .iter()
            .enumerate()
            .filter(|(_, &a)| program.values[a].active)
            .map(|(position, &target)| {
                uses[target] += 1;
                Contribution {
                    target,
                    position,
                    first: uses[target] == 1,
                }
            })
            .collect();
        steps.push(Step {
            value: v,
            contributions,
        });
    }
    Sweep { steps, uses }
}
