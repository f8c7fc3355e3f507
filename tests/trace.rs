//! `f.trace(..)`: the derivation with its numbers, from the generated code's own pass.

use backprop::grad;

#[test]
fn the_seed_traced_as_the_teaching_text_works_it_by_hand() {
    let f = grad!((x + y) * z);
    let trace = f.trace(100.0, 200.0, 4.0);
    assert_eq!(
        trace.to_string(),
        "forward
  t0 = x + y = 100 + 200 = 300
  out = t0 * z = 300 * 4 = 1200
backward (dout = 1)
  d_t0 = dout * z = 1 * 4 = 4
  d_z = dout * t0 = 1 * 300 = 300
  d_x = d_t0 = 4
  d_y = d_t0 = 4
"
    );
}

#[test]
fn the_trace_is_the_same_pass_as_value_and_grad_bit_for_bit() {
    let f = grad!(|w, b| {
        let z = w * 1.5 + b;
        z.tanh() * z.sigmoid() + w.powi(3)
    });
    let (w, b) = (0.37, -1.25);
    let (value, gradient) = f.value_and_grad(w, b);
    let trace = f.trace(w, b);
    assert_eq!(trace.value().to_bits(), value.to_bits());
    let bits = |g: &[f64]| g.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(trace.gradient()), bits(&gradient));
    assert_eq!(trace.inputs(), [("w", w), ("b", b)]);
    // Each forward step's value is the value of its operation, as computed by hand in the
    // same order.
    let z = w * 1.5 + b;
    let forward: Vec<f64> = trace
        .steps()
        .iter()
        .filter(|s| s.text.pass == backprop::Pass::Forward)
        .map(|s| s.value)
        .collect();
    assert_eq!(forward[..2], [w * 1.5, z]);
}

#[test]
fn a_fan_out_accumulates_with_its_running_total() {
    let f = grad!(|x| x * x);
    let text = f.trace(3.0).to_string();
    assert_eq!(
        text,
        "forward
  out = x * x = 3 * 3 = 9
backward (dout = 1)
  d_x = dout * x = 1 * 3 = 3
  d_x += dout * x = 1 * 3 = 3, so d_x = 6
"
    );
}

#[test]
fn the_first_non_finite_value_is_marked_and_named() {
    let f = grad!(|x| x.abs().sqrt() + x);
    let trace = f.trace(0.0);
    let first = trace.first_non_finite().expect("sqrt'(0) is infinite");
    assert_eq!(first.text.to_string(), "d_t0 = d_t1 * (1 / (2 * t1))");
    assert_eq!(first.value, f64::INFINITY);
    let text = trace.to_string();
    assert!(
        text.contains("  d_t0 = d_t1 * (1 / (2 * t1)) = 1 * (1 / (2 * 0)) = inf   <- the first non-finite value\n"),
        "{text}"
    );
    assert!(
        text.ends_with("first non-finite value: d_t0 = d_t1 * (1 / (2 * t1)) at x = 0\n"),
        "{text}"
    );
}

#[test]
fn a_finite_trace_has_no_mark() {
    let f = grad!(|x| x.ln());
    let trace = f.trace(2.0);
    assert!(trace.first_non_finite().is_none());
    assert!(!trace.to_string().contains("non-finite"));
}

#[test]
fn captured_constants_and_literals_show_their_numbers() {
    let xs = [2.0, 5.0];
    let k = 0.5;
    let f = grad!(|w| (w * xs[1] - k).powi(2));
    let text = f.trace(1.0).to_string();
    assert!(text.contains("  c0 = xs[1] = 5\n"), "{text}");
    assert!(text.contains("  t0 = w * c0 = 1 * 5 = 5\n"), "{text}");
    assert!(text.contains("  t1 = t0 - k = 5 - 0.5 = 4.5\n"), "{text}");
    assert!(text.contains("  out = t1^2 = 4.5^2 = 20.25\n"), "{text}");
    assert!(
        text.contains("  d_t1 = dout * (2 * t1^(2 - 1)) = 1 * (2 * 4.5^(2 - 1)) = 9\n"),
        "{text}"
    );
}

#[test]
fn an_output_that_is_an_input_and_an_unused_input() {
    let f = grad!(|x, y| x);
    assert_eq!(
        f.trace(1.5, 2.0).to_string(),
        "forward\n  out = x = 1.5\nbackward (dout = 1)\n  d_x = dout = 1\n"
    );
    assert_eq!(f.trace(1.5, 2.0).gradient(), [1.0, 0.0]);
}

#[test]
fn f32_traces() {
    let f = grad!(|x: f32| x.sin() * 2.0);
    let trace = f.trace(0.5);
    assert_eq!(trace.value().to_bits(), f.value(0.5).to_bits());
    assert!(trace
        .to_string()
        .contains(&format!("t0 = sin(x) = sin(0.5) = {}", 0.5_f32.sin())));
}

#[test]
fn a_long_function_traces_its_value_and_gradient_only() {
    // 2,320 operations, past the 2,000 that a trace records one by one (290 iterations:
    // unrolled, below the 300 from which a loop stays a loop).
    let f = grad!(|x| {
        let mut s = x;
        for _ in 0..290 {
            s = (s.sin() + x) * (s.cos() - x) + x * x * 0.1;
        }
        s
    });
    let trace = f.trace(0.5);
    let (value, gradient) = f.value_and_grad(0.5);
    assert_eq!(trace.value().to_bits(), value.to_bits());
    assert_eq!(trace.gradient()[0].to_bits(), gradient[0].to_bits());
    assert!(trace.steps().is_empty());
    // Every forward and backward line of the derivation.
    assert!(trace.untraced_steps() > 4_000);
    assert!(trace.to_string().contains("steps not traced"), "{trace}");
}
