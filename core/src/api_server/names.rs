//! Server-assigned names and uids.
//!
//! Upstream: `staging/src/k8s.io/apiserver/pkg/storage/names/generate.go` and
//! `staging/src/k8s.io/apimachinery/pkg/util/rand/rand.go`.

use crate::rng::SimRng;

/// The alphabet of generated name suffixes: no vowels, so no words, and no
/// characters that are easily confused (`rand.String` in apimachinery).
pub const NAME_SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// Length of the random suffix that `generateName` gets.
pub const GENERATED_SUFFIX_LENGTH: usize = 5;

/// Longest name a generated name may have: 63 − 5, so the base is cut to 58.
pub const MAX_GENERATED_NAME_LENGTH: usize = 63 - GENERATED_SUFFIX_LENGTH;

/// `names.SimpleNameGenerator.GenerateName`: the base, cut to 58 characters, plus
/// 5 random characters. `nginx-7c5ddbdf54-` becomes e.g. `nginx-7c5ddbdf54-x8k2p`.
pub fn generate_name(base: &str, rng: &mut SimRng) -> String {
    let mut name: String = base.chars().take(MAX_GENERATED_NAME_LENGTH).collect();
    name.push_str(&random_string(GENERATED_SUFFIX_LENGTH, rng));
    name
}

/// `rand.String(n)`: `n` characters drawn uniformly from [`NAME_SUFFIX_ALPHABET`].
pub fn random_string(length: usize, rng: &mut SimRng) -> String {
    (0..length)
        .map(|_| {
            char::from(NAME_SUFFIX_ALPHABET[rng.below(NAME_SUFFIX_ALPHABET.len() as u64) as usize])
        })
        .collect()
}

/// A version-4 UUID drawn from the simulation's RNG, so uids are deterministic.
/// Written digit by digit into one buffer (every create draws one).
pub fn new_uid(rng: &mut SimRng) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let high = rng.next_u64();
    let low = rng.next_u64();
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&high.to_be_bytes());
    bytes[8..].copy_from_slice(&low.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut uid = String::with_capacity(36);
    for (index, byte) in bytes.iter().enumerate() {
        if matches!(index, 4 | 6 | 8 | 10) {
            uid.push('-');
        }
        uid.push(char::from(HEX[usize::from(byte >> 4)]));
        uid.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    uid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_use_upstream_alphabet_and_length() {
        let mut rng = SimRng::new(7);
        let name = generate_name("nginx-7c5ddbdf54-", &mut rng);
        assert_eq!(name.len(), "nginx-7c5ddbdf54-".len() + 5);
        assert!(
            name[17..]
                .bytes()
                .all(|b| NAME_SUFFIX_ALPHABET.contains(&b))
        );
        let long = generate_name(&"a".repeat(80), &mut rng);
        assert_eq!(long.len(), 63);
    }

    #[test]
    fn uids_are_v4_uuids() {
        let uid = new_uid(&mut SimRng::new(1));
        assert_eq!(uid.len(), 36);
        assert_eq!(&uid[14..15], "4");
        assert!(matches!(&uid[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(uid, new_uid(&mut SimRng::new(1)));
        // The layout of the formatting it replaced: 8-4-4-4-12 lowercase hex digits of
        // the two draws, big-endian, with the version and variant bits set.
        let mut rng = SimRng::new(42);
        for _ in 0..200 {
            let mut draws = rng.clone();
            let (high, low) = (draws.next_u64(), draws.next_u64());
            let hex = format!(
                "{:016x}{:016x}",
                (high & !0xf000_u64) | 0x4000,
                (low & !(0xc0_u64 << 56)) | (0x80 << 56)
            );
            let expected = format!(
                "{}-{}-{}-{}-{}",
                &hex[0..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..32]
            );
            assert_eq!(new_uid(&mut rng), expected);
        }
    }
}
