//! Numbers and counts as sentences for people write them, shared by the core's own sentences
//! (a job's outcome) and the web app's pages.

/// A number with thousands separators: `12,300`, `-1,000`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count with its noun, singular for one: `1 keyword`, `6 keywords`, `1,520 words`.
pub fn count(n: u64, noun: &str) -> String {
    let n_text = thousands(i64::try_from(n).unwrap_or(i64::MAX));
    if n == 1 {
        format!("{n_text} {noun}")
    } else {
        format!("{n_text} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_counts_agree() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(12_300), "12,300");
        assert_eq!(thousands(-1_000_000), "-1,000,000");
        assert_eq!(count(1, "keyword"), "1 keyword");
        assert_eq!(count(0, "idea"), "0 ideas");
        assert_eq!(count(1520, "word"), "1,520 words");
    }
}
