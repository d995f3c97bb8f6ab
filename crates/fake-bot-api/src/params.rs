//! A request's parameters, wherever the bot put them — the query string, a
//! JSON body, a form body or a multipart body — as one JSON object, so the
//! methods read every request the same way. Forms are decoded by
//! `form_urlencoded` and multipart bodies by `multer`; what is left here is
//! Telegram's part: JSON inside form fields, and numbers and booleans given
//! as strings.

use crate::answer::{bad, ApiErr};
use axum::body::Bytes;
use axum::http::{header, HeaderMap};
use serde_json::{json, Map, Value};
use std::convert::Infallible;

/// The request's parameters: the query string, then a JSON, form or
/// multipart body (a body's field wins over the query's of the same name).
/// A body of any other type is ignored.
pub(crate) async fn params(
    headers: &HeaderMap,
    query: Option<&str>,
    body: Bytes,
) -> Result<Value, ApiErr> {
    let mut out = Map::new();
    if let Some(q) = query {
        out.extend(form_fields(q.as_bytes()));
    }
    if body.is_empty() {
        return Ok(Value::Object(out));
    }
    let raw_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let content_type = raw_type.to_ascii_lowercase();
    if content_type.starts_with("application/json") {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(map)) => out.extend(map),
            Ok(_) => return Err(bad("parameters must be a JSON object")),
            Err(_) => return Err(bad("can't parse JSON object")),
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        // form_urlencoded would replace bad bytes; the fake has always
        // refused a form that is not UTF-8 instead.
        std::str::from_utf8(&body).map_err(|_| bad("invalid form encoding"))?;
        out.extend(form_fields(&body));
    } else if content_type.starts_with("multipart/form-data") {
        // From the header as sent: the boundary is case-sensitive.
        let boundary = multer::parse_boundary(raw_type)
            .map_err(|_| bad("multipart body without a boundary"))?;
        out.extend(multipart_fields(body, boundary).await?);
    }
    Ok(Value::Object(out))
}

/// The fields of a query string or form body, percent- and `+`-decoded.
fn form_fields(raw: &[u8]) -> impl Iterator<Item = (String, Value)> + '_ {
    form_urlencoded::parse(raw).map(|(k, v)| (k.into_owned(), form_value(v.into_owned())))
}

/// The fields of a `multipart/form-data` body (teloxide sends `setWebhook`
/// this way). Text fields become values as in a form; a file becomes
/// `{"file_name": …, "size": …}`; a part without a name is skipped. A body
/// multer cannot read is refused (400), not half read.
async fn multipart_fields(body: Bytes, boundary: String) -> Result<Vec<(String, Value)>, ApiErr> {
    // The whole body is already here: hand it to multer as one chunk.
    let chunks = futures_util::stream::iter([Ok::<_, Infallible>(body)]);
    let mut multipart = multer::Multipart::new(chunks, boundary);
    let broken = |e: multer::Error| bad(format!("can't parse multipart body: {e}"));
    let mut fields = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(broken)? {
        let name = field.name().map(str::to_string);
        let file_name = field.file_name().map(str::to_string);
        let content = field.bytes().await.map_err(broken)?;
        let Some(name) = name else { continue };
        let value = match file_name {
            Some(file_name) => json!({ "file_name": file_name, "size": content.len() }),
            None => form_value(String::from_utf8_lossy(&content).into_owned()),
        };
        fields.push((name, value));
    }
    Ok(fields)
}

/// A form value: JSON-serialized objects and arrays (as the Bot API expects
/// them in forms) are parsed; anything else stays a string.
fn form_value(v: String) -> Value {
    if v.starts_with('{') || v.starts_with('[') {
        if let Ok(parsed) = serde_json::from_str(&v) {
            return parsed;
        }
    }
    Value::String(v)
}

/// An integer parameter, given as a number or a numeric string.
pub(crate) fn int(p: &Value, key: &str) -> Option<i64> {
    match p.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A boolean parameter, given as a boolean or `"true"`/`"false"`.
pub(crate) fn boolean(p: &Value, key: &str) -> Option<bool> {
    match p.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.as_str() {
            "true" | "True" | "1" => Some(true),
            "false" | "False" | "0" => Some(false),
            _ => None,
        },
        Value::Number(n) => Some(n.as_i64() != Some(0)),
        _ => None,
    }
}

