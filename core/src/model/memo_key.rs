//! Texts for memo keys: each part written after its length, so that two keys are equal
//! exactly when their parts are (no part can pose as a separator), and written without
//! the formatting machinery, as these keys are built on hot paths (an Event's identity,
//! a topology-spread memo per pod).

/// Appends `text` after its length in decimal and a colon: `3:abc`.
pub fn push_length_prefixed(out: &mut String, text: &str) {
    push_decimal(out, text.len());
    out.push(':');
    out.push_str(text);
}

/// How many bytes [`push_length_prefixed`] appends for `text`.
pub fn length_prefixed_len(text: &str) -> usize {
    decimal_len(text.len()) + 1 + text.len()
}

/// Appends `value` in decimal.
pub fn push_decimal(out: &mut String, value: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = value;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &digit in &digits[start..] {
        out.push(char::from(digit));
    }
}

/// The number of decimal digits of `value`.
fn decimal_len(mut value: usize) -> usize {
    let mut digits = 1;
    while value >= 10 {
        value /= 10;
        digits += 1;
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_written_after_their_lengths() {
        for text in ["", "a", "abcdefghij", &"x".repeat(123)] {
            let mut out = String::new();
            push_length_prefixed(&mut out, text);
            assert_eq!(out, format!("{}:{text}", text.len()));
            assert_eq!(length_prefixed_len(text), out.len());
        }
        let mut out = String::new();
        push_decimal(&mut out, usize::MAX);
        assert_eq!(out, usize::MAX.to_string());
    }
}
