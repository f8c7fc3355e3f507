use backprop::grad;

fn main() {
    // Only the macro's own error: no type error about the value it did not produce.
    let f = grad!(x % y + z.tahn());
    let (value, gradient) = f.value_and_grad(1.0, 2.0, 3.0);
    let [dx, dy, dz]: [f64; 3] = gradient;
    println!("{value} {dx} {dy} {dz} {:?}", f.inputs());
}
