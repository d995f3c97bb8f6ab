//! Telegram's HTML parse mode: the text a user sees and its entities, and
//! tdlib's error messages for what Telegram refuses.

use serde_json::{json, Value};

/// The tags Telegram's HTML parse mode accepts.
const HTML_TAGS: &[&str] = &[
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
];

/// A formatting entity of a parsed text (offsets in UTF-16 code units).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entity {
    pub(crate) kind: &'static str,
    pub(crate) offset: usize,
    pub(crate) length: usize,
    /// One extra field: `url`, `language` or `custom_emoji_id`.
    pub(crate) extra: Option<(&'static str, String)>,
}

pub(crate) fn entities_json(entities: &[Entity]) -> Value {
    Value::Array(
        entities
            .iter()
            .map(|e| {
                let mut o = json!({ "type": e.kind, "offset": e.offset, "length": e.length });
                if let Some((k, v)) = &e.extra {
                    o[*k] = json!(v);
                }
                o
            })
            .collect(),
    )
}

/// A tag still open while parsing.
struct OpenTag {
    name: String,
    begin: usize,
    kind: Option<&'static str>,
    extra: Option<(&'static str, String)>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// Parses Telegram's HTML into plain text and entities, with tdlib's error
/// messages (`Unsupported start tag "x" at byte offset N`, …). With
/// `strict_ampersand`, an `&` that starts no entity is an error too.
pub(crate) fn parse_html(s: &str, strict_ampersand: bool) -> Result<(String, Vec<Entity>), String> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut plain = String::with_capacity(s.len());
    let mut utf16 = 0;
    let mut stack: Vec<OpenTag> = Vec::new();
    let mut entities = Vec::new();
    while i < b.len() {
        match b[i] {
            b'&' => match decode_entity(&s[i..]) {
                Some((c, len)) => {
                    plain.push(c);
                    utf16 += c.len_utf16();
                    i += len;
                }
                None if strict_ampersand => {
                    return Err(format!(
                        "Unsupported HTML entity at byte offset {i} (escape '&' as &amp;)"
                    ))
                }
                None => {
                    plain.push('&');
                    utf16 += 1;
                    i += 1;
                }
            },
            b'<' if b.get(i + 1) == Some(&b'/') => {
                let begin = i;
                let Some(open) = stack.pop() else {
                    return Err(format!("Unexpected end tag at byte offset {begin}"));
                };
                i += 2;
                let name_start = i;
                while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                    i += 1;
                }
                let end_name = s[name_start..i].to_ascii_lowercase();
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                if i >= b.len() || b[i] != b'>' {
                    return Err(format!("Unclosed end tag at byte offset {begin}"));
                }
                i += 1;
                if !end_name.is_empty() && end_name != open.name {
                    return Err(format!(
                        "Unmatched end tag at byte offset {begin}, expected \"</{}>\", found \"</{end_name}>\"",
                        open.name
                    ));
                }
                close_tag(open, utf16, &mut stack, &mut entities);
            }
            b'<' => {
                let begin = i;
                i += 1;
                while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                    i += 1;
                }
                if i >= b.len() {
                    return Err(format!("Unclosed start tag at byte offset {begin}"));
                }
                let name = s[begin + 1..i].to_ascii_lowercase();
                if !HTML_TAGS.contains(&name.as_str()) {
                    return Err(format!(
                        "Unsupported start tag \"{name}\" at byte offset {begin}"
                    ));
                }
                let mut attrs: Vec<(String, String)> = Vec::new();
                loop {
                    while i < b.len() && is_space(b[i]) {
                        i += 1;
                    }
                    if i >= b.len() {
                        return Err(format!(
                            "Unclosed start tag \"{name}\" at byte offset {begin}"
                        ));
                    }
                    if b[i] == b'>' {
                        i += 1;
                        break;
                    }
                    let attr_start = i;
                    while i < b.len() && !is_space(b[i]) && b[i] != b'=' && b[i] != b'>' {
                        i += 1;
                    }
                    let attr = s[attr_start..i].to_ascii_lowercase();
                    if attr.is_empty() {
                        return Err(format!(
                            "Empty attribute name in the tag \"{name}\" at byte offset {begin}"
                        ));
                    }
                    while i < b.len() && is_space(b[i]) {
                        i += 1;
                    }
                    if i >= b.len() {
                        return Err(format!(
                            "Unclosed start tag \"{name}\" at byte offset {begin}"
                        ));
                    }
                    if b[i] != b'=' {
                        attrs.push((attr, String::new()));
                        continue;
                    }
                    i += 1;
                    while i < b.len() && is_space(b[i]) {
                        i += 1;
                    }
                    if i >= b.len() {
                        return Err(format!(
                            "Unclosed start tag \"{name}\" at byte offset {begin}"
                        ));
                    }
                    let value = if b[i] == b'"' || b[i] == b'\'' {
                        let quote = b[i];
                        let Some(len) = b[i + 1..].iter().position(|&c| c == quote) else {
                            return Err(format!("Unclosed start tag at byte offset {begin}"));
                        };
                        let raw = &s[i + 1..i + 1 + len];
                        i += len + 2;
                        decode_attribute(raw)
                    } else {
                        let token = i;
                        while i < b.len()
                            && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'-')
                        {
                            i += 1;
                        }
                        if i >= b.len() || !(is_space(b[i]) || b[i] == b'>') {
                            return Err(format!(
                                "Unexpected end of name token at byte offset {token}"
                            ));
                        }
                        s[token..i].to_string()
                    };
                    attrs.push((attr, value));
                }
                let attr = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
                let (kind, extra) = match name.as_str() {
                    "b" | "strong" => (Some("bold"), None),
                    "i" | "em" => (Some("italic"), None),
                    "u" | "ins" => (Some("underline"), None),
                    "s" | "strike" | "del" => (Some("strikethrough"), None),
                    "tg-spoiler" => (Some("spoiler"), None),
                    "span" => {
                        if attr("class").as_deref() != Some("tg-spoiler") {
                            return Err(format!(
                                "Tag \"span\" must have class \"tg-spoiler\" at byte offset {begin}"
                            ));
                        }
                        (Some("spoiler"), None)
                    }
                    "blockquote" if attr("expandable").is_some() => {
                        (Some("expandable_blockquote"), None)
                    }
                    "blockquote" => (Some("blockquote"), None),
                    "code" => {
                        let language = attr("class")
                            .and_then(|c| c.strip_prefix("language-").map(str::to_string))
                            .filter(|l| !l.is_empty());
                        (Some("code"), language.map(|l| ("language", l)))
                    }
                    "pre" => (Some("pre"), None),
                    "a" => match attr("href").map(|h| link_url(&h)) {
                        Some(Some(url)) => (Some("text_link"), Some(("url", url))),
                        _ => (None, None),
                    },
                    "tg-emoji" => match attr("emoji-id").filter(|v| !v.is_empty()) {
                        Some(id) => (Some("custom_emoji"), Some(("custom_emoji_id", id))),
                        None => (None, None),
                    },
                    _ => (None, None),
                };
                stack.push(OpenTag {
                    name,
                    begin: utf16,
                    kind,
                    extra,
                });
            }
            _ => {
                let c = s[i..].chars().next().expect("a char at a char boundary");
                plain.push(c);
                utf16 += c.len_utf16();
                i += c.len_utf8();
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "Can't find end tag corresponding to start tag \"{}\"",
            open.name
        ));
    }
    entities
        .sort_by(|a: &Entity, b: &Entity| a.offset.cmp(&b.offset).then(b.length.cmp(&a.length)));
    Ok((plain, entities))
}

