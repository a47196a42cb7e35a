//! The citizen's data-release history: a page at a time, by service if they choose, as JSON
//! or CSV to keep, and a receipt per entry (its record in the ledger and the signed
//! checkpoint that covers it).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, Query, State},
    http::header,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::who;
use crate::{
    clock::rfc3339,
    error::AppError,
    state::AppState,
    store::releases::{self, ReleaseRow},
    web::{i18n::Lang, pages::Layout},
};

/// Entries per page.
pub const PAGE: i64 = 20;
/// At most this many entries in one download.
const DOWNLOAD_MAX: i64 = 100_000;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// A client_id: only releases to that service.
    #[serde(default)]
    pub service: Option<String>,
    /// Only entries before this number in the citizen's chain (the next page).
    #[serde(default)]
    pub before: Option<i64>,
}

impl HistoryQuery {
    pub fn service(&self) -> Option<&str> {
        self.service.as_deref().filter(|s| !s.is_empty())
    }

    /// The query string for the same filter, for links.
    pub fn filter_query(&self) -> String {
        match self.service() {
            Some(s) => format!("?service={}", urlencode(s)),
            None => String::new(),
        }
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub struct ReleaseItem {
    pub id: String,
    pub when: String,
    pub service: String,
    pub claims: String,
    pub purpose: String,
    pub acr: String,
    pub channel: &'static str,
}

pub struct ServiceChoice {
    pub client_id: String,
    pub name: String,
    pub selected: bool,
}

/// One page of the history, the services to filter by, and the next page's link if any.
pub struct History {
    pub items: Vec<ReleaseItem>,
    pub services: Vec<ServiceChoice>,
    pub older: Option<String>,
    pub newest: Option<String>,
    pub filter: String,
}

/// How the service received the details, in everyday words: at sign-in (an ID token or a
/// SAML assertion), or later when it asked again (userinfo).
fn channel_name(lang: Lang, channel: &str) -> &'static str {
    let t = lang.messages();
    match channel {
        "userinfo" => t.release_how_later,
        _ => t.release_how_sign_in,
    }
}

pub async fn page(
    state: &AppState,
    lang: Lang,
    person_id: &str,
    q: &HistoryQuery,
) -> Result<History, AppError> {
    let services = releases::find_release_services_of_person(&state.db, person_id).await?;
    // The filter is kept, and shown back in links, only when it names one of the citizen's
    // own services: a page with personal data never reflects text a link chose (BREACH: see
    // `web::compression`). Anything else shows every service.
    let q = &HistoryQuery {
        service: q
            .service()
            .filter(|s| services.iter().any(|(id, _)| id == s))
            .map(str::to_owned),
        before: q.before,
    };
    let rows =
        releases::find_releases_of_person(&state.db, person_id, q.service(), q.before, PAGE + 1)
            .await?;
    let filter = q.filter_query();
    // The next page starts before the last entry shown.
    let older = (rows.len() as i64 > PAGE)
        .then(|| rows.get(PAGE as usize - 1).map(|r| r.seq))
        .flatten()
        .map(|seq| {
            let sep = if filter.is_empty() { '?' } else { '&' };
            format!("/account{filter}{sep}before={seq}#releases")
        });
    let items: Vec<ReleaseItem> = rows
        .into_iter()
        .take(PAGE as usize)
        .map(|r| ReleaseItem {
            when: lang.date_time(r.created_at),
            channel: channel_name(lang, &r.channel),
            id: r.id,
            service: r.client_name,
            claims: r.claims,
            purpose: r.purpose,
            acr: r.acr,
        })
        .collect();
    let services = services
        .into_iter()
        .map(|(client_id, name)| ServiceChoice {
            selected: q.service() == Some(client_id.as_str()),
            client_id,
            name,
        })
        .collect();
    Ok(History {
        items,
        services,
        older,
        newest: q.before.map(|_| format!("/account{filter}#releases")),
        filter,
    })
}

/// A release as the citizen downloads it.
#[derive(Serialize)]
struct Download {
    time: String,
    service: String,
    service_id: String,
    claims: Vec<String>,
    purpose: String,
    acr: String,
    channel: String,
    record: i64,
    record_hash: String,
}

impl From<ReleaseRow> for Download {
    fn from(r: ReleaseRow) -> Self {
        Download {
            time: rfc3339(r.created_at),
            service: r.client_name,
            service_id: r.client_id,
            claims: r
                .claims
                .split(' ')
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
            purpose: r.purpose,
            acr: r.acr,
            channel: r.channel,
            record: r.seq,
            record_hash: r.hash,
        }
    }
}

async fn all(
    state: &AppState,
    person_id: &str,
    q: &HistoryQuery,
) -> Result<Vec<Download>, AppError> {
    Ok(
        releases::find_releases_of_person(&state.db, person_id, q.service(), None, DOWNLOAD_MAX)
            .await?
            .into_iter()
            .map(Download::from)
            .collect(),
    )
}

fn attachment(content_type: &'static str, name: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// `GET /account/releases.json`
pub async fn download_json(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, AppError> {
    let Some(me) = who(&state, &session).await? else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let body = serde_json::to_vec_pretty(&all(&state, &me.person_id, &q).await?)
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(attachment(
        "application/json",
        "attachment; filename=\"civitas-data-releases.json\"",
        body,
    ))
}

/// `GET /account/releases.csv`
pub async fn download_csv(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, AppError> {
    let Some(me) = who(&state, &session).await? else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "time",
        "service",
        "service_id",
        "claims",
        "purpose",
        "acr",
        "channel",
        "record",
        "record_hash",
    ])
    .map_err(|e| AppError::Internal(e.into()))?;
    for d in all(&state, &me.person_id, &q).await? {
        out.write_record([
            d.time,
            d.service,
            d.service_id,
            d.claims.join(" "),
            d.purpose,
            d.acr,
            d.channel,
            d.record.to_string(),
            d.record_hash,
        ])
        .map_err(|e| AppError::Internal(e.into()))?;
    }
    let body = out
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        "attachment; filename=\"civitas-data-releases.csv\"",
        body,
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "account/receipt.html")]
pub struct ReceiptPage {
    pub layout: Layout,
    pub record: ReleaseRow,
    pub when: String,
    pub checkpoint: Option<CheckpointView>,
}

pub struct CheckpointView {
    pub seq: i64,
    pub when: String,
    pub chains: i64,
    pub root: String,
    pub jws: String,
}

/// `GET /account/releases/{id}`: the receipt of one entry.
pub async fn receipt(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Some(me) = who(&state, &session).await? else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let record = releases::find_record_of_person(&state.db, &me.person_id, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let checkpoint = releases::find_covering_checkpoint(&state.db, &me.person_id, record.seq)
        .await?
        .map(|c| CheckpointView {
            seq: c.seq,
            when: rfc3339(c.created_at),
            chains: c.chains,
            root: c.root,
            jws: c.jws,
        });
    Ok(ReceiptPage {
        layout: Layout::new(lang, &format!("/account/releases/{}", record.id)),
        when: rfc3339(record.created_at),
        record,
        checkpoint,
    }
    .into_response())
}
