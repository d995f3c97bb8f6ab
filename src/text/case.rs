//! Case folding with an explicit table.
//!
//! Rust's `to_lowercase` maps `İ` (Kazakh Latin capital i with dot) to `i` plus
//! a combining dot, and `I` to `i` where Kazakh Latin means `ı`. Search keys fold
//! all of them to `i` anyway, so one predictable rule serves every language.

/// Appends the lowercase form of `c` to `out`.
pub fn push_lower(out: &mut String, c: char) {
    match c {
        'İ' | 'I' | 'ı' => out.push('i'),
        'Ё' | 'ё' => out.push('е'),
        c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        // Cyrillic, by code point (the general Unicode table is slow):
        // А–Я and Ѐ–Џ have their lower case 0x20 and 0x50 above; the
        // extensions (Kazakh ә ғ қ ң ө ұ ү һ) pair upper and lower neighbours.
        'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
        'Ѐ'..='Џ' => out.push(char::from_u32(c as u32 + 0x50).unwrap_or(c)),
        'а'..='џ' => out.push(c),
        '\u{0460}'..='\u{0481}' | '\u{048A}'..='\u{04BF}' | '\u{04D0}'..='\u{04FF}' => {
            out.push(char::from_u32(c as u32 | 1).unwrap_or(c))
        }
        c => {
            // Anything else lowercases to a single char for the scripts we
            // serve; keep whatever the standard table gives for the rest.
            for l in c.to_lowercase() {
                if l != '\u{0307}' {
                    out.push(l);
                }
            }
        }
    }
}

/// The lowercase form of `s`.
pub fn lower(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_lower(&mut out, c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_and_dotless_i_fold_to_i() {
        assert_eq!(lower("İİ Iı"), "ii ii");
        assert_eq!(lower("İ").chars().count(), 1);
    }

    #[test]
    fn fast_cyrillic_lowercase_agrees_with_unicode() {
        for c in '\u{0400}'..='\u{04FF}' {
            let mut fast = String::new();
            push_lower(&mut fast, c);
            let slow: String = if c == 'Ё' || c == 'ё' {
                "е".into()
            } else {
                c.to_lowercase().collect()
            };
            assert_eq!(fast, slow, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn cyrillic_including_kazakh_letters() {
        assert_eq!(lower("ҚҰРЫЛТАЙ ӘҒҢӨҮҺІ"), "құрылтай әғңөүһі");
        assert_eq!(lower("ЁЛКА"), "елка");
    }
}
