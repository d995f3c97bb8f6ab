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
    fn cyrillic_including_kazakh_letters() {
        assert_eq!(lower("ҚҰРЫЛТАЙ ӘҒҢӨҮҺІ"), "құрылтай әғңөүһі");
        assert_eq!(lower("ЁЛКА"), "елка");
    }
}
