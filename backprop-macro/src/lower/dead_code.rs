//! Drops what does not reach the output: unused `let`s and the constants only they
//! used, so the generated code has no unused variables or fields.

use crate::ir::{Captured, Def, Program};

pub fn remove(program: Program) -> Program {
    let mut live = vec![false; program.values.len()];
    live[program.output] = true;
    for v in (0..program.values.len()).rev() {
        if !live[v] {
            continue;
        }
        match &program.values[v].def {
            Def::Op { args, .. } | Def::Cond { args, .. } | Def::Call { args, .. } => {
                for &a in args {
                    live[a] = true;
                }
            }
            Def::Select {
                branch,
                then,
                otherwise,
            } => {
                live[*then] = true;
                live[*otherwise] = true;
                live[program.branches[*branch].cond] = true;
            }
            Def::Output { of, .. } => live[*of] = true,
            _ => {}
        }
    }
    let mut renumber = vec![usize::MAX; program.values.len()];
    let mut captured_map = vec![None; program.captured.len()];
    let mut captured = Vec::new();
    let mut old_captured: Vec<Option<Captured>> = program.captured.into_iter().map(Some).collect();
    let mut values = Vec::new();
    for (v, mut value) in program.values.into_iter().enumerate() {
        if !live[v] && !matches!(value.def, Def::Input(_)) {
            continue;
        }
        match &mut value.def {
            Def::Captured(k) => {
                let old = *k;
                *k = *captured_map[old].get_or_insert_with(|| {
                    captured.extend(old_captured[old].take());
                    captured.len() - 1
                });
            }
            Def::Op { args, .. } | Def::Cond { args, .. } | Def::Call { args, .. } => {
                for a in args.iter_mut() {
                    *a = renumber[*a];
                }
            }
            Def::Select {
                then, otherwise, ..
            } => {
                *then = renumber[*then];
                *otherwise = renumber[*otherwise];
            }
            Def::Output { of, .. } => *of = renumber[*of],
            Def::Input(_) | Def::Literal(_) | Def::IntLiteral(_) => {}
        }
        renumber[v] = values.len();
        values.push(value);
    }
    // A branch whose value nobody reads keeps its row, unrendered; its condition is gone.
    let branches = program
        .branches
        .into_iter()
        .map(|branch| crate::ir::Branch {
            cond: renumber
                .get(branch.cond)
                .copied()
                .filter(|&v| v != usize::MAX)
                .unwrap_or_default(),
            guard: branch.guard,
        })
        .collect();
    Program {
        branches,
        arms: program.arms,
        elem: program.elem,
        params: program.params,
        inputs: program.inputs,
        captured,
        output: renumber[program.output],
        values,
        calls: program.calls,
        callees: program.callees,
        rolled: program.rolled,
        generics: program.generics,
    }
}
