//! The table's structured facts agree with its rule functions: a partial written in
//! structured form (pass, negate, times an argument, zero) gives bit for bit what the
//! derivative rule gives, so generated code that writes it inline computes the graph's
//! numbers. What a rule reads is checked by the compiler: each row's reads are also the
//! argument list through which `Op::grad` calls the rule.

use backprop_core::{Op, Partial, Read, Signature, OPS};

const POINTS: &[[f64; 3]] = &[
    [0.5, 0.25, 2.0],
    [-1.5, 3.0, 0.75],
    [2.0, -0.5, -3.0],
    [0.0, 1.0, -0.0],
];

fn op_of(name: &str) -> Op {
    Op::from_name(name, 3).expect("every row has a name")
}

#[test]
fn structured_partials_match_the_rules_bit_for_bit() {
    for info in OPS {
        let op = op_of(info.name);
        let arity = info.signature.arity();
        for point in POINTS {
            let args = &point[..arity];
            let (out, aux) = op.eval(args);
            let d = 1.75;
            let by_rule = op.grad(args, out, aux, d);
            for (position, partial) in info.partials.iter().enumerate() {
                let structured = match *partial {
                    Partial::Pass => d,
                    Partial::Negate => -d,
                    Partial::TimesArg(k) => d * args[k],
                    Partial::Zero => 0.0,
                    Partial::Rule => continue,
                };
                assert_eq!(
                    structured.to_bits(),
                    by_rule[position].to_bits(),
                    "{} by {} at {args:?}: {partial:?} gives {structured}, the rule {}",
                    info.name,
                    info.params[position],
                    by_rule[position]
                );
            }
        }
    }
}

#[test]
fn every_row_is_consistent() {
    for info in OPS {
        let arity = info.signature.arity();
        let name = info.name;
        assert_eq!(info.params.len(), info.signature.params().len(), "{name}");
        assert_eq!(info.partials.len(), arity, "{name}");
        assert_eq!(info.derivatives.len(), arity, "{name}");
        for (position, partial) in info.partials.iter().enumerate() {
            if let Partial::TimesArg(k) = partial {
                assert!(*k < arity && *k != position, "{name}: TimesArg({k})");
            }
        }
        for read in info.reads {
            match read {
                Read::Arg(k) => assert!(*k < info.params.len(), "{name}: reads Arg({k})"),
                Read::Aux => assert!(info.signature.has_aux(), "{name} reads aux"),
                Read::Out => {}
            }
        }
        assert_eq!(info.symbol.is_none(), info.is_callable(), "{name}");
        if info.signature == Signature::UnaryAux {
            assert_ne!(info.forward_rule, info.value_rule, "{name}");
        } else {
            assert_eq!(info.forward_rule, info.value_rule, "{name}");
        }
    }
}

#[test]
fn a_row_commutes_only_if_swapping_its_arguments_keeps_the_value() {
    for info in OPS.iter().filter(|info| info.commutes) {
        let op = op_of(info.name);
        for point in POINTS {
            let (ab, _) = op.eval(&[point[0], point[1]]);
            let (ba, _) = op.eval(&[point[1], point[0]]);
            assert_eq!(ab.to_bits(), ba.to_bits(), "{} at {point:?}", info.name);
        }
    }
    let commuting: Vec<&str> = OPS
        .iter()
        .filter(|info| info.commutes)
        .map(|info| info.name)
        .collect();
    assert_eq!(
        commuting,
        ["add", "mul", "max", "min", "hypot", "logaddexp"]
    );
}
