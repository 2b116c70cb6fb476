//! Reading the numeric and intent cells of keyword exports.
//!
//! Every function takes the cell text as read and returns `Ok(None)` for an
//! empty marker, `Ok(Some(..))` for a number and `Err(())` for anything else;
//! the caller turns `Err` into a row error naming the column and the value.

use super::Intent;

/// The number conventions of one file, derived from its delimiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct NumberStyle {
    /// `;`-separated files come from locales whose decimal separator is `,`.
    pub decimal_comma: bool,
}

/// Why a cell could not be read as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberError {
    NotANumber,
    TooLarge,
}

/// Largest magnitude accepted for an integer column (f64 is exact below 2^53).
const MAX_INTEGER: f64 = 9.0e15;

/// Longest number text (after removing spaces and signs) that is accepted.
const MAX_DIGITS: usize = 40;

/// Empty cells and the placeholders tools write for "no data".
fn is_empty_marker(s: &str) -> bool {
    matches!(s, "" | "-" | "–" | "—") || s.eq_ignore_ascii_case("n/a")
}

/// Volume: integers, `K`/`M` suffixes, ranges (midpoint), `<N` (N/2), `>N`/`N+` (N).
pub(crate) fn parse_volume(cell: &str, style: NumberStyle) -> Result<Option<i64>, NumberError> {
    let s = cell.trim();
    if let Some(plain) = parse_digits(s) {
        return plain.map(Some);
    }
    if is_empty_marker(s) {
        return Ok(None);
    }
    let value = if let Some(rest) = s.strip_prefix('<').or_else(|| s.strip_prefix('≤')) {
        parse_scaled(rest, style)? / 2.0
    } else if let Some(rest) = s.strip_prefix('>').or_else(|| s.strip_prefix('≥')) {
        parse_scaled(rest, style)?
    } else if let Some(rest) = s.strip_suffix('+') {
        parse_scaled(rest, style)?
    } else if let Some((low, high)) = split_range(s) {
        (parse_scaled(low, style)? + parse_scaled(high, style)?) / 2.0
    } else {
        parse_scaled(s, style)?
    };
    to_integer(value).map(Some)
}

/// Keyword difficulty: a number, possibly decimal (rounded) or with `%`.
pub(crate) fn parse_difficulty(cell: &str, style: NumberStyle) -> Result<Option<i64>, NumberError> {
    let s = cell.trim();
    if let Some(plain) = parse_digits(s) {
        return plain.map(Some);
    }
    if is_empty_marker(s) {
        return Ok(None);
    }
    let s = s.strip_suffix('%').unwrap_or(s);
    to_integer(parse_signed(s, true, style)?).map(Some)
}

/// Cost per click: a decimal amount, optionally with a currency sign or code.
pub(crate) fn parse_cpc(cell: &str, style: NumberStyle) -> Result<Option<f64>, NumberError> {
    let s = cell.trim();
    if is_simple_decimal(s) {
        return s.parse().map(Some).map_err(|_| NumberError::NotANumber);
    }
    if is_empty_marker(s) {
        return Ok(None);
    }
    let (negative, s) = strip_sign(s);
    let s = strip_currency(s);
    let value = parse_signed(s, false, style)?;
    Ok(Some(if negative { -value } else { value }))
}

/// The first of the four intents named in a cell such as
/// `Informational,Commercial,Non-branded` or `I, T`; other tokens are ignored.
pub(crate) fn parse_intent(cell: &str) -> Option<Intent> {
    cell.split(|c: char| matches!(c, ',' | ';' | '/' | '|' | '+') || c.is_whitespace())
        .find_map(|token| {
            let t = token.trim();
            let is = |full: &str, short: &str| {
                t.eq_ignore_ascii_case(full) || t.eq_ignore_ascii_case(short)
            };
            if is("informational", "i") {
                Some(Intent::Informational)
            } else if is("navigational", "n") {
                Some(Intent::Navigational)
            } else if is("commercial", "c") {
                Some(Intent::Commercial)
            } else if is("transactional", "t") {
                Some(Intent::Transactional)
            } else {
                None
            }
        })
}

/// The common case of plain digits, read exactly as an `i64`; `None` if `s` is
/// not only digits.
fn parse_digits(s: &str) -> Option<Result<i64, NumberError>> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.parse().map_err(|_| NumberError::TooLarge))
}

