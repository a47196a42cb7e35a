//! Prometheus metrics (`GET /metrics`, text exposition format), readable only from the
//! addresses in `http.metrics_allowed`. Labels never carry personal data: routes are the
//! route patterns, not the paths requested.

use std::time::Instant;

use axum::{
    Extension,
    extract::{MatchedPath, Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use prometheus_client::{
    encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder, text::encode},
    metrics::{
        counter::Counter,
        family::Family,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

use super::client_ip::ClientIp;
use crate::{error::AppError, state::AppState};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: Route,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: Route,
}

/// A route pattern as a label: the router's own shared string, so that labelling a request
/// copies no text.
#[derive(Clone, Debug)]
enum Route {
    Matched(MatchedPath),
    Unmatched,
}

impl Route {
    fn as_str(&self) -> &str {
        match self {
            Route::Matched(path) => path.as_str(),
            Route::Unmatched => "unmatched",
        }
    }
}

impl PartialEq for Route {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Route {}

impl std::hash::Hash for Route {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl EncodeLabelValue for Route {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        EncodeLabelValue::encode(&self.as_str(), encoder)
    }
}

/// The method as a label; methods outside RFC 9110's set are counted together.
pub(crate) fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

type HistogramFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The metrics registry and the metrics the HTTP layer records.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    duration: HistogramFamily,
    /// argon2id checks of recovery codes: each costs about 13 ms of a core.
    pub recovery_hash_checks: Counter,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("civitas");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route pattern and status",
            requests.clone(),
        );
        let duration: HistogramFamily = Family::new_with_constructor(|| {
            // 100 µs to about 6.5 s.
            Histogram::new(exponential_buckets(0.0001, 2.0, 17))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route pattern",
            duration.clone(),
        );
        let recovery_hash_checks = Counter::default();
        registry.register(
            "recovery_code_hash_checks",
            "argon2id checks of recovery codes (about 13 ms of CPU each)",
            recovery_hash_checks.clone(),
        );
        Self {
            registry,
            requests,
            duration,
            recovery_hash_checks,
        }
    }

    /// The registry, for other parts to add their own metrics at start-up.
    pub fn registry_mut(&mut self) -> &mut Registry {
        &mut self.registry
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// What [`Metrics::record`] needs of a request, taken before it is handed on. Labelling
/// allocates nothing: the method is a static string and the route the router's shared pattern.
pub struct Started {
    at: Instant,
    method: &'static str,
    route: Route,
}

impl Started {
    pub fn new(req: &Request) -> Self {
        Self {
            at: Instant::now(),
            method: method_label(req.method()),
            route: req
                .extensions()
                .get::<MatchedPath>()
                .map_or(Route::Unmatched, |p| Route::Matched(p.clone())),
        }
    }
}

impl Metrics {
    /// Counts and times one answered request (called by `web::edge` on every request).
    pub fn record(&self, started: Started, status: StatusCode) {
        self.requests
            .get_or_create(&RequestLabels {
                method: started.method,
                route: started.route.clone(),
                status: status.as_u16(),
            })
            .inc();
        self.duration
            .get_or_create(&RouteLabels {
                route: started.route,
            })
            .observe(started.at.elapsed().as_secs_f64());
    }
}

/// `GET /metrics`. The caller's address is the resolved client address: behind a trusted
/// proxy, the address the proxy saw, so the proxy's own address opens nothing.
pub async fn metrics(
    State(state): State<AppState>,
    Extension(ClientIp(client)): Extension<ClientIp>,
) -> Result<Response, AppError> {
    let allowed = &state.config.http.metrics_allowed;
    if !allowed.iter().any(|n| n.contains(&client)) {
        return Err(AppError::Forbidden);
    }
    let mut body = String::new();
    encode(&mut body, &state.metrics.registry)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("metrics encoding: {e}")))?;
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    Ok(response)
}
