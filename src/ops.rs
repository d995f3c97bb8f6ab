//! The operations HTTP server, beside the bot in both polling and webhook
//! mode: `/healthz` for load balancers and Docker's HEALTHCHECK, `/metrics`
//! for Prometheus, and the operator reports as JSON (`/ops/unanswered`,
//! `/ops/stats`) for `atazan unanswered` and `atazan stats` while the bot
//! holds the data folder. The reports carry question texts, so they are
//! served to loopback clients only, whatever address the server listens on.

use crate::live::Live;
use crate::metrics::{Metrics, CONTENT_TYPE};
use crate::report;
use crate::store::Store;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State as Shared};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// What the server reads.
#[derive(Clone)]
pub struct State {
    live: Arc<Live>,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    started: Instant,
}

impl State {
    /// The server's view of the running bot.
    pub fn new(live: Arc<Live>, store: Arc<dyn Store>, metrics: Arc<Metrics>) -> State {
        State {
            live,
            store,
            metrics,
            started: Instant::now(),
        }
    }
}

/// What `/healthz` says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Health {
    /// `ok`, or `failing`.
    pub status: String,
    /// The content version in service.
    pub version: String,
    /// Whether the knowledge base answers reads.
    pub sled: bool,
    /// Where users' state lives and whether it is reachable. A shared store
    /// that is down makes the status `degraded`, not failing: answers keep
    /// flowing, so a load balancer should keep sending updates here.
    #[serde(default)]
    pub store: Option<crate::store::StoreHealth>,
    /// Seconds since the bot started.
    pub uptime_seconds: u64,
}

/// Report options: `?since=YYYY-MM-DD&top=N`.
#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    /// The first UTC day to include.
    pub since: Option<String>,
    /// Groups to show (unanswered only).
    pub top: Option<usize>,
}

/// The routes.
pub fn router(state: State) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/ops/unanswered", get(unanswered))
        .route("/ops/stats", get(stats))
        .with_state(state)
}

/// Binds `addr` (so a taken port fails start-up, not later) and serves in
/// the background until the returned task is aborted.
pub async fn spawn(addr: SocketAddr, state: State) -> std::io::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "serving /healthz and /metrics");
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the ops server stopped");
        }
    }))
}

async fn healthz(Shared(s): Shared<State>) -> impl IntoResponse {
    let sled = s.live.kb().check().is_ok();
    let store = s.store.health();
    let status = match (sled, store.ok) {
        (false, _) => "failing",
        (true, false) => "degraded",
        (true, true) => "ok",
    };
    let health = Health {
        status: status.to_string(),
        version: s.live.version(),
        sled,
        store: Some(store),
        uptime_seconds: s.started.elapsed().as_secs(),
    };
    let code = if sled {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(health))
}

async fn metrics(Shared(s): Shared<State>) -> impl IntoResponse {
    let h = s.store.health();
    s.metrics.store(h.ok, h.queued, h.dropped);
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], s.metrics.encode())
}

/// A request the server will not serve, and why.
struct Refused(StatusCode, String);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        (self.0, format!("{}\n", self.1)).into_response()
    }
}

fn local_only(peer: &SocketAddr) -> Result<(), Refused> {
    if peer.ip().is_loopback() {
        Ok(())
    } else {
        Err(Refused(
            StatusCode::FORBIDDEN,
            "operator reports are served to this machine only".into(),
        ))
    }
}

fn since(q: &ReportQuery) -> Result<Option<i64>, Refused> {
    match &q.since {
        None => Ok(None),
        Some(d) => crate::store::parse_date(d).map(Some).ok_or_else(|| {
            Refused(
                StatusCode::BAD_REQUEST,
                "since: use a date like 2026-11-30".into(),
            )
        }),
    }
}

fn failed(e: impl std::fmt::Display) -> Refused {
    Refused(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

/// A request for an operator report, from this machine, with its options
/// read: every report handler takes one, so no report can leave out the
/// loopback check. The checks run in the order the handlers' separate
/// extractors ran them (peer, query, loopback, date), so a refused request
/// gets the answer it got before.
struct LocalReport {
    since: Option<i64>,
    top: Option<usize>,
}

impl<S: Send + Sync> FromRequestParts<S> for LocalReport {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Query(q) = Query::<ReportQuery>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        local_only(&peer).map_err(IntoResponse::into_response)?;
        let since = since(&q).map_err(IntoResponse::into_response)?;
        Ok(LocalReport { since, top: q.top })
    }
}

async fn unanswered(
    Shared(s): Shared<State>,
    r: LocalReport,
) -> Result<Json<report::UnansweredReport>, Refused> {
    let entries = s.store.journal(r.since).map_err(failed)?;
    Ok(Json(report::unanswered(
        &entries,
        r.top.unwrap_or(usize::MAX),
    )))
}

async fn stats(
    Shared(s): Shared<State>,
    r: LocalReport,
) -> Result<Json<report::StatsReport>, Refused> {
    let days = s.store.stats(r.since).map_err(failed)?;
    Ok(Json(report::stats(&days)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    /// What a report request from `peer` for `uri` reads as: its options,
    /// or the status it is refused with.
    async fn read(peer: &str, uri: &str) -> Result<(Option<i64>, Option<usize>), StatusCode> {
        let peer: SocketAddr = peer.parse().unwrap();
        let request = Request::builder()
            .uri(uri)
            .extension(ConnectInfo(peer))
            .body(())
            .unwrap();
        let (mut parts, ()) = request.into_parts();
        LocalReport::from_request_parts(&mut parts, &())
            .await
            .map(|r| (r.since, r.top))
            .map_err(|refused| refused.status())
    }

    #[tokio::test]
    async fn reports_are_served_to_this_machine_only() {
        assert_eq!(
            read("127.0.0.1:9", "/ops/unanswered?top=3").await,
            Ok((None, Some(3)))
        );
        assert_eq!(
            read("127.0.0.1:9", "/ops/stats?since=2026-11-30").await,
            Ok((crate::store::parse_date("2026-11-30"), None))
        );
        assert_eq!(
            read("192.0.2.1:9", "/ops/stats").await,
            Err(StatusCode::FORBIDDEN)
        );
        assert_eq!(
            read("127.0.0.1:9", "/ops/stats?since=soon").await,
            Err(StatusCode::BAD_REQUEST)
        );
        // The query is read before the peer is checked.
        assert_eq!(
            read("192.0.2.1:9", "/ops/unanswered?top=many").await,
            Err(StatusCode::BAD_REQUEST)
        );
    }
}
