//! Names for generated locals: readable (`t0`, `d_x`, the user's own `let` names), unique
//! among themselves and distinct from the inputs, so the generated code and the derivation
//! text use the same names.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Ident, Span};

use crate::ir::{Def, Program, Type, ValueId};

/// Hands out names no other generated local or input has.
pub struct Names {
    taken: HashSet<String>,
    /// For each base handed out, the suffix to try next, so that a name used ten
    /// thousand times (a mutable local in an unrolled loop) costs no more each time.
    next: HashMap<String, usize>,
}

impl Names {
    pub fn new() -> Self {
        Names {
            taken: HashSet::new(),
            next: HashMap::new(),
        }
    }

    /// `base` if it is free, else `base_2`, `base_3`, ...
    pub fn fresh(&mut self, base: &str) -> String {
        let mut name = base.to_owned();
        let k = self.next.entry(base.to_owned()).or_insert(2);
        while self.taken.contains(&name) {
            name = format!("{base}_{k}");
            *k += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// The name of every value, plus the names of the other generated locals.
pub struct ValueNames {
    /// By value id: inputs keep their own names; literals have none (they are inlined).
    pub values: Vec<Option<String>>,
    /// Auxiliary values saved by `sigmoid` and `softplus`, and the pullbacks of calls of
    /// `#[differentiable]` functions, by value id.
    pub aux: Vec<Option<String>>,
    /// The derivation's name of each element of an array parameter (`x[1]`), by value id.
    display: Vec<Option<String>>,
    /// The adjoint of each active value, by value id.
    pub adjoints: Vec<Option<String>>,
    /// Field names of the captured constants, by index.
    pub captured: Vec<String>,
    pub dout: String,
    pub graph: String,
    pub inputs: String,
    allocator: Names,
}

impl ValueNames {
    pub fn new(program: &Program) -> Self {
        let mut names = Names::new();
        for param in &program.params {
            names.fresh(&unraw(&param.ident));
        }
        let dout = names.fresh("dout");
        let graph = names.fresh("graph");
        let inputs = names.fresh("inputs");
        // Unnamed constants are numbered by type: `c0, c1, ...` and `n0, n1, ...`.
        let (mut floats, mut ints) = (0, 0);
        let captured: Vec<String> = program
            .captured
            .iter()
            .map(|c| match (&c.ident, c.ty) {
                // Lowercase: a captured name is a use of an item such as `const K`, and a
                // local of the same name would be read as a pattern matching that constant.
                (Some(ident), _) => names.fresh(&not_keyword(unraw(ident).to_ascii_lowercase())),
                (None, Type::Float | Type::Opaque(..)) => {
                    floats += 1;
                    names.fresh(&format!("c{}", floats - 1))
                }
                (None, Type::Int | Type::Bool) => {
                    ints += 1;
                    names.fresh(&format!("n{}", ints - 1))
                }
            })
            .collect();
        let mut values = Vec::with_capacity(program.values.len());
        let mut aux = Vec::with_capacity(program.values.len());
        let mut temps = 0;
        let mut conds = 0;
        for (v, value) in program.values.iter().enumerate() {
            let suffix = if matches!(value.def, Def::Call { .. }) {
                "pb"
            } else {
                "e"
            };
            let (name, has_aux) = match &value.def {
                Def::Input(k) => {
                    let input = &program.inputs[*k];
                    let param = &program.params[input.param];
                    let name = if param.shape.is_empty() {
                        unraw(&param.ident)
                    } else {
                        // An element of an array parameter, `x[1][2]` as `x_1_2`.
                        let mut name = unraw(&param.ident);
                        for i in &input.index {
                            name.push_str(&format!("_{i}"));
                        }
                        names.fresh(&name)
                    };
                    (Some(name), false)
                }
                Def::Literal(_) | Def::IntLiteral(_) => (None, false),
                Def::Captured(k) => (Some(captured[*k].clone()), false),
                Def::Cond { .. } => {
                    conds += 1;
                    (Some(names.fresh(&format!("cond{}", conds - 1))), false)
                }
                Def::Op { .. } | Def::Select { .. } | Def::Call { .. } | Def::Output { .. } => {
                    // A call's "auxiliary value" is the callee's pullback.
                    let has_aux = match &value.def {
                        Def::Op { info, .. } => info.signature.has_aux(),
                        Def::Call { .. } => true,
                        _ => false,
                    };
                    let name = if v == program.output {
                        names.fresh("out")
                    } else if let Some(user) = &value.name {
                        names.fresh(&not_keyword(user.clone()))
                    } else {
                        temps += 1;
                        names.fresh(&format!("t{}", temps - 1))
                    };
                    (Some(name), has_aux)
                }
            };
            aux.push(
                has_aux
                    .then(|| {
                        name.as_deref()
                            .map(|n| names.fresh(&format!("{n}_{suffix}")))
                    })
                    .flatten(),
            );
            values.push(name);
        }
        let adjoints = (0..program.values.len())
            .map(|v| {
                let value = &program.values[v];
                match (&values[v], value.active) {
                    _ if v == program.output => Some(dout.clone()),
                    (Some(name), true) => Some(names.fresh(&format!("d_{name}"))),
                    _ => None,
                }
            })
            .collect();
        let display = program
            .values
            .iter()
            .map(|value| match value.def {
                Def::Input(k) if !program.inputs[k].index.is_empty() => Some(program.input_name(k)),
                _ => None,
            })
            .collect();
        ValueNames {
            display,
            values,
            aux,
            adjoints,
            captured,
            dout,
            graph,
            inputs,
            allocator: names,
        }
    }

    /// A further generated local, such as a tuple of partial derivatives.
    pub fn fresh(&mut self, base: &str) -> String {
        self.allocator.fresh(base)
    }

    pub fn value(&self, v: ValueId) -> &str {
        self.values[v].as_deref().unwrap_or("_")
    }

    /// How value `v` reads in the derivation: its name, or for an element of an array
    /// parameter the element as written, `x[1]`.
    pub fn display(&self, v: ValueId) -> &str {
        self.display[v].as_deref().unwrap_or_else(|| self.value(v))
    }

    /// How the adjoint of `v` reads in the derivation: `d_x[1]` for an element.
    pub fn display_adjoint(&self, v: ValueId) -> String {
        match &self.display[v] {
            Some(display) if self.adjoints[v].is_some() => format!("d_{display}"),
            _ => self.adjoint(v).to_owned(),
        }
    }

    pub fn adjoint(&self, v: ValueId) -> &str {
        self.adjoints[v].as_deref().unwrap_or("_")
    }
}

/// An identifier's text without the `r#` of a raw identifier.
pub fn unraw(ident: &Ident) -> String {
    let text = ident.to_string();
    match text.strip_prefix("r#") {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}

/// A generated local: hygienic, so it can never capture or shadow a user's name.
pub fn local(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// A user's name made usable as a generated local: a keyword (from a raw identifier such
/// as `r#type`) gets a trailing underscore.
fn not_keyword(name: String) -> String {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
        "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
        "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box",
        "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
        "_",
    ];
    if KEYWORDS.contains(&name.as_str()) {
        name + "_"
    } else {
        name
    }
}

/// Whether a path ends in `crate`, `self` or `super`: it names a module, not a constant,
/// and is no value (`0..crate` cannot be written back as a range).
pub fn names_a_module(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|last| matches!(last.ident.to_string().as_str(), "crate" | "self" | "super"))
}
