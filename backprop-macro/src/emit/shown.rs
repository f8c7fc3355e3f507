//! The derivation of a loop's body, as the loop reads it: the body's inputs that stand
//! for elements, data, invariants and counters shown as they are written (`x[i + 1]`,
//! `xs[i]`, `c[1]`, `i as f64`), and the lines of the gradients the loop drops not shown.

use crate::ir::Rolled;

/// What `derivation()` shows of a loop that stays a loop: how it runs, and one
/// iteration, its body's derivation (as [`rolled_body`] shows it; with several states,
/// one for each state's new value) and its inner sums' (`inner`).
pub fn rolled_derivation(rolled: &Rolled, body_texts: &[String], inner: &str) -> String {
    // A recurrence's body takes the old states first.
    let shift = rolled.states();
    let names: Vec<String> = rolled.body.params[..shift]
        .iter()
        .map(|p| format!("`{}`", crate::names::unraw(&p.ident)))
        .collect();
    let how = if rolled.carried {
        format!(
            "the backward pass runs its iterations in reverse, adding each one's gradient \
             into the arrays at the loop variable's indices, and carrying the adjoint of \
             {} from each iteration back to the one before",
            names.join(" and ")
        )
    } else {
        "the forward pass adds each term's gradient into the arrays at the loop \
         variable's indices as it goes, and the backward pass scales those sums by the \
         adjoint"
            .to_owned()
    };
    let inputs: Vec<String> = rolled
        .body
        .params
        .iter()
        .take(shift)
        .map(|p| crate::names::unraw(&p.ident))
        .chain(rolled.gathers.iter().map(|g| g.3.clone()))
        .chain(
            rolled
                .invariants
                .iter()
                .take(rolled.body_invariants)
                .cloned(),
        )
        .chain(rolled.inner.iter().map(|sum| sum.name.clone()))
        .chain(rolled.data.iter().cloned())
        .chain(rolled.counters.iter().map(|c| c.1.clone()))
        .collect();
    let inputs = inputs.join(", ");
    let bodies: String = if shift > 1 {
        body_texts
            .iter()
            .zip(&names)
            .map(|(text, name)| {
                let name = name.trim_matches('`');
                format!("  {name} = body({inputs})\n{}\n", indent(text))
            })
            .collect()
    } else {
        format!("  e = body({inputs})\n{}", indent(&body_texts[0]))
    };
    format!(
        "{}, kept a loop: {how}. One iteration:\n{}{inner}",
        rolled.text,
        bodies.trim_end_matches('\n'),
    )
}

/// The derivation `text` of `rolled`'s body, as the loop reads it.
pub fn rolled_body(rolled: &Rolled, text: String) -> String {
    let body = &rolled.body;
    // A recurrence's body takes the old states first.
    let shift = rolled.states();
    let data_first = shift + rolled.gathers.len() + rolled.body_invariants + rolled.inner.len();
    let shown: Vec<(String, &str)> =
        rolled
            .gathers
            .iter()
            .map(|(_, _, ident, text)| (ident.to_string(), text.as_str()))
            .chain(
                rolled.data.iter().enumerate().map(|(k, text)| {
                    (body.params[data_first + k].ident.to_string(), text.as_str())
                }),
            )
            .chain(
                rolled
                    .invariants
                    .iter()
                    .take(rolled.body_invariants)
                    .enumerate()
                    .map(|(k, text)| {
                        let ident = &body.params[shift + rolled.gathers.len() + k].ident;
                        (ident.to_string(), text.as_str())
                    }),
            )
            .chain(rolled.counters.iter().enumerate().map(|(k, (_, text))| {
                let ident = &body.params[data_first + rolled.data.len() + k].ident;
                (ident.to_string(), text.as_str())
            }))
            .collect();
    // Data and the loop variable as a number are constants of the loop: the body's
    // gradients by them, which the loop drops, are not shown.
    let constants: Vec<&str> = rolled
        .data
        .iter()
        .chain(rolled.counters.iter().map(|c| &c.1))
        .map(String::as_str)
        .collect();
    replace(text, shown, &constants)
}

/// `text` with each generated name of `shown` replaced by how it reads, and without the
/// lines that compute the gradients by `constants`.
pub fn replace(mut text: String, mut shown: Vec<(String, &str)>, constants: &[&str]) -> String {
    // Longest first, so that `__backprop_elem1` does not replace part of
    // `__backprop_elem10`.
    shown.sort_by_key(|(ident, _)| std::cmp::Reverse(ident.len()));
    for (ident, read) in shown {
        text = text.replace(&ident, read);
    }
    let dropped: Vec<String> = constants.iter().map(|c| format!("d_{c} ")).collect();
    text.lines()
        .filter(|line| {
            !dropped
                .iter()
                .any(|d| line.trim_start().starts_with(d.as_str()))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` with each line indented by four spaces.
pub fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}
