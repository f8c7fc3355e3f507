//! Branches decided at run time: `if x > 0.0 { .. } else { .. }` on values of the body.
//!
//! Each arm is lowered in turn, its values marked as computed only in that arm; then
//! every mutable local the two arms left different, and the `if`'s own value, become
//! `Select` values of the branch. The reverse sweep sends a select's adjoint only into the
//! arm taken, so nothing computed for the arm not taken reaches the value or the gradient.

use syn::{BinOp, Expr, UnOp};

use super::konst::{self, Const};
use super::{Lowerer, OpenBranch, Task};
use crate::ir::{Arm, Branch, CondOp, Def, Type};

impl<'a> Lowerer<'a, '_> {
    /// Schedules a branch on a run-time condition: the condition, then each arm (as a
    /// value, or as statements), with the bookkeeping between them.
    pub(super) fn schedule_branch(
        &mut self,
        if_expr: &'a syn::ExprIf,
        value: bool,
        tasks: &mut Vec<Task<'a>>,
    ) {
        tasks.push(Task::BranchEnd { value });
        match (&if_expr.else_branch, value) {
            (Some((_, else_branch)), true) => tasks.push(Task::Visit(else_branch)),
            (Some((_, else_branch)), false) => tasks.push(Task::ExecExpr(else_branch)),
            (None, _) => {}
        }
        tasks.push(Task::BranchElse { value });
        if value {
            tasks.push(Task::VisitBlock(&if_expr.then_branch));
        } else {
            tasks.push(Task::ExecBlock(&if_expr.then_branch));
        }
        tasks.push(Task::BranchStart { value });
        tasks.push(Task::VisitCond(&if_expr.cond));
    }

    pub(super) fn branch_start(&mut self, _value: bool) {
        let cond = self.pop();
        let branch = self.branches.len();
        self.branches.push(Branch {
            cond,
            guard: self.guard,
        });
        for then in [true, false] {
            self.arms.push(Arm { branch, then });
        }
        self.open.push(OpenBranch {
            branch,
            before: self.scope.clone(),
            then_scope: None,
            then_value: None,
        });
        self.guard = Some(self.arm_of(branch, true));
    }

    pub(super) fn branch_else(&mut self, value: bool) {
        let then_value = value.then(|| self.pop());
        let Some(open) = self.open.last_mut() else {
            return;
        };
        open.then_value = then_value;
        open.then_scope = Some(std::mem::replace(&mut self.scope, open.before.clone()));
        let branch = open.branch;
        self.guard = Some(self.arm_of(branch, false));
    }

    pub(super) fn branch_end(&mut self, value: bool) {
        let else_value = value.then(|| self.pop());
        let Some(open) = self.open.pop() else {
            return;
        };
        let branch = open.branch;
        self.guard = self.branches[branch].guard;
        let then_scope = open.then_scope.unwrap_or_else(|| open.before.clone());
        // The bindings from before the branch that an arm assigned to.
        for k in 0..open.before.len() {
            let (then_values, else_values) = (then_scope.values_at(k), self.scope.values_at(k));
            if then_values == else_values {
                continue;
            }
            let merged: Vec<_> = then_values
                .iter()
                .zip(&else_values)
                .map(|(&t, &e)| if t == e { t } else { self.select(branch, t, e) })
                .collect();
            self.scope.set_values_at(k, &merged);
        }
        if let (Some(t), Some(e)) = (open.then_value, else_value) {
            let v = self.select(branch, t, e);
            self.stack.push(v);
        }
    }

    fn select(&mut self, branch: usize, then: usize, otherwise: usize) -> usize {
        let active = self.values[then].active || self.values[otherwise].active;
        let def = Def::Select {
            branch,
            then,
            otherwise,
        };
        self.value(def, Type::Float, active)
    }

    fn arm_of(&self, branch: usize, then: bool) -> usize {
        crate::ir::arm_id(branch, then)
    }

    /// A condition: comparisons of values combined with `&& || !`; parts known at
    /// expansion are constants.
    pub(super) fn visit_cond(&mut self, expr: &'a Expr, tasks: &mut Vec<Task<'a>>) {
        match konst::eval(expr, &self.scope) {
            Ok(Some(Const::Bool(b))) => {
                let v = self.value(
                    Def::Cond {
                        op: CondOp::Const(b),
                        args: Vec::new(),
                    },
                    Type::Bool,
                    false,
                );
                self.stack.push(v);
                return;
            }
            Err(e) => {
                self.errors.push(e);
                self.cond_placeholder();
                return;
            }
            _ => {}
        }
        match expr {
            Expr::Paren(p) => tasks.push(Task::VisitCond(&p.expr)),
            Expr::Group(g) => tasks.push(Task::VisitCond(&g.expr)),
            Expr::Binary(binary) => {
                let op = match binary.op {
                    BinOp::Lt(_) => CondOp::Lt,
                    BinOp::Le(_) => CondOp::Le,
                    BinOp::Gt(_) => CondOp::Gt,
                    BinOp::Ge(_) => CondOp::Ge,
                    BinOp::Eq(_) => CondOp::Eq,
                    BinOp::Ne(_) => CondOp::Ne,
                    BinOp::And(_) => CondOp::And,
                    BinOp::Or(_) => CondOp::Or,
                    _ => return self.not_a_condition(expr),
                };
                tasks.push(Task::Cond(op, 2));
                if let CondOp::And | CondOp::Or = op {
                    tasks.push(Task::VisitCond(&binary.right));
                    tasks.push(Task::VisitCond(&binary.left));
                } else {
                    tasks.push(Task::Visit(&binary.right));
                    tasks.push(Task::Visit(&binary.left));
                }
            }
            Expr::Unary(unary) if matches!(unary.op, UnOp::Not(_)) => {
                tasks.push(Task::Cond(CondOp::Not, 1));
                tasks.push(Task::VisitCond(&unary.expr));
            }
            _ => self.not_a_condition(expr),
        }
    }

    fn not_a_condition(&mut self, expr: &Expr) {
        self.errors.error(
            expr,
            "a condition compares values with `<`, `<=`, `>`, `>=`, `==` or `!=`, and \
             combines comparisons with `&&`, `||` and `!`",
        );
        self.cond_placeholder();
    }

    fn cond_placeholder(&mut self) {
        let v = self.value(
            Def::Cond {
                op: CondOp::Const(false),
                args: Vec::new(),
            },
            Type::Bool,
            false,
        );
        self.stack.push(v);
    }
}
