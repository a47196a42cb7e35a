//! The one middleware every request passes that needs the state: it resolves the client's
//! address, counts and times the request, waits for the session deletes it queued, records an
//! error answer under its reference (`help::references`), and adds the security headers. One layer instead of four saves each request three boxed futures and
//! service clones (`cargo bench --bench micro -- http_chain`).

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};

use super::{client_ip, metrics::Started, security, sessions};
use crate::{help::references, state::AppState};

pub async fn edge(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    client_ip::resolve(&state, &mut req);
    let started = Started::new(&req);
    let seen = references::Seen::of(&req);
    let mut response = sessions::settle_queued_deletes(next.run(req)).await;
    state.metrics.record(started, response.status());
    references::record(&state, seen, &response);
    security::add_headers(&state, &mut response);
    response
}
