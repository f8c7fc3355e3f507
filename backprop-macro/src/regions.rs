//! The nesting of run-time branches: items of the flat SSA list (statements of the forward
//! or backward pass, lines of the derivation) grouped into the arms they run in, so every
//! renderer writes real `if`s: the arm not taken computes nothing.

use crate::ir::{BranchId, Guard, Program};

/// An item, or a branch with the items of its two arms.
pub enum Node<T> {
    Item(T),
    Branch {
        branch: BranchId,
        then: Vec<Node<T>>,
        otherwise: Vec<Node<T>>,
    },
}

/// `items` in order, each run of items inside one branch grouped into that branch's arms
/// (the order within each arm kept).
pub fn tree<T>(program: &Program, items: Vec<(Guard, T)>) -> Vec<Node<T>> {
    let paths: Vec<(Vec<usize>, T)> = items
        .into_iter()
        .map(|(guard, item)| (program.path(guard), item))
        .collect();
    group(program, paths, 0)
}

fn group<T>(program: &Program, items: Vec<(Vec<usize>, T)>, depth: usize) -> Vec<Node<T>> {
    let mut nodes = Vec::new();
    let mut items = items.into_iter().peekable();
    while let Some((path, item)) = items.next() {
        let Some(&arm) = path.get(depth) else {
            nodes.push(Node::Item(item));
            continue;
        };
        let branch = program.arms[arm].branch;
        let (mut then, mut otherwise) = (Vec::new(), Vec::new());
        let mut push = |path: Vec<usize>, item: T| {
            if program.arms[path[depth]].then {
                then.push((path, item));
            } else {
                otherwise.push((path, item));
            }
        };
        push(path, item);
        while let Some((next, _)) = items.peek() {
            match next.get(depth) {
                Some(&a) if program.arms[a].branch == branch => {
                    if let Some((path, item)) = items.next() {
                        push(path, item);
                    }
                }
                _ => break,
            }
        }
        nodes.push(Node::Branch {
            branch,
            then: group(program, then, depth + 1),
            otherwise: group(program, otherwise, depth + 1),
        });
    }
    nodes
}
