//! One case of the corpus: the input form, the inputs and their values, optional `let`
//! bindings, the expression, and the captured constants' values.

use crate::expr::{Const, Consts, Elem, Node};
use crate::gen::Gen;
use crate::rng::Rng;
use crate::screen;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `grad!(expr)`: every plain identifier is an input, in order of first appearance.
    Expression,
    /// `grad!(|w, b| body)`: the parameters are the inputs; other names are constants.
    Closure,
}

pub struct Binding {
    pub name: &'static str,
    /// Written `let name: T = ...`.
    pub annotated: bool,
    pub value: Node,
}

pub struct Case {
    pub form: Form,
    pub elem: Elem,
    /// Input names as written (`r#type` included), in argument order.
    pub inputs: Vec<&'static str>,
    /// The closure parameters' type annotations.
    pub annotations: Vec<Option<Elem>>,
    /// The closure is written `|..| -> T { .. }`.
    pub return_annotation: bool,
    /// The body is written as a block.
    pub block: bool,
    pub lets: Vec<Binding>,
    pub body: Node,
    /// The evaluation point, exact in the element type.
    pub point: Vec<f64>,
    pub consts: Consts,
}

/// Input names, some of them spelled like the macro's own generated locals (`t0`, `d_x`,
/// `out`, `dout`, `graph`, `inputs`) to exercise its hygiene, and one raw identifier.
const INPUT_NAMES: &[&str] = &[
    "x", "y", "z", "w", "b", "u", "v", "a1", "theta", "x2", "alpha", "t0", "d_x", "out", "dout",
    "graph", "inputs", "value", "r#type", "saved",
];
/// `let` names; some equal input names, so a binding sometimes shadows a parameter.
const LET_NAMES: &[&str] = &["a", "h", "s", "t0", "out", "d_x", "tmp"];
const CONST_VALUES: &[f64] = &[0.5, -0.5, 0.75, -0.75, 1.25, -1.25, 2.0, 0.3, -1.5, 1.75];

impl Case {
    /// The roots of the case: each binding's value, then the body.
    pub fn roots(&self) -> impl Iterator<Item = &Node> {
        self.lets
            .iter()
            .map(|b| &b.value)
            .chain(std::iter::once(&self.body))
    }

    pub fn depth(&self) -> usize {
        self.roots().map(Node::depth).max().unwrap_or(1)
    }

    pub fn any_node(&self, pred: impl Fn(&Node) -> bool) -> bool {
        let mut found = false;
        for root in self.roots() {
            root.walk(&mut |n| found |= pred(n));
        }
        found
    }

    pub fn uses_const(&self, c: Const) -> bool {
        self.any_node(|n| matches!(n, Node::Const(d) if *d == c))
    }

    pub fn uses_named_exponent(&self) -> bool {
        self.any_node(|n| {
            matches!(
                n,
                Node::Op {
                    named_exponent: true,
                    ..
                }
            )
        })
    }

    pub fn used_inputs(&self) -> Vec<bool> {
        (0..self.inputs.len())
            .map(|k| self.any_node(|n| matches!(n, Node::Input(j) if *j == k)))
            .collect()
    }

    /// Whether some binding has the name of an earlier one.
    pub fn shadows(&self) -> bool {
        self.lets.iter().enumerate().any(|(j, b)| {
            self.lets[..j].iter().any(|a| a.name == b.name) || self.inputs.contains(&b.name)
        })
    }
}

/// The name an input reports through `inputs()`: without `r#`.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// A case that passed the screen.
pub fn generate(rng: &mut Rng) -> Case {
    loop {
        if let Some(case) = attempt(rng) {
            if screen::passes(&case) {
                return case;
            }
        }
    }
}

fn round(elem: Elem, v: f64) -> f64 {
    match elem {
        Elem::F64 => v,
        #[allow(clippy::cast_possible_truncation)]
        Elem::F32 => f64::from(v as f32),
    }
}

