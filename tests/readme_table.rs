//! The table of operations in the README and in the docs of `grad!` is generated from
//! `backprop::OPS`, the table every part of the library reads, so the two cannot drift.
//!
//! When an operation changes, run `BACKPROP_BLESS=1 cargo test --test readme_table` to
//! rewrite both copies, and read the diff.

use std::path::Path;

use backprop::{OpInfo, Signature, OPS};

const START: &str =
    "<!-- operations table: generated from backprop::OPS by tests/readme_table.rs -->\n";
const END: &str = "<!-- end of operations table -->\n";

/// The files that hold a copy of the table between `START` and `END`.
const COPIES: [&str; 2] = ["README.md", "docs/operations.md"];

/// Text made safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// How the operation is written in `grad!`: the operator, or the method and function forms.
fn written(info: &OpInfo) -> String {
    let params = info.params;
    match info.symbol {
        Some(symbol) if params.len() == 1 => format!("`{symbol}{}`", params[0]),
        Some(symbol) => format!("`{} {symbol} {}`", params[0], params[1]),
        None => format!(
            "`{}.{}({})`, `{}({})`",
            params[0],
            info.name,
            params[1..].join(", "),
            info.name,
            params.join(", ")
        ),
    }
}

/// The local partial derivatives, named by argument when there are several.
fn derivatives(info: &OpInfo) -> String {
    let differentiable = &info.params[..info.signature.arity()];
    if let [_] = differentiable {
        return format!("`{}`", cell(info.derivatives[0]));
    }
    differentiable
        .iter()
        .zip(info.derivatives)
        .map(|(param, d)| format!("by {param}: `{}`", cell(d)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn table() -> String {
    let mut text = String::from(START);
    text.push_str("| operation | written | value | local derivative | at singular points |\n");
    text.push_str("|---|---|---|---|---|\n");
    for info in OPS {
        let value = cell(info.forward);
        let note = if info.signature == Signature::IntPower {
            format!(
                "`n` is an `i32` constant, not differentiated; {}",
                info.convention
            )
        } else {
            info.convention.to_owned()
        };
        text.push_str(&format!(
            "| {} | {} | `{value}` | {} | {} |\n",
            info.name,
            written(info),
            derivatives(info),
            cell(&note)
        ));
    }
    text.push_str(END);
    text
}

#[test]
fn the_documented_tables_match_the_table_of_operations() {
    let expected = table();
    let bless = std::env::var_os("BACKPROP_BLESS").is_some();
    let mut stale = Vec::new();
    for copy in COPIES {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(copy);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{copy}: {e}"));
        let start = text
            .find(START)
            .unwrap_or_else(|| panic!("{copy} lacks the line {START:?}"));
        let end = text[start..]
            .find(END)
            .map(|k| start + k + END.len())
            .unwrap_or_else(|| panic!("{copy} lacks the line {END:?}"));
        if text[start..end] != expected {
            if bless {
                let updated = format!("{}{expected}{}", &text[..start], &text[end..]);
                std::fs::write(&path, updated).unwrap_or_else(|e| panic!("{copy}: {e}"));
            } else {
                stale.push(copy);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "the table of operations in {stale:?} is out of date; rewrite it with \
         `BACKPROP_BLESS=1 cargo test --test readme_table`, or paste:\n\n{expected}"
    );
}

#[test]
fn every_operation_has_one_derivative_per_differentiable_argument() {
    for info in OPS {
        assert_eq!(
            info.derivatives.len(),
            info.signature.arity(),
            "{}",
            info.name
        );
        assert!(info.params.len() >= info.signature.arity(), "{}", info.name);
    }
}