/// A string parameter (numbers are accepted and written out).
pub(crate) fn string(p: &Value, key: &str) -> Option<String> {
    match p.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An object or array parameter, also when sent as a JSON string.
pub(crate) fn object(p: &Value, key: &str) -> Option<Value> {
    match p.get(key)? {
        Value::String(s) => serde_json::from_str(s).ok(),
        Value::Null => None,
        v => Some(v.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    /// The parameters of a request with this `Content-Type`, query and body.
    async fn parse(content_type: &str, query: Option<&str>, body: &str) -> Result<Value, ApiErr> {
        let mut headers = HeaderMap::new();
        let value = HeaderValue::from_str(content_type).expect("a header value");
        headers.insert(header::CONTENT_TYPE, value);
        params(&headers, query, Bytes::copy_from_slice(body.as_bytes())).await
    }

    /// The description of the error `parse` gave.
    fn refused(result: Result<Value, ApiErr>) -> String {
        result.expect_err("refused").description
    }

    #[tokio::test]
    async fn a_json_body_is_taken_as_sent() {
        let body = r#"{"chat_id":42,"text":"hi","reply_markup":{"inline_keyboard":[]}}"#;
        let p = parse("application/json", None, body).await.unwrap();
        assert_eq!(p, serde_json::from_str::<Value>(body).unwrap());
    }

    #[tokio::test]
    async fn a_json_body_must_be_an_object() {
        let array = parse("application/json", None, "[1, 2]").await;
        assert_eq!(
            refused(array),
            "Bad Request: parameters must be a JSON object"
        );
        let cut = parse("application/json; charset=utf-8", None, r#"{"a":"#).await;
        assert_eq!(refused(cut), "Bad Request: can't parse JSON object");
    }

    #[tokio::test]
    async fn a_form_body_is_decoded_and_the_json_in_its_fields_parsed() {
        let body = "chat_id=-100&text=a+b%20%D1%81&&flag\
                    &reply_markup=%7B%22inline_keyboard%22%3A%5B%5D%7D&note=%5Bnot+JSON";
        let p = parse("application/x-www-form-urlencoded", None, body)
            .await
            .unwrap();
        let expected = json!({
            // Numbers stay strings: `int` reads them when a method needs one.
            "chat_id": "-100",
            "text": "a b с",
            "flag": "",
            "reply_markup": { "inline_keyboard": [] },
            // Looks like JSON, is not: kept as the string it is.
            "note": "[not JSON",
        });
        assert_eq!(p, expected);
        assert_eq!(int(&p, "chat_id"), Some(-100));
    }

    #[tokio::test]
    async fn a_form_body_that_is_not_utf8_is_refused() {
        let mut headers = HeaderMap::new();
        let form = HeaderValue::from_static("application/x-www-form-urlencoded");
        headers.insert(header::CONTENT_TYPE, form);
        let body = Bytes::from_static(b"text=caf\xe9");
        let result = params(&headers, None, body).await;
        assert_eq!(refused(result), "Bad Request: invalid form encoding");
    }

    #[tokio::test]
    async fn the_query_string_counts_and_a_body_field_wins_over_it() {
        let p = parse(
            "application/json",
            Some("timeout=10&offset=5"),
            r#"{"offset":7}"#,
        )
        .await
        .unwrap();
        assert_eq!(p, json!({ "timeout": "10", "offset": 7 }));
        let query = Some("allowed_updates=%5B%22message%22%5D");
        let p = params(&HeaderMap::new(), query, Bytes::new())
            .await
            .unwrap();
        assert_eq!(p, json!({ "allowed_updates": ["message"] }));
    }

    #[tokio::test]
    async fn a_body_of_another_type_is_ignored() {
        let p = parse("text/plain", Some("a=1"), "chat_id=1").await.unwrap();
        assert_eq!(p, json!({ "a": "1" }));
    }

    /// A `setWebhook` as reqwest writes it for teloxide, with a certificate.
    const MULTIPART: &str = "--Bo7Nd\r\n\
        Content-Disposition: form-data; name=\"url\"\r\n\r\n\
        https://bot.example.org/hook\r\n\
        --Bo7Nd\r\n\
        Content-Disposition: form-data; name=\"allowed_updates\"\r\n\r\n\
        [\"message\",\"callback_query\"]\r\n\
        --Bo7Nd\r\n\
        Content-Disposition: form-data; name=\"certificate\"; filename=\"cert.pem\"\r\n\
        Content-Type: application/octet-stream\r\n\r\n\
        12345\r\n\
        --Bo7Nd--\r\n";

    #[tokio::test]
    async fn a_multipart_body_gives_its_fields_and_its_files_names_and_sizes() {
        let expected = json!({
            "url": "https://bot.example.org/hook",
            "allowed_updates": ["message", "callback_query"],
            "certificate": { "file_name": "cert.pem", "size": 5 },
        });
        for content_type in [
            "multipart/form-data; boundary=Bo7Nd",
            "Multipart/Form-Data; boundary=\"Bo7Nd\"",
        ] {
            let p = parse(content_type, None, MULTIPART).await.unwrap();
            assert_eq!(p, expected, "{content_type}");
        }
    }

    #[tokio::test]
    async fn a_multipart_body_needs_its_boundary() {
        let none = parse("multipart/form-data", None, MULTIPART).await;
        assert_eq!(
            refused(none),
            "Bad Request: multipart body without a boundary"
        );
        // The boundary is case-sensitive: another one finds no field at all.
        let other = parse("multipart/form-data; boundary=bo7nd", None, MULTIPART).await;
        assert!(refused(other).starts_with("Bad Request: can't parse multipart body"));
    }
}
