//! The two spellings of a program: its body as Rust (one text for `grad!` and for the
//! plain closure), and the same program over runtime-graph handles (`Var`), where every
//! local holds a `Var`, `s += e` is `s = s + e`, and a number meets a method that needs a
//! `Var` as `cg.constant(..)`.

use super::prog::{
    Arg, AssignOp, Cmp, Cond, Exponent, Fun, IExpr, Init, Place, Program, Range, RangeForm, Shape,
    Stmt, CONSTS, E, LOOP_VARS,
};

const SUM: u8 = 1;
const PRODUCT: u8 = 2;
/// `i as f64`: tighter than `*`, looser than unary `-`.
const CAST: u8 = 3;
const PREFIX: u8 = 4;
const POSTFIX: u8 = 5;

fn wrap(text: String, prec: u8, needed: u8) -> String {
    if prec < needed {
        format!("({text})")
    } else {
        text
    }
}

/// A method's receiver: `(-x).sin()`, not `-x.sin()`.
fn receiver(text: String, prec: u8) -> String {
    if text.starts_with('-') {
        format!("({text})")
    } else {
        wrap(text, prec, POSTFIX)
    }
}

fn int(e: &IExpr, p: &Program) -> (String, u8) {
    match e {
        IExpr::Lit(n) => (n.to_string(), POSTFIX),
        IExpr::Var(d) => (LOOP_VARS[*d].to_owned(), POSTFIX),
        IExpr::Len(k) => (format!("{}.len()", p.params[*k].name), POSTFIX),
        IExpr::Add(a, b) | IExpr::Sub(a, b) | IExpr::Mul(a, b) => {
            let (symbol, prec) = match e {
                IExpr::Add(..) => ("+", SUM),
                IExpr::Sub(..) => ("-", SUM),
                _ => ("*", PRODUCT),
            };
            let (a, pa) = int(a, p);
            let (b, pb) = int(b, p);
            (
                format!("{} {symbol} {}", wrap(a, pa, prec), wrap(b, pb, prec + 1)),
                prec,
            )
        }
        IExpr::Rem(a, n) => {
            let (a, pa) = int(a, p);
            (format!("{} % {n}", wrap(a, pa, POSTFIX)), PRODUCT)
        }
    }
}

fn indices(index: &[IExpr], p: &Program) -> String {
    index.iter().map(|i| format!("[{}]", int(i, p).0)).collect()
}

fn place(place: Place, p: &Program) -> &str {
    match place {
        Place::Param(k) => p.params[k].name,
        Place::Local(l) => &p.locals[l].name,
        Place::Const(c) => CONSTS[c].0,
    }
}

fn range(r: &Range, p: &Program) -> String {
    let dots = if r.inclusive { "..=" } else { ".." };
    let text = format!("{}{dots}{}", int(&r.lo, p).0, int(&r.hi, p).0);
    match r.form {
        RangeForm::Plain => text,
        RangeForm::Rev => format!("({text}).rev()"),
        RangeForm::Step(k) => format!("({text}).step_by({k})"),
    }
}

/// An expression; with `graph`, over `Var` handles, where the flag says whether the text
/// is a `Var` (else a plain `f64`).
fn expr(e: &E, p: &Program, graph: bool) -> (String, u8, bool) {
    match e {
        E::Lit(text) => ((*text).to_owned(), POSTFIX, false),
        E::Read(at, index) => (
            format!("{}{}", place(*at, p), indices(index, p)),
            POSTFIX,
            !matches!(at, Place::Const(_)),
        ),
        E::LoopVal(i) => {
            let (i, pi) = int(i, p);
            (format!("{} as f64", wrap(i, pi, POSTFIX)), CAST, false)
        }
        E::Bin(op, a, b) => {
            let prec = match op.symbol() {
                "+" | "-" => SUM,
                _ => PRODUCT,
            };
            let (a, pa, va) = expr(a, p, graph);
            let (b, pb, vb) = expr(b, p, graph);
            let text = format!(
                "{} {} {}",
                wrap(a, pa, prec),
                op.symbol(),
                wrap(b, pb, prec + 1)
            );
            (text, prec, va || vb)
        }
        E::Neg(a) => {
            let (a, pa, va) = expr(a, p, graph);
            let text = if pa < PREFIX || a.starts_with('-') {
                format!("-({a})")
            } else {
                format!("-{a}")
            };
            (text, PREFIX, va)
        }
        E::Call(f, a) => {
            let (a, pa, va) = expr(a, p, graph);
            if p.function_form && !(graph && va) && matches!(f, Fun::Sigmoid | Fun::Softplus) {
                // Not methods of `f64`: `backprop::rules`' functions, imported (methods of
                // a graph handle).
                return (format!("{}({a})", f.name()), POSTFIX, va);
            }
            (format!("{}.{}()", receiver(a, pa), f.name()), POSTFIX, va)
        }
        E::Apply(k, args) => {
            let args: Vec<String> = args.iter().map(|a| arg(a, p, graph)).collect();
            let name = &p.callees[*k];
            let name = if graph {
                format!("{name}_ref")
            } else {
                name.clone()
            };
            (format!("{name}({})", args.join(", ")), POSTFIX, true)
        }
        E::Powi(a, n) => {
            let (a, pa, va) = expr(a, p, graph);
            let n = match n {
                Exponent::Lit(n) => n.to_string(),
                Exponent::Loop(i) => format!("{} as i32", wrap(int(i, p).0, int(i, p).1, POSTFIX)),
            };
            (format!("{}.powi({n})", receiver(a, pa)), POSTFIX, va)
        }
        E::MulAdd(a, b, c) => {
            let parts = [a, b, c].map(|x| expr(x, p, graph));
            let is_var = parts.iter().any(|x| x.2);
            let [a, b, c] = parts.map(|(text, prec, v)| {
                if graph && is_var && !v {
                    (format!("cg.constant({text})"), POSTFIX)
                } else {
                    (text, prec)
                }
            });
            (
                format!("{}.mul_add({}, {})", receiver(a.0, a.1), b.0, c.0),
                POSTFIX,
                is_var,
            )
        }
    }
}

