//! Nested tables, a closed enum in a field and in a vector, and a
//! recursive optional table: the message `tests/derive_verify.rs` damages
//! and `tests/verify_oracle.rs` compares with its hand-written verifier
//! (`crate::oracle::outer`).

use flatstream::StreamSerialize;

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub enum Kind {
    A = 1,
    B = 2,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Inner {
    pub label: String,
    pub kind: Kind,
    pub numbers: Vec<u32>,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(shallow)]
pub struct Outer {
    pub id: u64,
    pub inner: Inner,
    pub inners: Vec<Inner>,
    pub kinds: Vec<Kind>,
    pub names: Vec<String>,
    pub maybe: Option<Box<Outer>>,
    pub blob: Vec<u8>,
}

/// Random messages of this model.
impl crate::Rng {
    /// Text of up to three pieces, some of them multi-byte.
    pub fn text(&mut self) -> String {
        const PIECES: [&str; 6] = ["a", "bc", "é", "日本", "", "xyz0"];
        (0..self.below(4))
            .map(|_| PIECES[self.below(PIECES.len())])
            .collect()
    }

    /// `Kind::A` or `Kind::B`.
    pub fn kind(&mut self) -> Kind {
        if self.next_u64() & 1 == 0 {
            Kind::A
        } else {
            Kind::B
        }
    }

    /// An `Inner` with up to three numbers.
    pub fn inner(&mut self) -> Inner {
        Inner {
            label: self.text(),
            kind: self.kind(),
            numbers: (0..self.below(4)).map(|_| self.next_u64() as u32).collect(),
        }
    }

    /// An `Outer` nesting up to `depth` more in `maybe`.
    pub fn outer(&mut self, depth: usize) -> Outer {
        Outer {
            id: self.next_u64() >> self.below(64),
            inner: self.inner(),
            inners: (0..self.below(3)).map(|_| self.inner()).collect(),
            kinds: (0..self.below(4)).map(|_| self.kind()).collect(),
            names: (0..self.below(3)).map(|_| self.text()).collect(),
            maybe: (depth > 0 && self.next_u64() & 1 == 0).then(|| Box::new(self.outer(depth - 1))),
            blob: (0..self.below(6)).map(|_| self.next_u64() as u8).collect(),
        }
    }
}
