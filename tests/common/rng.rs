//! A small deterministic generator (xorshift64*): the same seed gives the same sequence on every
//! machine. Shared by the benchmark corpus generator and the mutation fuzz test.

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// An index below `len` (0 when `len` is 0).
    #[allow(dead_code)]
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }
}