/// An argument of a call; over `Var` handles, each scalar a `Var`.
fn arg(a: &Arg, p: &Program, graph: bool) -> String {
    match a {
        Arg::Scalar(e) if graph => as_var(e, p),
        Arg::Scalar(e) => expr(e, p, false).0,
        Arg::Whole(at) => place(*at, p).to_owned(),
        Arg::List(items) => {
            let items: Vec<String> = items.iter().map(|a| arg(a, p, graph)).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// An expression over `Var` handles that must be a `Var`.
fn as_var(e: &E, p: &Program) -> String {
    let (text, _, is_var) = expr(e, p, true);
    if is_var {
        text
    } else {
        format!("cg.constant({text})")
    }
}

fn cond(c: &Cond, p: &Program, graph: bool) -> String {
    match c {
        Cond::Static(a, cmp, b) => {
            format!("{} {} {}", int(a, p).0, cmp.symbol(), int(b, p).0)
        }
        Cond::Runtime(a, cmp, b) => {
            let side = |e: &E| {
                let (text, prec, is_var) = expr(e, p, graph);
                if graph && is_var {
                    format!("{}.value()", receiver(text, prec))
                } else if prec == CAST
                    || (text.ends_with(" as f64") && matches!(cmp, Cmp::Lt | Cmp::Le))
                {
                    // `i as f64 < 0.5` (or `s + i as f64 < 0.5`) reads `<` as the start of
                    // generic arguments.
                    format!("({text})")
                } else {
                    text
                }
            };
            format!("{} {} {}", side(a), cmp.symbol(), side(b))
        }
    }
}

fn block(stmts: &[Stmt], p: &Program, graph: bool, out: &mut String) {
    for s in stmts {
        stmt(s, p, graph, out);
    }
}

fn stmt(s: &Stmt, p: &Program, graph: bool, out: &mut String) {
    match s {
        Stmt::Let { local, init } => {
            let l = &p.locals[*local];
            let mutable = if l.mutable { "mut " } else { "" };
            let ty = match (l.annotated && !graph, l.len) {
                (false, _) => String::new(),
                (true, None) => ": f64".to_owned(),
                (true, Some(n)) => format!(": [f64; {n}]"),
            };
            let value = match (init, graph) {
                (Init::Scalar(e), false) => expr(e, p, false).0,
                (Init::Scalar(e), true) => as_var(e, p),
                (Init::Zeros(n), false) => format!("[0.0; {n}]"),
                (Init::Zeros(n), true) => format!("[cg.constant(0.0); {n}]"),
                (Init::List(es), _) => {
                    let items: Vec<String> = es
                        .iter()
                        .map(|e| {
                            if graph {
                                as_var(e, p)
                            } else {
                                expr(e, p, false).0
                            }
                        })
                        .collect();
                    format!("[{}]", items.join(", "))
                }
            };
            out.push_str(&format!("let {mutable}{}{ty} = {value};\n", l.name));
        }
        Stmt::Assign {
            local,
            index,
            op,
            value,
        } => {
            let target = format!(
                "{}{}",
                p.locals[*local].name,
                index
                    .as_ref()
                    .map(|i| format!("[{}]", int(i, p).0))
                    .unwrap_or_default()
            );
            if !graph {
                let value = expr(value, p, false).0;
                out.push_str(&format!("{target} {} {value};\n", op.symbol()));
            } else if *op == AssignOp::Set {
                out.push_str(&format!("{target} = {};\n", as_var(value, p)));
            } else {
                let bin = op.bin().expect("a compound assignment");
                let needed = if matches!(*op, AssignOp::Add) {
                    SUM
                } else {
                    PRODUCT
                } + 1;
                let needed = if matches!(*op, AssignOp::Sub) {
                    PRODUCT
                } else {
                    needed
                };
                let (value, prec, _) = expr(value, p, true);
                out.push_str(&format!(
                    "{target} = {target} {} {};\n",
                    bin.symbol(),
                    wrap(value, prec, needed)
                ));
            }
        }
        Stmt::For {
            depth,
            range: r,
            body,
        } => {
            out.push_str(&format!(
                "for {} in {} {{\n",
                LOOP_VARS[*depth],
                range(r, p)
            ));
            block(body, p, graph, out);
            out.push_str("}\n");
        }
        Stmt::If {
            cond: c,
            then,
            otherwise,
        } => {
            out.push_str(&format!("if {} {{\n", cond(c, p, graph)));
            block(then, p, graph, out);
            if let Some(otherwise) = otherwise {
                out.push_str("} else {\n");
                block(otherwise, p, graph, out);
            }
            out.push_str("}\n");
        }
    }
}

/// `x: [f64; 4], w: [[f64; 3]; 2], c: f64`.
pub fn parameters(p: &Program) -> String {
    let params: Vec<String> = p
        .params
        .iter()
        .map(|q| format!("{}: {}", q.name, shape_type(q.shape)))
        .collect();
    params.join(", ")
}

pub fn shape_type(shape: Shape) -> String {
    match shape {
        Shape::Scalar => "f64".to_owned(),
        Shape::Vector(n) => format!("[f64; {n}]"),
        Shape::Matrix(r, c) => format!("[[f64; {c}]; {r}]"),
    }
}

/// The body, statements and result, as Rust: the same text inside `grad!` and in the
/// plain closure.
pub fn body(p: &Program) -> String {
    let mut out = String::new();
    block(&p.body, p, false, &mut out);
    out.push_str(&expr(&p.result, p, false).0);
    out
}

/// The program as a `GraphFn` over the flat inputs.
pub fn reference(p: &Program) -> String {
    let mut code = String::new();
    let mut flat = 0;
    let mut pattern = Vec::new();
    for q in &p.params {
        let mut names = |count: usize| -> Vec<String> {
            let names: Vec<String> = (flat..flat + count).map(|k| format!("p{k}")).collect();
            flat += count;
            pattern.extend(names.iter().cloned());
            names
        };
        let value = match q.shape {
            Shape::Scalar => names(1).remove(0),
            Shape::Vector(n) => format!("[{}]", names(n).join(", ")),
            Shape::Matrix(r, c) => {
                let rows: Vec<String> = (0..r)
                    .map(|_| format!("[{}]", names(c).join(", ")))
                    .collect();
                format!("[{}]", rows.join(", "))
            }
        };
        code.push_str(&format!("let {} = {value};\n", q.name));
    }
    let mut rest = String::new();
    block(&p.body, p, true, &mut rest);
    rest.push_str(&as_var(&p.result, p));
    if rest.contains("cg.") {
        code.push_str("let cg = p0.graph();\n");
    }
    code.push_str(&rest);
    let names: Vec<String> = p.input_names().iter().map(|n| format!("{n:?}")).collect();
    format!(
        "GraphFn::<f64, _, {}>::new([{}], |[{}]| {{ {code} }})",
        p.arity(),
        names.join(", "),
        pattern.join(", ")
    )
}

/// A function's parameter over graph handles: `[Var<'g, f64>; 3]`.
pub fn var_type(shape: Shape) -> String {
    match shape {
        Shape::Scalar => "Var<'g, f64>".to_owned(),
        Shape::Vector(n) => format!("[Var<'g, f64>; {n}]"),
        Shape::Matrix(r, c) => format!("[[Var<'g, f64>; {c}]; {r}]"),
    }
}

/// The program as a function over graph handles, `{name}_ref`, which a reference that
/// calls `name` calls.
pub fn function_reference(p: &Program, name: &str) -> String {
    let params: Vec<String> = p
        .params
        .iter()
        .map(|q| format!("{}: {}", q.name, var_type(q.shape)))
        .collect();
    let mut rest = String::new();
    block(&p.body, p, true, &mut rest);
    rest.push_str(&as_var(&p.result, p));
    let mut code = String::new();
    if rest.contains("cg.") {
        let first = &p.params[0];
        let zeros = "[0]".repeat(first.shape.dims().len());
        code.push_str(&format!("let cg = {}{zeros}.graph();\n", first.name));
    }
    code.push_str(&rest);
    format!(
        "fn {name}_ref<'g>({}) -> Var<'g, f64> {{ {code} }}",
        params.join(", ")
    )
}
