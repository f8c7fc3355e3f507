//! Statements: `let` and `let mut` of scalars and arrays, assignment and compound
//! assignment, `for` loops unrolled at expansion, and `if`s decided at expansion.

use backprop_core::{Op, OpInfo};
use proc_macro2::Ident;
use syn::{BinOp, Expr};

use super::konst::{self, Const};
use super::scope::Binding;
use super::{Lowerer, Task};
use crate::input::elem_of;
use crate::ir::Def;
use crate::unsupported;

impl<'a> Lowerer<'a, '_> {
    /// Schedules a block in value position: its statements, then its final expression, in
    /// a scope of their own.
    pub(super) fn visit_block(&mut self, block: &'a syn::Block, tasks: &mut Vec<Task<'a>>) {
        let mut scheduled: Vec<Task<'a>> = Vec::new();
        let mut tail: Option<&'a Expr> = None;
        for (k, stmt) in block.stmts.iter().enumerate() {
            let last = k + 1 == block.stmts.len();
            match stmt {
                syn::Stmt::Expr(e, None) if last => tail = Some(e),
                syn::Stmt::Expr(e, Some(_)) if last && !is_statement(e) => {
                    self.errors.push(unsupported::statement_error(stmt, last));
                    // A final expression followed by `;` is still lowered, for its errors.
                    tail = Some(e);
                }
                other => scheduled.push(Task::Exec(other)),
            }
        }
        let Some(tail) = tail.filter(|e| !is_statement(e)) else {
            self.errors.push(syn::Error::new(
                block.brace_token.span.close(),
                "the block must end in an expression, the value to differentiate",
            ));
            tasks.push(Task::EndScope(self.scope.len()));
            tasks.extend(scheduled.into_iter().rev());
            self.placeholder();
            return;
        };
        scheduled.push(Task::Visit(tail));
        tasks.push(Task::EndScope(self.scope.len()));
        tasks.extend(scheduled.into_iter().rev());
    }

    /// Schedules a block in statement position (a loop's body, an arm of an `if`
    /// statement): every statement, in a scope of its own.
    pub(super) fn exec_block(&mut self, block: &'a syn::Block, tasks: &mut Vec<Task<'a>>) {
        tasks.push(Task::EndScope(self.scope.len()));
        for stmt in block.stmts.iter().rev() {
            tasks.push(Task::Exec(stmt));
        }
    }

    pub(super) fn exec(&mut self, stmt: &'a syn::Stmt, tasks: &mut Vec<Task<'a>>) {
        match stmt {
            syn::Stmt::Local(local) => self.exec_let(local, tasks),
            syn::Stmt::Expr(e, _) if is_statement(e) => self.exec_expr(e, tasks),
            syn::Stmt::Expr(e, _) if is_control_flow(e) => self.unsupported(e),
            other => self.errors.push(unsupported::statement_error(other, false)),
        }
    }

    /// An expression in statement position: a loop, an `if`, an assignment or a block.
    pub(super) fn exec_expr(&mut self, expr: &'a Expr, tasks: &mut Vec<Task<'a>>) {
        match expr {
            Expr::ForLoop(for_loop) => self.exec_for(for_loop, tasks),
            Expr::If(if_expr) => self.exec_if(if_expr, tasks),
            Expr::Assign(assign) => {
                tasks.push(Task::Assign {
                    place: &assign.left,
                    op: None,
                });
                tasks.push(Task::Visit(&assign.right));
            }
            Expr::Binary(binary) => {
                let op = match binary.op {
                    BinOp::AddAssign(_) => Op::Add.info(),
                    BinOp::SubAssign(_) => Op::Sub.info(),
                    BinOp::MulAssign(_) => Op::Mul.info(),
                    BinOp::DivAssign(_) => Op::Div.info(),
                    _ => {
                        self.errors.error(
                            binary.op,
                            format!(
                                "compound assignment `{}` is not supported: grad! supports \
                                 `+=`, `-=`, `*=` and `/=`",
                                quote::ToTokens::to_token_stream(&binary.op)
                            ),
                        );
                        return;
                    }
                };
                tasks.push(Task::Assign {
                    place: &binary.left,
                    op: Some(op),
                });
                tasks.push(Task::Visit(&binary.right));
            }
            Expr::Block(block) => tasks.push(Task::ExecBlock(&block.block)),
            Expr::Paren(p) => self.exec_expr(&p.expr, tasks),
            other => self.unsupported(other),
        }
    }

    /// `let x = e;`, `let mut s = e;`, `let h = [a, b];`, `let mut h = [0.0; 3];`.
    fn exec_let(&mut self, local: &'a syn::Local, tasks: &mut Vec<Task<'a>>) {
        let Some((ident, mutable, ty, init)) = unsupported::check_let(local, self.errors) else {
            return;
        };
        let declared = match ty {
            Some(ty) => match self.let_type(ty, mutable) {
                Some(shape) => Some(shape),
                None => return,
            },
            None => None,
        };
        // An array: a literal, a repetition, or a copy of another array.
        let mut leaves = Vec::new();
        let shape = match self.array_literal(init, &mut leaves) {
            Ok(shape) => shape,
            Err(e) => {
                self.errors.push(e);
                return;
            }
        };
        if let Some(declared) = &declared {
            let found = shape.clone().unwrap_or_default();
            if *declared != found && !(declared.is_empty() && shape.is_none()) {
                self.errors.error(
                    init,
                    format!(
                        "the value has the shape {}, but the type says {}",
                        shape_text(&found),
                        shape_text(declared)
                    ),
                );
                return;
            }
        }
        match shape {
            None => {
                tasks.push(Task::Bind { ident, mutable });
                tasks.push(Task::Visit(init));
            }
            Some(shape) => {
                if let Some(Binding::Array { elems, .. }) = array_copy(init, self) {
                    let binding = Binding::Array {
                        shape,
                        elems,
                        mutable,
                        param: false,
                    };
                    self.scope.bind(ident, binding);
                    return;
                }
                tasks.push(Task::BindArray {
                    ident,
                    shape,
                    mutable,
                });
                for leaf in leaves.into_iter().rev() {
                    tasks.push(leaf);
                }
            }
        }
    }

    /// The shape a `let`'s type annotation gives: empty for the element type.
    fn let_type(&mut self, ty: &syn::Type, mutable: bool) -> Option<Vec<usize>> {
        let mut shape = Vec::new();
        let mut inner = ty;
        while let syn::Type::Array(array) = inner {
            match konst::eval(&array.len, &self.scope) {
                Ok(Some(Const::Int(n))) if n > 0 => shape.push(usize::try_from(n).ok()?),
                _ => {
                    self.errors.error(
                        &array.len,
                        "an array's length must be a positive integer literal",
                    );
                    return None;
                }
            }
            inner = &array.elem;
        }
        if elem_of(inner) == Some(self.elem) {
            return Some(shape);
        }
        let text = crate::constant::source_text_of(ty);
        let message = if mutable {
            format!(
                "`{text}` is not supported in `let mut`: the locals of grad! hold `{}` values \
                 or arrays of them, such as `let mut s = 0.0;` or `let mut h = [0.0; 3];`",
                self.elem.name()
            )
        } else {
            format!(
                "`{text}` here, but this grad! computes in `{}`: annotate the `let` with \
                 `{}` or with no type",
                self.elem.name(),
                self.elem.name()
            )
        };
        self.errors.error(ty, message);
        None
    }

    /// The shape of an array initializer, and the tasks that push its elements in
    /// row-major order; `None` for a scalar initializer.
    pub(super) fn array_literal(
        &mut self,
        init: &'a Expr,
        leaves: &mut Vec<Task<'a>>,
    ) -> syn::Result<Option<Vec<usize>>> {
        match init {
            Expr::Array(array) => {
                let mut inner: Option<Vec<usize>> = None;
                for elem in &array.elems {
                    let shape = self.array_literal(elem, leaves)?.unwrap_or_default();
                    if let Some(previous) = &inner {
                        if *previous != shape {
                            return Err(syn::Error::new_spanned(
                                elem,
                                "the rows of an array must all have the same length",
                            ));
                        }
                    }
                    inner = Some(shape);
                }
                if array.elems.is_empty() {
                    return Err(syn::Error::new_spanned(
                        array,
                        "an empty array has no values",
                    ));
                }
                let mut shape = vec![array.elems.len()];
                shape.extend(inner.unwrap_or_default());
                Ok(Some(shape))
            }
            Expr::Repeat(repeat) => {
                let count = match konst::eval(&repeat.len, &self.scope)? {
                    Some(Const::Int(n)) if n > 0 => usize::try_from(n).unwrap_or(0),
                    _ => {
                        return Err(syn::Error::new_spanned(
                            &repeat.len,
                            "the length of `[value; N]` must be a positive integer literal",
                        ))
                    }
                };
                let inner = self
                    .array_literal(&repeat.expr, leaves)?
                    .unwrap_or_default();
                // The element is evaluated once and copied, as Rust does.
                leaves.push(Task::Repeat {
                    count,
                    group: inner.iter().product::<usize>().max(1),
                });
                let mut shape = vec![count];
                shape.extend(inner);
                Ok(Some(shape))
            }
            Expr::Paren(p) => self.array_literal(&p.expr, leaves),
            // A whole array: its elements, which a `let` copying it binds directly and a
            // row of a literal (`[x, b]`) pushes.
            Expr::Path(_) => match array_copy(init, self) {
                Some(Binding::Array { shape, elems, .. }) => {
                    leaves.push(Task::PushAll(elems));
                    Ok(Some(shape))
                }
                _ => {
                    leaves.push(Task::Visit(init));
                    Ok(None)
                }
            },
            other => {
                leaves.push(Task::Visit(other));
                Ok(None)
            }
        }
    }

    /// An `if` in value position: decided at expansion when its condition is.
    pub(super) fn visit_if(&mut self, if_expr: &'a syn::ExprIf, tasks: &mut Vec<Task<'a>>) {
        let Some((_, else_branch)) = &if_expr.else_branch else {
            self.errors.error(
                if_expr.if_token,
                "an `if` without `else` has no value here: add an `else` arm, or assign \
                 mutable locals in it as a statement",
            );
            self.placeholder();
            return;
        };
        match self.condition(&if_expr.cond) {
            Some(Some(true)) => self.visit_block(&if_expr.then_branch, tasks),
            Some(Some(false)) => tasks.push(Task::Visit(else_branch)),
            Some(None) => self.schedule_branch(if_expr, true, tasks),
            None => self.placeholder(),
        }
    }

    /// An `if` statement: decided at expansion when its condition is.
    fn exec_if(&mut self, if_expr: &'a syn::ExprIf, tasks: &mut Vec<Task<'a>>) {
        match self.condition(&if_expr.cond) {
            Some(Some(true)) => tasks.push(Task::ExecBlock(&if_expr.then_branch)),
            Some(Some(false)) => {
                if let Some((_, else_branch)) = &if_expr.else_branch {
                    tasks.push(Task::ExecExpr(else_branch));
                }
            }
            Some(None) => self.schedule_branch(if_expr, false, tasks),
            None => {}
        }
    }

    /// A condition: `Some(Some(b))` where it is known at expansion (loop variables and
    /// literals), `Some(None)` where it is decided at run time, `None` after an error.
    fn condition(&mut self, cond: &Expr) -> Option<Option<bool>> {
        if let Expr::Let(e) = cond {
            self.errors
                .error(e.let_token, "`if let` is not supported in grad!");
            return None;
        }
        match konst::eval(cond, &self.scope) {
            Ok(Some(Const::Bool(b))) => Some(Some(b)),
            Ok(Some(Const::Int(_))) => {
                self.errors.error(
                    cond,
                    "this condition is an integer: compare it, as in `i % 2 == 0`",
                );
                None
            }
            Ok(None) => Some(None),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// Pops the value computed for an assignment and stores it in `place`.
    pub(super) fn assign(&mut self, place: &'a Expr, op: Option<&'static OpInfo>) {
        let rhs = self.pop();
        let target = match place {
            Expr::Path(path) => path.path.get_ident().map(|ident| (ident, None)),
            Expr::Index(_) => match self.place(place) {
                Ok(Some((ident, flat))) => Some((ident, Some(flat))),
                Ok(None) => None,
                Err(e) => {
                    self.errors.push(e);
                    return;
                }
            },
            _ => None,
        };
        let Some((ident, flat)) = target else {
            self.errors.error(
                place,
                "grad! assigns to mutable locals and their elements, such as `s = ...` or \
                 `h[j] = ...`",
            );
            return;
        };
        let old = match (self.scope.get(ident), flat) {
            (
                Some(Binding::Scalar {
                    value,
                    mutable: true,
                    ..
                }),
                None,
            ) => *value,
            (
                Some(Binding::Array {
                    elems,
                    mutable: true,
                    ..
                }),
                Some(flat),
            ) => elems[flat],
            (Some(binding), _) if binding.is_param() => {
                self.errors.error(
                    ident,
                    format!(
                        "`{ident}` is a parameter, and parameters are immutable: copy it into \
                         a local first, as in `let mut h = {ident};`"
                    ),
                );
                return;
            }
            (Some(Binding::Array { .. }), None) => {
                self.errors.error(
                    ident,
                    format!(
                        "assign to the elements of the array `{ident}`, as in `{ident}[0] = ...`"
                    ),
                );
                return;
            }
            (Some(Binding::Loop(_)), _) => {
                self.errors.error(
                    ident,
                    format!("the loop variable `{ident}` cannot be assigned"),
                );
                return;
            }
            (Some(_), _) => {
                self.errors.error(
                    ident,
                    format!(
                        "`{ident}` is immutable: declare it with `let mut {ident}` to assign \
                         to it"
                    ),
                );
                return;
            }
            (None, _) => {
                self.errors.error(
                    ident,
                    format!(
                        "`{ident}` is not a local of this grad!: it can only assign to its own \
                         `let mut` bindings"
                    ),
                );
                return;
            }
        };
        let new = match op {
            Some(op) => {
                self.push_op(op, vec![old, rhs]);
                self.pop()
            }
            None => rhs,
        };
        if let Def::Op { .. } = self.values[new].def {
            self.name_value(new, ident);
        }
        match (self.scope.get_mut(ident), flat) {
            (Some(Binding::Scalar { value, .. }), None) => *value = new,
            (Some(Binding::Array { elems, .. }), Some(flat)) => elems[flat] = new,
            _ => {}
        }
    }

    /// An element of an array of the body: the array's name and the element's row-major
    /// index. `Ok(None)` where the array is not the body's (captured data in the closure
    /// form).
    pub(super) fn place(&mut self, expr: &'a Expr) -> syn::Result<Option<(&'a Ident, usize)>> {
        let mut indices = Vec::new();
        let mut base = expr;
        loop {
            match base {
                Expr::Index(index) => {
                    indices.push(&*index.index);
                    base = &index.expr;
                }
                Expr::Paren(p) => base = &p.expr,
                _ => break,
            }
        }
        indices.reverse();
        let Expr::Path(path) = base else {
            return Ok(None);
        };
        let Some(ident) = path.path.get_ident() else {
            return Ok(None);
        };
        let shape = match self.scope.get(ident) {
            Some(Binding::Array { shape, .. }) => shape.clone(),
            Some(Binding::Named { len, .. }) => {
                return Err(syn::Error::new_spanned(
                    expr,
                    super::leaf::named_read(ident, len),
                ))
            }
            Some(_) => {
                return Err(syn::Error::new_spanned(
                    expr,
                    format!("`{ident}` is not an array, so it cannot be indexed"),
                ))
            }
            None => return Ok(None),
        };
        if indices.len() != shape.len() {
            return Err(syn::Error::new_spanned(
                expr,
                format!(
                    "`{ident}` has {} dimension{}, so an element takes {} index{}",
                    shape.len(),
                    if shape.len() == 1 { "" } else { "s" },
                    shape.len(),
                    if shape.len() == 1 { "" } else { "es" },
                ),
            ));
        }
        let mut flat = 0;
        for (k, (index, &len)) in indices.iter().zip(&shape).enumerate() {
            let n = self.loop_int(index, "an index")?;
            let Ok(n) =
                usize::try_from(n).map_err(|_| ()).and_then(
                    |n| {
                        if n < len {
                            Ok(n)
                        } else {
                            Err(())
                        }
                    },
                )
            else {
                let of = if k == 0 {
                    format!("`{ident}` has length {len}")
                } else {
                    format!("dimension {} of `{ident}` has length {len}", k + 1)
                };
                return Err(syn::Error::new_spanned(
                    index,
                    format!("index {n} is out of bounds: {of}"),
                ));
            };
            flat = flat * len + n;
        }
        Ok(Some((ident, flat)))
    }
}

/// The array an initializer copies, when it names one of the body (`let mut h = x;`).
pub(super) fn array_copy(init: &Expr, lowerer: &Lowerer<'_, '_>) -> Option<Binding> {
    let Expr::Path(path) = init else {
        return None;
    };
    match lowerer.scope.get(path.path.get_ident()?)? {
        binding @ Binding::Array { .. } => Some(binding.clone()),
        _ => None,
    }
}

/// An expression that runs as a statement and has no value: a loop, an `if` without a
/// value, an assignment, a block of statements.
fn is_statement(expr: &Expr) -> bool {
    match expr {
        Expr::ForLoop(_) | Expr::Assign(_) => true,
        Expr::Binary(b) => crate::constant::is_assignment(&b.op),
        Expr::If(i) => i.else_branch.is_none() || block_is_statements(&i.then_branch),
        _ => false,
    }
}

/// Whether a block ends without a value (its last statement has a `;`, or is a loop).
fn block_is_statements(block: &syn::Block) -> bool {
    match block.stmts.last() {
        None => true,
        Some(syn::Stmt::Expr(e, None)) => is_statement(e),
        Some(_) => true,
    }
}

fn is_control_flow(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::While(_)
            | Expr::Loop(_)
            | Expr::Break(_)
            | Expr::Continue(_)
            | Expr::Return(_)
            | Expr::Match(_)
    )
}

fn shape_text(shape: &[usize]) -> String {
    if shape.is_empty() {
        "of a scalar".to_owned()
    } else {
        let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
        format!("[{}]", dims.join(", "))
    }
}
