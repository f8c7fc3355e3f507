//! One expression of about a thousand operations: 170 steps of six operations each,
//! checked against the same steps recorded on the runtime graph.

use backprop::{grad, Differentiable, GraphFn};

/// Expands to the `grad!` function of the chain with the given constants, and the
/// constants as an array for the reference.
macro_rules! chain {
    ($($c:literal)*) => {
        (
            grad!(|x, y| {
                let s = x;
                $(let s = (s * $c + y).sin() * 0.5 + s * $c;)*
                s
            }),
            [$($c),*],
        )
    };
}

#[test]
fn a_thousand_operations_match_the_runtime_graph() {
    let (f, constants) = chain!(
        0.6062 0.2625 0.8187 0.4749 0.1312 0.6874 0.3436 0.8998 0.5561 0.2123 0.7685 0.4248
        0.081 0.6372 0.2935 0.8497 0.5059 0.1622 0.7184 0.3746 0.9308 0.5871 0.2433 0.7995
        0.4558 0.112 0.6682 0.3245 0.8807 0.5369 0.1931 0.7494 0.4056 0.0618 0.6181 0.2743
        0.8305 0.4868 0.143 0.6992 0.3555 0.9117 0.5679 0.2241 0.7804 0.4366 0.0928 0.6491
        0.3053 0.8615 0.5178 0.174 0.7302 0.3865 0.9427 0.5989 0.2551 0.8114 0.4676 0.1238
        0.6801 0.3363 0.8925 0.5488 0.205 0.7612 0.4174 0.0737 0.6299 0.2861 0.8424 0.4986
        0.1548 0.7111 0.3673 0.9235 0.5798 0.236 0.7922 0.4484 0.1047 0.6609 0.3171 0.8734
        0.5296 0.1858 0.7421 0.3983 0.0545 0.6108 0.267 0.8232 0.4794 0.1357 0.6919 0.3481
        0.9044 0.5606 0.2168 0.7731 0.4293 0.0855 0.6418 0.298 0.8542 0.5104 0.1667 0.7229
        0.3791 0.9354 0.5916 0.2478 0.8041 0.4603 0.1165 0.6727 0.329 0.8852 0.5414 0.1977
        0.7539 0.4101 0.0664 0.6226 0.2788 0.8351 0.4913 0.1475 0.7037 0.36 0.9162 0.5724
        0.2287 0.7849 0.4411 0.0974 0.6536 0.3098 0.8661 0.5223 0.1785 0.7347 0.391 0.9472
        0.6034 0.2597 0.8159 0.4721 0.1284 0.6846 0.3408 0.897 0.5533 0.2095 0.7657 0.422
        0.0782 0.6344 0.2907 0.8469 0.5031 0.1594 0.7156 0.3718 0.928 0.5843 0.2405 0.7967
        0.453 0.1092
    );
    assert_eq!(constants.len() * 6, 1020);
    let reference = GraphFn::new(["x", "y"], move |[x, y]| {
        let mut s = x;
        for &c in &constants {
            s = (s * c + y).sin() * 0.5 + s * c;
        }
        s
    });
    for point in [[0.3, -0.2], [1.7, 0.9], [-2.5, 0.05]] {
        let (value, grad) = f.value_and_grad(point[0], point[1]);
        let (ref_value, ref_grad) = reference.value_and_grad(point);
        assert_eq!(value, ref_value);
        assert_eq!(grad, ref_grad);
        let report = backprop::gradcheck(&f, point);
        assert!(report.passed(), "{report}");
    }
    // The derivation lists every step: 1,020 forward lines and a backward line for each
    // contribution.
    assert_eq!(
        f.derivation()
            .lines()
            .filter(|l| l.contains(" = ") && !l.contains("d_") && !l.contains("dout"))
            .count(),
        1020
    );
}