/// Digits with at most one `.`, the common case that `f64::from_str` reads the same
/// way in every style.
fn is_simple_decimal(s: &str) -> bool {
    let mut dots = 0;
    let mut digits = 0;
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            _ => return false,
        }
    }
    digits > 0 && dots <= 1
}

/// Splits `1K – 10K`, `100-1K` or `1,000—5,000` at the dash; a leading `-` is a sign.
fn split_range(s: &str) -> Option<(&str, &str)> {
    let body_start = s.len() - s.trim_start_matches(['-', '−', ' ']).len();
    let at = s[body_start..].find(['-', '–', '—'])? + body_start;
    let dash_len = s[at..].chars().next()?.len_utf8();
    let (low, high) = (s[..at].trim(), s[at + dash_len..].trim());
    (!low.is_empty() && !high.is_empty()).then_some((low, high))
}

/// A volume figure with an optional `K`/`M` multiplier (`1.5K`, `2 M`).
fn parse_scaled(s: &str, style: NumberStyle) -> Result<f64, NumberError> {
    let s = s.trim();
    let (s, factor) = match s.as_bytes().last() {
        Some(b'k' | b'K') => (&s[..s.len() - 1], 1e3),
        Some(b'm' | b'M') => (&s[..s.len() - 1], 1e6),
        _ => (s, 1.0),
    };
    Ok(parse_signed(s.trim_end(), true, style)? * factor)
}

/// A number with an optional sign; `integer_column` selects how a lone `.` is read
/// in decimal-comma files (`1.300` is one thousand three hundred there).
fn parse_signed(s: &str, integer_column: bool, style: NumberStyle) -> Result<f64, NumberError> {
    let s = s.strip_suffix('%').unwrap_or(s);
    let (negative, s) = strip_sign(s);
    let value = parse_unsigned(s, integer_column, style).ok_or(NumberError::NotANumber)?;
    Ok(if negative { -value } else { value })
}

/// Removes a leading `-`, `−` (minus sign) or `+`; returns whether it was negative.
fn strip_sign(s: &str) -> (bool, &str) {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        (true, rest.trim_start())
    } else {
        (false, s.strip_prefix('+').unwrap_or(s).trim_start())
    }
}

/// Removes one currency prefix or suffix (`US$`, `$`, `€`, `£`, `USD`, `EUR`, `GBP`).
fn strip_currency(s: &str) -> &str {
    const SIGNS: [&str; 7] = ["US$", "USD", "EUR", "GBP", "$", "€", "£"];
    let s = s.trim();
    for sign in SIGNS {
        if s.len() >= sign.len() {
            if s.is_char_boundary(sign.len()) && s[..sign.len()].eq_ignore_ascii_case(sign) {
                return s[sign.len()..].trim();
            }
            let cut = s.len() - sign.len();
            if s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(sign) {
                return s[..cut].trim();
            }
        }
    }
    s
}

/// True when `s` is `d{1,3}(SEP ddd)+`, i.e. the separator groups thousands.
fn is_grouped(s: &[u8], sep: u8) -> bool {
    let mut groups = s.split(|&b| b == sep);
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    let mut count = 1;
    let rest_ok = groups.all(|g| {
        count += 1;
        g.len() == 3
    });
    first_ok && rest_ok && count > 1
}

/// Digits with thousands separators and a decimal separator, e.g. `1 300`,
/// `1,234.56`, `1.234,56`, `0,45`. Returns `None` if it is not such a number.
fn parse_unsigned(s: &str, integer_column: bool, style: NumberStyle) -> Option<f64> {
    let mut compact = [0u8; MAX_DIGITS];
    let mut len = 0;
    for c in s.chars() {
        if matches!(c, ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}') {
            continue;
        }
        if !(c.is_ascii_digit() || c == '.' || c == ',') || len == MAX_DIGITS {
            return None;
        }
        compact[len] = c as u8;
        len += 1;
    }
    let text = &compact[..len];
    let count = |sep: u8| text.iter().filter(|&&b| b == sep).count();
    let (dots, commas) = (count(b'.'), count(b','));
    let last = |sep: u8| text.iter().rposition(|&b| b == sep);
    // Which byte is the decimal separator; every other '.'/',' groups thousands.
    let decimal = match (dots, commas) {
        (0, 0) => None,
        (_, 0) if style.decimal_comma && integer_column && is_grouped(text, b'.') => None,
        (1, 0) => Some(b'.'),
        (_, 0) if is_grouped(text, b'.') => None,
        (0, 1) if style.decimal_comma => Some(b','),
        (0, _) if is_grouped(text, b',') => None,
        (0, 1) => Some(b','),
        (0, _) | (_, 0) => return None,
        _ if last(b'.') > last(b',') => Some(b'.'),
        _ => Some(b','),
    };
    if decimal.is_some_and(|d| count(d) > 1) {
        return None;
    }
    let mut normal = [0u8; MAX_DIGITS];
    let mut n = 0;
    for &b in text {
        if b.is_ascii_digit() {
            normal[n] = b;
        } else if Some(b) == decimal {
            normal[n] = b'.';
        } else {
            continue;
        }
        n += 1;
    }
    if !normal[..n].iter().any(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(&normal[..n]).ok()?.parse().ok()
}

