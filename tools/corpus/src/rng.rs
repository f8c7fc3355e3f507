//! SplitMix64: a tiny, seedable generator, so the corpus needs no dependency and the same
//! seed writes the same file on every platform and toolchain.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`; the modulo bias is far below anything a corpus could notice.
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "below(0)");
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index drawn with the given weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = self.below(total as usize) as u32;
        for (k, &w) in weights.iter().enumerate() {
            if r < w {
                return k;
            }
            r -= w;
        }
        weights.len() - 1
    }
}

/// The direction of a case's `jvp`: `n` values `±k/8`, `k` in `1..=8`, exact in `f32` and
/// never zero. It is drawn from a generator of its own, seeded by the corpus seed and the
/// case's index, so that adding it left every case of the checked-in corpora as it was.
pub fn direction(seed: u64, index: usize, n: usize) -> Vec<f64> {
    let mut rng = Rng::new(seed ^ (index as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
    (0..n)
        .map(|_| {
            #[allow(clippy::cast_precision_loss)]
            let k = (1 + rng.below(8)) as f64 / 8.0;
            if rng.chance(0.5) {
                -k
            } else {
                k
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{direction, Rng};

    #[test]
    fn directions_are_exact_nonzero_and_in_the_unit_interval() {
        for index in 0..50 {
            for v in direction(1, index, 6) {
                assert!(v != 0.0 && v.abs() <= 1.0);
                assert_eq!(f64::from(v as f32), v);
                assert_eq!((v * 8.0).fract(), 0.0);
            }
        }
        assert_ne!(direction(1, 0, 6), direction(1, 1, 6));
        assert_ne!(direction(1, 0, 6), direction(2, 0, 6));
    }

    #[test]
    fn known_first_output() {
        // The reference value of SplitMix64 seeded with 0.
        assert_eq!(Rng::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }
}