/// Ends an open tag: its entity, if it has one and is not empty. A `code`
/// with a language directly inside a `pre` gives the `pre` its language.
fn close_tag(open: OpenTag, utf16: usize, stack: &mut [OpenTag], entities: &mut Vec<Entity>) {
    let length = utf16 - open.begin;
    let Some(kind) = open.kind else { return };
    if length == 0 {
        return;
    }
    if kind == "code" {
        if let (Some(("language", language)), Some(parent)) = (&open.extra, stack.last_mut()) {
            if parent.kind == Some("pre") && parent.begin == open.begin {
                parent.extra = Some(("language", language.clone()));
                return;
            }
        }
    }
    let extra = if kind == "code" { None } else { open.extra };
    entities.push(Entity {
        kind,
        offset: open.begin,
        length,
        extra,
    });
}

/// A link's URL as Telegram normalises it; `None` if it is not usable.
fn link_url(href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.contains(char::is_whitespace) {
        return None;
    }
    if href.contains("://") || href.starts_with("tg:") || href.starts_with("mailto:") {
        Some(href.to_string())
    } else {
        Some(format!("http://{href}"))
    }
}

/// Decodes `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&#NN;` and `&#xNN;` at the
/// start of `s` (the `;` is optional, as in tdlib): the char and its length.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let (c, mut len) = if b.get(1) == Some(&b'#') {
        let hex = matches!(b.get(2), Some(b'x') | Some(b'X'));
        let start = if hex { 3 } else { 2 };
        let end = start
            + b[start..]
                .iter()
                .take_while(|c| {
                    if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    }
                })
                .count();
        if end == start || end - start > 8 {
            return None;
        }
        let code = u32::from_str_radix(&s[start..end], if hex { 16 } else { 10 }).ok()?;
        (char::from_u32(code)?, end)
    } else {
        let end = 1 + b[1..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        let c = match &s[1..end] {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            _ => return None,
        };
        (c, end)
    };
    if b.get(len) == Some(&b';') {
        len += 1;
    }
    Some((c, len))
}

/// An attribute value with its entities decoded (unknown `&` kept, as tdlib).
fn decode_attribute(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw.as_bytes()[i] == b'&' {
            if let Some((c, len)) = decode_entity(&raw[i..]) {
                out.push(c);
                i += len;
                continue;
            }
        }
        let c = raw[i..].chars().next().expect("a char at a char boundary");
        out.push(c);
        i += c.len_utf8();
    }
    out
}