/// Midpoint of a Min/Max pair, rounded half away from zero; one side alone is used as is.
pub(crate) fn midpoint(low: Option<i64>, high: Option<i64>) -> Option<i64> {
    match (low, high) {
        (Some(a), Some(b)) => {
            let sum = a.saturating_add(b);
            Some(if sum >= 0 {
                sum / 2 + sum % 2
            } else {
                sum / 2 - (sum % 2).abs()
            })
        }
        (a, b) => a.or(b),
    }
}

/// Rounds half away from zero; refuses values an `i64` column cannot hold exactly.
fn to_integer(value: f64) -> Result<i64, NumberError> {
    let rounded = value.round();
    if rounded.is_finite() && rounded.abs() <= MAX_INTEGER {
        Ok(rounded as i64)
    } else {
        Err(NumberError::TooLarge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMA: NumberStyle = NumberStyle {
        decimal_comma: false,
    };
    const SEMI: NumberStyle = NumberStyle {
        decimal_comma: true,
    };

    #[test]
    fn volumes() {
        let v = |s| parse_volume(s, COMMA);
        assert_eq!(v("1300"), Ok(Some(1300)));
        assert_eq!(v(" 1,300 "), Ok(Some(1300)));
        assert_eq!(v("1 300"), Ok(Some(1300)));
        assert_eq!(v("1\u{a0}300"), Ok(Some(1300)));
        assert_eq!(v("12,345,678"), Ok(Some(12_345_678)));
        assert_eq!(v("1.5K"), Ok(Some(1500)));
        assert_eq!(v("1.5 k"), Ok(Some(1500)));
        assert_eq!(v("2M"), Ok(Some(2_000_000)));
        assert_eq!(v("1K – 10K"), Ok(Some(5500)));
        assert_eq!(v("100 - 1K"), Ok(Some(550)));
        assert_eq!(v("10-100"), Ok(Some(55)));
        assert_eq!(v("1,000—5,000"), Ok(Some(3000)));
        assert_eq!(v("0 - 1"), Ok(Some(1)), "0.5 rounds half away from zero");
        assert_eq!(v("<10"), Ok(Some(5)));
        assert_eq!(v("> 1M"), Ok(Some(1_000_000)));
        assert_eq!(v("1M+"), Ok(Some(1_000_000)));
        assert_eq!(v("-5"), Ok(Some(-5)));
        assert_eq!(v("−5"), Ok(Some(-5)));
        assert_eq!(v("-1.5K"), Ok(Some(-1500)));
        assert_eq!(v("1300.6"), Ok(Some(1301)));
        for empty in ["", "  ", "-", "—", "–", "n/a", "N/A"] {
            assert_eq!(v(empty), Ok(None), "{empty:?}");
        }
        for bad in [
            "lots", "1e5", "12abc", "K", "1..2", "1,2,3", "inf", "NaN", "--", "1 -", "$",
        ] {
            assert_eq!(v(bad), Err(NumberError::NotANumber), "{bad:?}");
        }
        assert_eq!(v("99999999999999999999"), Err(NumberError::TooLarge));
        assert_eq!(v("9223372036854775807"), Ok(Some(i64::MAX)));
        assert_eq!(v("9999999999999M"), Err(NumberError::TooLarge));
    }

    #[test]
    fn semicolon_files_use_decimal_comma() {
        assert_eq!(parse_volume("1.300", SEMI), Ok(Some(1300)));
        assert_eq!(parse_volume("1.234.567", SEMI), Ok(Some(1_234_567)));
        assert_eq!(parse_volume("1,5K", SEMI), Ok(Some(1500)));
        assert_eq!(parse_cpc("0,45", SEMI), Ok(Some(0.45)));
        assert_eq!(parse_cpc("1.234,56", SEMI), Ok(Some(1234.56)));
        assert_eq!(parse_cpc("1,234.56", SEMI), Ok(Some(1234.56)));
        assert_eq!(parse_cpc("0,45 €", SEMI), Ok(Some(0.45)));
        assert_eq!(parse_cpc("1.30", SEMI), Ok(Some(1.3)));
        assert_eq!(parse_difficulty("37,5", SEMI), Ok(Some(38)));
        assert_eq!(parse_difficulty("37.5", SEMI), Ok(Some(38)));
    }

    #[test]
    fn difficulty_and_cpc() {
        assert_eq!(parse_difficulty("37.5", COMMA), Ok(Some(38)));
        assert_eq!(parse_difficulty("45%", COMMA), Ok(Some(45)));
        assert_eq!(parse_difficulty("101", COMMA), Ok(Some(101)));
        assert_eq!(parse_difficulty("-3", COMMA), Ok(Some(-3)));
        assert_eq!(
            parse_difficulty("hard", COMMA),
            Err(NumberError::NotANumber)
        );
        assert_eq!(parse_difficulty("1K", COMMA), Err(NumberError::NotANumber));
        assert_eq!(parse_cpc("1.60", COMMA), Ok(Some(1.6)));
        assert_eq!(parse_cpc("$1.20", COMMA), Ok(Some(1.2)));
        assert_eq!(parse_cpc("US$ 1.20", COMMA), Ok(Some(1.2)));
        assert_eq!(parse_cpc("1.20 USD", COMMA), Ok(Some(1.2)));
        assert_eq!(parse_cpc("£3", COMMA), Ok(Some(3.0)));
        assert_eq!(parse_cpc("€0,45", COMMA), Ok(Some(0.45)));
        assert_eq!(parse_cpc("-$1.20", COMMA), Ok(Some(-1.2)));
        assert_eq!(parse_cpc("$-1.20", COMMA), Ok(Some(-1.2)));
        assert_eq!(parse_cpc("1,300", COMMA), Ok(Some(1300.0)));
        assert_eq!(parse_cpc(".5", COMMA), Ok(Some(0.5)));
        assert_eq!(parse_cpc("n/a", COMMA), Ok(None));
        assert_eq!(parse_cpc("free", COMMA), Err(NumberError::NotANumber));
        assert_eq!(parse_cpc(".", COMMA), Err(NumberError::NotANumber));
    }

    #[test]
    fn intents() {
        assert_eq!(
            parse_intent("Informational,Commercial,Non-branded,Non-local"),
            Some(Intent::Informational)
        );
        assert_eq!(
            parse_intent("Non-branded, commercial"),
            Some(Intent::Commercial)
        );
        assert_eq!(
            parse_intent("Navigational, Commercial"),
            Some(Intent::Navigational)
        );
        assert_eq!(parse_intent("T, I"), Some(Intent::Transactional));
        assert_eq!(parse_intent("n"), Some(Intent::Navigational));
        assert_eq!(parse_intent("Branded,Non-local"), None);
        assert_eq!(parse_intent(""), None);
    }

    #[test]
    fn never_panics_on_odd_text() {
        let samples = [
            "€", "£-", "-€", "US$", "K-M", "– –", "<", ">", "+", "−", "1–", "é1", "1é", "¥5",
        ];
        for s in samples {
            let _ = parse_volume(s, COMMA);
            let _ = parse_difficulty(s, SEMI);
            let _ = parse_cpc(s, SEMI);
            let _ = parse_intent(s);
        }
    }

    #[test]
    fn midpoints_round_half_away_from_zero() {
        assert_eq!(midpoint(Some(11501), Some(30300)), Some(20901));
        assert_eq!(midpoint(Some(-1), Some(-2)), Some(-2));
        assert_eq!(midpoint(Some(2), None), Some(2));
        assert_eq!(midpoint(None, None), None);
        assert_eq!(
            midpoint(Some(i64::MAX), Some(i64::MAX)),
            Some(i64::MAX / 2 + 1)
        );
    }
}
