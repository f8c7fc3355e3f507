use backprop::grad;

fn main() {
    let _ = grad!(x += y);
    let _ = grad!(x -= y);
    let _ = grad!(x *= y);
    let _ = grad!(x /= y);
    let _ = grad!(x %= y);
    let _ = grad!(x ^= y);
    let _ = grad!(x &= y);
    let _ = grad!(x |= y);
    let _ = grad!(x <<= y);
    let _ = grad!(x >>= y);
}
