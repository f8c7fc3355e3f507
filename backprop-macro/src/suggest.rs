//! "Did you mean ...?" for unknown operation names.

use backprop_core::OPS;

/// The edit distance of `a` and `b` where inserting, deleting or substituting a character,
/// or swapping two adjacent ones, each count as one edit (optimal string alignment).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the table suffice: the transposition looks two rows back.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The supported operation names nearest to `name`, if any is near enough to be a likely
/// typo: at most two edits, or a third of the name's length.
pub fn nearest(name: &str) -> Vec<&'static str> {
    let callable = || OPS.iter().filter(|op| op.is_callable()).map(|op| op.name);
    let Some(best) = callable().map(|op| distance(name, op)).min() else {
        return Vec::new();
    };
    let close_enough = best <= 2 || best * 3 <= name.chars().count();
    if best == 0 || !close_enough {
        return Vec::new();
    }
    callable().filter(|op| distance(name, op) == best).collect()
}

/// The sentence that follows an unknown name: the suggestions, or the whole list.
pub fn hint(name: &str) -> String {
    if let Some(op) = OPS.iter().find(|op| !op.is_callable() && op.name == name) {
        return format!(
            "`{name}` is written with its operator, as in `{}`",
            op.forward
        );
    }
    let near = nearest(name);
    if near.is_empty() {
        let all: Vec<&str> = OPS
            .iter()
            .filter(|op| op.is_callable())
            .map(|op| op.name)
            .collect();
        format!("supported operations: {}", all.join(", "))
    } else {
        let quoted: Vec<String> = near.iter().map(|n| format!("`{n}`")).collect();
        format!("did you mean {}?", or_list(&quoted))
    }
}

fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_worked_by_hand() {
        assert_eq!(distance("tahn", "tanh"), 1); // one transposition
        assert_eq!(distance("sinn", "sin"), 1);
        assert_eq!(distance("", "exp"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("ca", "abc"), 3); // OSA does not edit a swapped pair again
    }

    #[test]
    fn suggestions() {
        // Deleting the h and swapping "hn" are one edit each: both names are offered.
        assert_eq!(nearest("tahn"), ["tan", "tanh"]);
        assert_eq!(nearest("sigmiod"), ["sigmoid"]);
        assert_eq!(nearest("sqr"), ["sqrt"]);
        assert!(nearest("frobnicate").is_empty());
        assert!(hint("frobnicate").contains("sigmoid"));
        assert_eq!(hint("lg"), "did you mean `ln` or `log`?");
        assert_eq!(
            hint("div"),
            "`div` is written with its operator, as in `a / b`"
        );
    }
}