fn attempt(rng: &mut Rng) -> Option<Case> {
    let form = if rng.chance(0.7) {
        Form::Closure
    } else {
        Form::Expression
    };
    let closure = form == Form::Closure;
    let elem = if closure && rng.chance(0.4) {
        Elem::F32
    } else {
        Elem::F64
    };
    let count = 1 + rng.below(4);
    let mut names: Vec<&'static str> = Vec::new();
    while names.len() < count {
        let name = *rng.pick(INPUT_NAMES);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let point: Vec<f64> = names
        .iter()
        .map(|_| loop {
            let v = ((rng.unit() * 5.0 - 2.5) * 100.0).round() / 100.0;
            if v.abs() >= 0.1 {
                break round(elem, v);
            }
        })
        .collect();
    let constant = |rng: &mut Rng| round(elem, *rng.pick(CONST_VALUES));
    let consts = Consts {
        k: constant(rng),
        xs: [constant(rng), constant(rng), constant(rng)],
        i: rng.below(3),
        scale: constant(rng),
        shift: constant(rng),
        n: *rng.pick(&[2, 3, -1, -2]),
    };
    let mut g = Gen::new(rng, elem, closure, point, consts);

    let mut lets: Vec<Binding> = Vec::new();
    if closure && g.rng.chance(0.45) {
        let count = 1 + g.rng.below(3);
        for j in 0..count {
            let shadow = j > 0 && g.rng.chance(0.4);
            let name = if shadow {
                lets[j - 1].name
            } else {
                *g.rng.pick(LET_NAMES)
            };
            g.visible = visible(&lets);
            g.hidden = hidden(&names, &lets);
            let budget = 2 + g.rng.below(5);
            let mut value = g.operation_root(budget);
            // A shadowing binding reads the one it hides, as in `let a = a.tanh();`.
            for _ in 0..20 {
                if !shadow || mentions(&value, j - 1) {
                    break;
                }
                value = g.operation_root(budget);
            }
            if shadow && !mentions(&value, j - 1) {
                return None;
            }
            let v = g.value(&value)?;
            g.lets.push(v);
            let annotated = g.rng.chance(0.2);
            lets.push(Binding {
                name,
                annotated,
                value,
            });
        }
        g.visible = visible(&lets);
        g.hidden = hidden(&names, &lets);
    }
    let budget = 2 + g.rng.below(5);
    let body = g.operation_root(budget);
    g.value(&body)?;

    // Every binding is read later (an unread one would warn in the reference code).
    for j in 0..lets.len() {
        let later = lets[j + 1..].iter().any(|b| mentions(&b.value, j)) || mentions(&body, j);
        if !later {
            return None;
        }
    }
    let mut active = Vec::new();
    for b in &lets {
        active.push(depends(&b.value, &active));
    }
    if !depends(&body, &active) {
        return None;
    }

    let (annotations, return_annotation) = if closure {
        let mut annotations: Vec<Option<Elem>> = Vec::new();
        for _ in &names {
            let p = if elem == Elem::F32 { 0.5 } else { 0.25 };
            annotations.push(g.rng.chance(p).then_some(elem));
        }
        if elem == Elem::F32 && annotations.iter().all(Option::is_none) {
            let k = g.rng.below(annotations.len());
            annotations[k] = Some(elem);
        }
        (annotations, g.rng.chance(0.1))
    } else {
        (Vec::new(), false)
    };
    let block = !lets.is_empty() || return_annotation || (closure && g.rng.chance(0.05));
    let point = g.point.clone();
    let consts = g.consts.clone();
    let mut case = Case {
        form,
        elem,
        inputs: names,
        annotations,
        return_annotation,
        block,
        lets,
        body,
        point,
        consts,
    };
    match form {
        Form::Expression => order_by_appearance(&mut case),
        Form::Closure => {
            // One unused parameter checks its zero gradient; more would be noise.
            if case.used_inputs().iter().filter(|u| !**u).count() > 1 {
                return None;
            }
        }
    }
    Some(case)
}

/// The bindings reachable by name after `lets`: the last of each name.
fn visible(lets: &[Binding]) -> Vec<usize> {
    (0..lets.len())
        .filter(|&j| !lets[j + 1..].iter().any(|b| b.name == lets[j].name))
        .collect()
}

fn hidden(names: &[&str], lets: &[Binding]) -> Vec<bool> {
    names
        .iter()
        .map(|n| lets.iter().any(|b| b.name == *n))
        .collect()
}

fn mentions(node: &Node, binding: usize) -> bool {
    let mut found = false;
    node.walk(&mut |n| found |= matches!(n, Node::Let(j) if *j == binding));
    found
}

fn depends(node: &Node, active_lets: &[bool]) -> bool {
    let mut found = false;
    node.walk(&mut |n| match n {
        Node::Input(_) => found = true,
        Node::Let(j) => found |= active_lets[*j],
        _ => {}
    });
    found
}

/// In expression form the inputs are the identifiers in order of first appearance:
/// renumber them so, and drop names that never appear.
fn order_by_appearance(case: &mut Case) {
    let mut order: Vec<usize> = Vec::new();
    case.body.walk(&mut |n| {
        if let Node::Input(k) = n {
            if !order.contains(k) {
                order.push(*k);
            }
        }
    });
    case.body.walk_mut(&mut |n| {
        if let Node::Input(k) = n {
            *k = order.iter().position(|o| o == k).expect("collected above");
        }
    });
    case.inputs = order.iter().map(|&k| case.inputs[k]).collect();
    case.point = order.iter().map(|&k| case.point[k]).collect();
}
