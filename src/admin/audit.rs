//! What auditors (and operators) read: the ledger's last signed checkpoint with a "verify now"
//! that runs `civitas ledger verify`'s check, and the staff log, every staff action, filtered
//! by member, action and date, 50 a page, and as CSV. Reading changes nothing, so these
//! forms carry no reason.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::texts_ops::{OpsTexts, ops_texts};
use crate::{
    app::AppState,
    clock::rfc3339,
    error::AppError,
    store::{
        releases,
        staff::{self, StaffLogFilter, StaffLogRow},
    },
    web::{i18n::Lang, pages::Layout},
};

/// Staff log records a page shows.
const PAGE: i64 = 50;
/// The CSV holds at most this many records; narrower dates give the rest.
const CSV_MAX: i64 = 100_000;

pub struct CheckpointView {
    pub seq: i64,
    pub when: String,
    pub chains: i64,
    pub root: String,
}

/// The result of "verify now".
pub struct Verification {
    pub is_intact: bool,
    pub text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/ledger.html")]
pub struct LedgerPage {
    pub layout: Layout,
    pub o: &'static OpsTexts,
    pub checkpoint: Option<CheckpointView>,
    /// How many records the citizens' chains hold, in a sentence.
    pub holds: String,
    pub verification: Option<Verification>,
}

async fn ledger_page(
    state: &AppState,
    lang: Lang,
    verification: Option<Verification>,
) -> Result<LedgerPage, AppError> {
    let o = ops_texts(lang);
    let records = u64::try_from(releases::count_records(&state.db).await?).unwrap_or(0);
    Ok(LedgerPage {
        layout: Layout::new(lang, "/admin/ledger"),
        o,
        checkpoint: releases::find_latest_checkpoint(&state.db)
            .await?
            .map(|c| CheckpointView {
                seq: c.seq,
                when: lang.date_time(c.created_at),
                chains: c.chains,
                root: c.root,
            }),
        holds: o.ledger_holds(o.records(records)),
        verification,
    })
}

/// `GET /admin/ledger`: the last signed checkpoint.
pub async fn ledger(State(state): State<AppState>, lang: Lang) -> Result<LedgerPage, AppError> {
    ledger_page(&state, lang, None).await
}

/// `POST /admin/ledger/verify`: verifies the whole ledger and the staff log now, within the
/// request's time limit (a ledger too large for it is verified with `civitas ledger verify`).
pub async fn verify(State(state): State<AppState>, lang: Lang) -> Result<LedgerPage, AppError> {
    let limit = state
        .config
        .http
        .request_timeout
        .saturating_sub(std::time::Duration::from_secs(2))
        .max(std::time::Duration::from_secs(1));
    let checked = tokio::time::timeout(limit, crate::ledger::verify_all(&state.db, |_| {})).await;
    let o = ops_texts(lang);
    let n = |n| u64::try_from(n).unwrap_or(0);
    let verification = match checked {
        Err(_) => Verification {
            is_intact: false,
            text: o.verify_timeout.into(),
        },
        Ok(Err(e)) => return Err(AppError::Internal(e)),
        Ok(Ok(Ok(v))) => Verification {
            is_intact: true,
            text: o.verify_intact(
                o.records(n(v.records)),
                o.chains(n(v.chains)),
                o.checkpoints(n(v.checkpoints)),
                o.staff_records(n(v.staff_records)),
            ),
        },
        Ok(Ok(Err(why))) => {
            // An incident: said once here, without what the broken record names.
            tracing::error!("ALERT the ledger verification from the console found it broken");
            Verification {
                is_intact: false,
                // Where it breaks stays in the ledger's own (English) words.
                text: o.verify_broken(why.to_string()),
            }
        }
    };
    ledger_page(&state, lang, Some(verification)).await
}

#[derive(Deserialize, Default, Clone)]
pub struct LogQuery {
    #[serde(default)]
    staff: String,
    #[serde(default)]
    action: String,
    /// YYYY-MM-DD (UTC), inclusive.
    #[serde(default)]
    from: String,
    /// YYYY-MM-DD (UTC), inclusive.
    #[serde(default)]
    to: String,
    /// Records before this sequence number (the next page).
    #[serde(default)]
    before: Option<i64>,
}

fn day_start(o: &OpsTexts, date: &str) -> Result<Option<i64>, AppError> {
    if date.trim().is_empty() {
        return Ok(None);
    }
    let day = time::Date::parse(
        date.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .map_err(|_| AppError::BadRequest(o.dates_format.into()))?;
    Ok(Some(day.midnight().assume_utc().unix_timestamp()))
}

impl LogQuery {
    fn filter(&self, o: &OpsTexts) -> Result<StaffLogFilter, AppError> {
        Ok(StaffLogFilter {
            staff_id: self.staff.trim().to_owned(),
            action: self.action.trim().to_owned(),
            from: day_start(o, &self.from)?.unwrap_or(i64::MIN),
            until: day_start(o, &self.to)?.map_or(i64::MAX, |d| d + 86_400),
        })
    }

    /// The filter as a query string (without the page), for links.
    fn query_string(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("staff", self.staff.trim())
            .append_pair("action", self.action.trim())
            .append_pair("from", self.from.trim())
            .append_pair("to", self.to.trim())
            .finish()
    }
}

pub struct LogLine {
    pub seq: i64,
    pub when: String,
    pub staff: String,
    pub action: String,
    pub subject: String,
    pub reason: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub is_selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/log.html")]
pub struct LogPage {
    pub layout: Layout,
    pub o: &'static OpsTexts,
    pub staff: Vec<Choice>,
    pub actions: Vec<Choice>,
    pub from: String,
    pub to: String,
    pub lines: Vec<LogLine>,
    pub filter: String,
    pub older: Option<String>,
    pub is_first_page: bool,
}

async fn staff_names(state: &AppState) -> Result<HashMap<String, (String, String)>, AppError> {
    Ok(staff::find_all_staff(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.id, (m.name, m.role)))
        .collect())
}

/// `GET /admin/log`: every staff action, newest first, 50 a page.
pub async fn log(
    State(state): State<AppState>,
    lang: Lang,
    Query(q): Query<LogQuery>,
) -> Result<LogPage, AppError> {
    let o = ops_texts(lang);
    let filter = q.filter(o)?;
    let names = staff_names(&state).await?;
    let rows =
        staff::find_staff_log_filtered(&state.db, &filter, q.before.unwrap_or(i64::MAX), PAGE + 1)
            .await?;
    let has_more = rows.len() as i64 > PAGE;
    let lines: Vec<LogLine> = rows
        .into_iter()
        .take(PAGE as usize)
        .map(|r| LogLine {
            seq: r.seq,
            when: lang.date_time_seconds(r.created_at),
            staff: names
                .get(&r.staff_id)
                .map_or_else(|| r.staff_id.clone(), |(n, _)| n.clone()),
            action: r.action,
            subject: r.subject,
            reason: r.reason,
        })
        .collect();
    let query = q.query_string();
    let older = has_more
        .then(|| {
            lines
                .last()
                .map(|l| format!("/admin/log?{query}&before={}", l.seq))
        })
        .flatten();
    let mut staff: Vec<Choice> = names
        .into_iter()
        .map(|(id, (name, role))| Choice {
            is_selected: id == filter.staff_id,
            label: format!("{name} ({})", o.role(&role)),
            value: id,
        })
        .collect();
    staff.sort_by(|a, b| a.label.cmp(&b.label));
    let actions = staff::find_staff_log_actions(&state.db)
        .await?
        .into_iter()
        .map(|a| Choice {
            is_selected: a == filter.action,
            label: a.clone(),
            value: a,
        })
        .collect();
    Ok(LogPage {
        layout: Layout::new(lang, "/admin/log"),
        o,
        staff,
        actions,
        from: q.from.trim().to_owned(),
        to: q.to.trim().to_owned(),
        lines,
        filter: query,
        older,
        is_first_page: q.before.is_none(),
    })
}

/// A CSV cell a spreadsheet will not run as a formula (staff type the reasons).
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// `GET /admin/log.csv`: the filtered staff log, newest first, with each record's hashes.
///
/// The file is data, not a page: its column headers stay the same (English, snake_case) in
/// every language, so that scripts and spreadsheets that read it keep working; the values
/// (action codes, reasons as staff typed them, times) are stored data and are not translated.
pub async fn log_csv(
    State(state): State<AppState>,
    lang: Lang,
    Query(q): Query<LogQuery>,
) -> Result<Response, AppError> {
    let filter = q.filter(ops_texts(lang))?;
    let names = staff_names(&state).await?;
    let rows: Vec<StaffLogRow> =
        staff::find_staff_log_filtered(&state.db, &filter, i64::MAX, CSV_MAX).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| AppError::Internal(e.into());
    out.write_record([
        "seq",
        "time",
        "staff_id",
        "staff_name",
        "action",
        "subject",
        "reason",
        "prev_hash",
        "hash",
    ])
    .map_err(internal)?;
    for r in rows {
        let name = names.get(&r.staff_id).map_or("", |(n, _)| n.as_str());
        out.write_record([
            r.seq.to_string(),
            rfc3339(r.created_at),
            r.staff_id.clone(),
            cell(name),
            cell(&r.action),
            cell(&r.subject),
            cell(&r.reason),
            r.prev_hash,
            r.hash,
        ])
        .map_err(internal)?;
    }
    let body = out
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"civitas-staff-log.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_dates_are_whole_utc_days() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("call: T-1"), "call: T-1");
        let q = LogQuery {
            from: "2026-01-02".into(),
            to: "2026-01-02".into(),
            ..Default::default()
        };
        let o = ops_texts(Lang::En);
        let f = q.filter(o).unwrap();
        assert_eq!((f.from, f.until - f.from), (1_767_312_000, 86_400));
        assert!(
            LogQuery {
                to: "02/01/2026".into(),
                ..Default::default()
            }
            .filter(o)
            .is_err()
        );
    }
}
