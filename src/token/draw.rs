//! Drawing a token body: characters sampled independently and uniformly from an alphabet,
//! optionally redrawn as a whole until every character class is present.

use super::alphabet::Alphabet;
use super::each_class::ClassMap;
use super::sample::{IndexSampler, SampleError};
use rand::CryptoRng;

/// Indices drawn per step: small enough for a cheap stack buffer, large enough that a typical
/// token takes one step.
const STEP: usize = 64;

/// Draws bodies of characters from one alphabet.
#[derive(Debug, Clone)]
pub struct CharDrawer {
    alphabet: Alphabet,
    ascii: Option<Vec<u8>>,
    sampler: IndexSampler,
    classes: Option<ClassMap>,
}

impl CharDrawer {
    /// A drawer of independent uniform characters from `alphabet`.
    pub fn new(alphabet: Alphabet) -> Result<Self, SampleError> {
        Ok(CharDrawer {
            ascii: alphabet.ascii_bytes(),
            sampler: IndexSampler::new(alphabet.len())?,
            alphabet,
            classes: None,
        })
    }

    /// Requires every class of `classes` (indexed like the alphabet) in each body: a body that
    /// lacks one is thrown away whole and drawn again, which keeps bodies uniform over the ones
    /// that qualify.
    pub fn with_classes(mut self, classes: ClassMap) -> Self {
        self.classes = Some(classes);
        self
    }

    /// The alphabet characters are drawn from.
    pub fn alphabet(&self) -> &Alphabet {
        &self.alphabet
    }

    /// The classes every body must cover (`--each-class`), if any.
    pub fn classes(&self) -> Option<&ClassMap> {
        self.classes.as_ref()
    }

    /// Appends a body of `length` characters to `out`.
    pub fn append<R: CryptoRng + ?Sized>(&self, rng: &mut R, length: usize, out: &mut String) {
        let start = out.len();
        loop {
            let mut seen = 0u32;
            let mut remaining = length;
            let mut indices = [0u32; STEP];
            while remaining > 0 {
                let step = &mut indices[..remaining.min(STEP)];
                self.sampler.fill(rng, step);
                if let Some(classes) = &self.classes {
                    seen |= classes.mask(step);
                }
                self.push_chars(step, out);
                remaining -= step.len();
            }
            match &self.classes {
                Some(classes) if !classes.is_complete(seen) => out.truncate(start),
                _ => return,
            }
        }
    }

    fn push_chars(&self, indices: &[u32], out: &mut String) {
        match &self.ascii {
            Some(bytes) => out.extend(indices.iter().map(|&i| char::from(bytes[i as usize]))),
            None => {
                let chars = self.alphabet.chars();
                out.extend(indices.iter().map(|&i| chars[i as usize]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_have_the_length_and_alphabet_asked_for() {
        let mut rng = rand::rng();
        for alphabet in [
            Alphabet::named("base62").unwrap(),
            Alphabet::custom("αβγδ").unwrap(),
        ] {
            let drawer = CharDrawer::new(alphabet.clone()).unwrap();
            for length in [1, 4, 63, 64, 65, 200, 1024] {
                let mut out = String::from("keep:");
                drawer.append(&mut rng, length, &mut out);
                let body = out.strip_prefix("keep:").unwrap();
                assert_eq!(body.chars().count(), length);
                assert!(body.chars().all(|c| alphabet.contains(c)));
            }
        }
    }

    #[test]
    fn class_constrained_bodies_always_cover_every_class() {
        // Classes {a}, {b}, {c, d, e, f, g, h}: a 3-character body qualifies only 6/512 of the
        // time, so this exercises many redraws.
        let alphabet = Alphabet::custom("abcdefgh").unwrap();
        let classes = ClassMap::new(vec![0, 1, 2, 2, 2, 2, 2, 2]).unwrap();
        let drawer = CharDrawer::new(alphabet).unwrap().with_classes(classes);
        let mut rng = rand::rng();
        for _ in 0..500 {
            let mut out = String::from("x");
            drawer.append(&mut rng, 3, &mut out);
            assert_eq!(out.len(), 4);
            assert!(out.contains('a') && out.contains('b'), "{out}");
            assert!(out.starts_with('x'));
        }
    }
}
