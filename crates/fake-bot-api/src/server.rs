//! The HTTP side: axum routes `/bot<token>/<method>` to the methods, every
//! request is recorded as a [`Call`], and answers take Telegram's shapes (or
//! the broken ones a [`Fault`] asks for).

use crate::answer::{err, ApiErr, Reply};
use crate::params::params;
use crate::state::Inner;
use crate::{Call, Fault};
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::any;
use axum::Router;
use serde_json::{json, Map, Value};
use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Instant;

pub(crate) async fn serve(inner: Arc<Inner>, listener: tokio::net::TcpListener) {
    let router = Router::new()
        .route("/{bot}/{method}", any(handle))
        .fallback(not_found)
        .with_state(inner.clone());
    tokio::select! {
        result = axum::serve(listener, router).into_future() => {
            if let Err(e) = result {
                eprintln!("fake Telegram server stopped: {e}");
            }
        }
        _ = inner.wait_closed() => {}
    }
}

async fn not_found() -> Response {
    error_response(&err(404, "Not Found"))
}

/// One Bot API request: `/bot<token>/<Method>`.
async fn handle(
    State(inner): State<Arc<Inner>>,
    Path((bot, method)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let at = Instant::now();
    let method = method.to_ascii_lowercase();
    let (params, outcome) = match params(&headers, query.as_deref(), body).await {
        Ok(params) => {
            let outcome = inner.answer(&bot, &method, &params).await;
            (params, outcome)
        }
        Err(e) => (Value::Object(Map::new()), Err(e)),
    };
    let (status, error, response) = match outcome {
        Ok(Reply::Broken(fault)) => (
            200,
            Some(format!("fault: {fault:?}")),
            broken_response(&fault),
        ),
        Ok(reply) => (200, None, ok_response(reply)),
        Err(e) => (e.code, Some(e.description.clone()), error_response(&e)),
    };
    inner.record(Call {
        seq: 0,
        method,
        params,
        at,
        status,
        error,
    });
    response
}

/// A 200 answer that teloxide cannot use ([`Fault::MalformedJson`] and the like).
fn broken_response(fault: &Fault) -> Response {
    // What a real answer looks like, to cut in half.
    let whole = br#"{"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":1,"type":"private","first_name":"A"},"text":"a reply"}}"#;
    let half = Bytes::from_static(&whole[..whole.len() / 2]);
    match fault {
        Fault::MalformedJson => json_response(
            StatusCode::OK,
            b"<html><body>502 Bad Gateway</body></html> {ok: true,]".to_vec(),
        ),
        Fault::Truncated => json_response(StatusCode::OK, half.to_vec()),
        Fault::UnknownCode(code) => json_response(
            StatusCode::OK,
            serde_json::to_vec(&json!({
                "ok": false,
                "error_code": code,
                "description": format!("Something unheard of happened ({code})"),
            }))
            .expect("JSON"),
        ),
        Fault::CloseMidBody => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(half),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "the fake closes the connection mid-body",
                )),
            ];
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, whole.len())
                .body(Body::from_stream(futures_util::stream::iter(chunks)))
                .expect("a valid response")
        }
        other => unreachable!("{other:?} is not a broken answer"),
    }
}

fn ok_response(reply: Reply) -> Response {
    let body = match reply {
        Reply::Broken(fault) => return broken_response(&fault),
        Reply::Raw(result) => format!(r#"{{"ok":true,"result":{result}}}"#).into_bytes(),
        Reply::Json(result) => {
            serde_json::to_vec(&json!({ "ok": true, "result": result })).expect("JSON")
        }
        Reply::Described(result, description) => {
            serde_json::to_vec(&json!({ "ok": true, "result": result, "description": description }))
                .expect("JSON")
        }
    };
    json_response(StatusCode::OK, body)
}

fn error_response(e: &ApiErr) -> Response {
    let mut body = json!({
        "ok": false,
        "error_code": e.code,
        "description": e.description,
    });
    if let Some(secs) = e.retry_after {
        body["parameters"] = json!({ "retry_after": secs });
    }
    let status = StatusCode::from_u16(e.code).unwrap_or(StatusCode::BAD_REQUEST);
    json_response(status, serde_json::to_vec(&body).expect("JSON"))
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("a valid response")
}
