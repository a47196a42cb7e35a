//! Usage (`GET /portal/clients/{id}/usage`): sign-ins and failures per UTC day over the last
//! 30 days, as two bar charts drawn on the server (inline SVG, no script) and as a table with
//! the same figures. Sign-ins are the ID tokens the ledger recorded for the client; failures
//! are the daily counts of `oidc::client_failures`.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Path, State},
};

use super::{Action, Developer, client_for, texts::PortalTexts};
use crate::{
    error::AppError,
    oidc::client_failures::day_of,
    state::AppState,
    store::{client_failures, clients::ClientRow, releases},
    web::{i18n::Lang, pages::Layout},
};

/// Days shown, today included.
pub const DAYS: usize = 30;
const DAY: i64 = 86400;

// The charts' coordinate system (the `viewBox`): the picture scales to the page's width.
const WIDTH: f64 = 300.0;
const HEIGHT: f64 = 150.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 6.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 22.0;

/// One day's figures.
pub struct Day {
    /// `YYYY-MM-DD`
    pub date: String,
    pub sign_ins: i64,
    pub failures: i64,
}

/// A bar, in `viewBox` units.
pub struct Bar {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    /// For its `<title>`: the day and the figure.
    pub label: String,
}

/// A label on an axis, in `viewBox` units.
pub struct Tick {
    pub x: String,
    pub y: String,
    pub anchor: &'static str,
    pub text: String,
}

/// One bar chart: a series over the days, with its accessible name and description.
pub struct Chart {
    /// Prefix of the chart's element ids.
    pub id: &'static str,
    pub view_box: String,
    pub title: String,
    pub desc: String,
    /// CSS class of the bars (their colour).
    pub class: &'static str,
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
    /// The y of the top gridline and of the baseline, and the plot's left and right edges.
    pub top: String,
    pub base: String,
    pub left: String,
    pub right: String,
}

/// The smallest of 1, 2, 5, 10, 20, 50, … at least `n`: the top of the y axis.
fn axis_top(n: i64) -> i64 {
    let mut step = 1;
    loop {
        for f in [1, 2, 5] {
            if f * step >= n {
                return f * step;
            }
        }
        step *= 10;
    }
}

fn n(v: f64) -> String {
    format!("{v:.1}")
}

/// The UTC date of `t` in `format`.
fn formatted(t: i64, format: &[time::format_description::BorrowedFormatItem<'_>]) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}

/// `2026-11-05`
fn date(t: i64) -> String {
    formatted(t, time::macros::format_description!("[year]-[month]-[day]"))
}

/// `5 Nov`, for axis labels, in `p`'s language.
fn short_date(t: i64, p: &PortalTexts) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .map(|d| p.chart_day(d.day(), u8::from(d.month())))
        .unwrap_or_default()
}

/// What a chart counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    SignIns,
    Failures,
}

impl Figure {
    /// "3 sign-ins", "1 failure".
    fn count(self, p: &PortalTexts, n: i64) -> String {
        match self {
            Figure::SignIns => p.sign_ins(n),
            Figure::Failures => p.failures(n),
        }
    }

    fn title(self, p: &PortalTexts, days: usize) -> String {
        match self {
            Figure::SignIns => p.chart_sign_ins_title(days),
            Figure::Failures => p.chart_failures_title(days),
        }
    }

    /// The description of a chart with nothing in it.
    fn none(self, p: &PortalTexts, from: String, to: String) -> String {
        match self {
            Figure::SignIns => p.chart_no_sign_ins(from, to),
            Figure::Failures => p.chart_no_failures(from, to),
        }
    }
}

impl Chart {
    /// A chart of `values` (oldest first, one per day from `first`), counting `figure`, with
    /// its words in `p`'s language.
    pub fn new(
        id: &'static str,
        class: &'static str,
        figure: Figure,
        p: &PortalTexts,
        first: i64,
        values: &[i64],
    ) -> Self {
        let top = axis_top(values.iter().copied().max().unwrap_or(0).max(1));
        let plot_width = WIDTH - LEFT - RIGHT;
        let plot_height = HEIGHT - TOP - BOTTOM;
        let slot = plot_width / values.len().max(1) as f64;
        let width = slot * 0.7;
        let date = |i: usize| date(first + i as i64 * DAY);
        let bars = values
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > 0)
            .map(|(i, v)| {
                let height = *v as f64 / top as f64 * plot_height;
                Bar {
                    x: n(LEFT + i as f64 * slot + (slot - width) / 2.0),
                    y: n(TOP + plot_height - height),
                    width: n(width),
                    height: n(height),
                    label: p.chart_bar(date(i), figure.count(p, *v)),
                }
            })
            .collect();
        let base = TOP + plot_height;
        let last = values.len().saturating_sub(1);
        let mut ticks = vec![
            Tick {
                x: n(LEFT - 4.0),
                y: n(base),
                anchor: "end",
                text: "0".into(),
            },
            Tick {
                x: n(LEFT - 4.0),
                y: n(TOP + 4.0),
                anchor: "end",
                text: top.to_string(),
            },
        ];
        for (i, anchor) in [(0, "start"), (last / 2, "middle"), (last, "end")] {
            let x = match anchor {
                "start" => LEFT,
                "end" => WIDTH - RIGHT,
                _ => LEFT + (i as f64 + 0.5) * slot,
            };
            ticks.push(Tick {
                x: n(x),
                y: n(HEIGHT - 6.0),
                anchor,
                text: short_date(first + i as i64 * DAY, p),
            });
        }
        let total: i64 = values.iter().sum();
        let busiest = values
            .iter()
            .enumerate()
            .max_by_key(|(i, v)| (**v, *i))
            .filter(|(_, v)| **v > 0);
        let desc = match busiest {
            Some((i, v)) => {
                p.chart_summary(figure.count(p, total), date(0), date(last), *v, date(i))
            }
            None => figure.none(p, date(0), date(last)),
        };
        Chart {
            id,
            view_box: format!("0 0 {WIDTH} {HEIGHT}"),
            title: figure.title(p, values.len()),
            desc,
            class,
            bars,
            ticks,
            top: n(TOP),
            base: n(base),
            left: n(LEFT),
            right: n(WIDTH - RIGHT),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/usage.html")]
pub struct UsagePage {
    pub layout: Layout,
    pub client: ClientRow,
    pub charts: [Chart; 2],
    /// Newest first.
    pub days: Vec<Day>,
    pub sign_ins: i64,
    pub failures: i64,
}

/// `GET /portal/clients/{id}/usage`
pub async fn usage(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<UsagePage, AppError> {
    let (client, _) = client_for(&state, &who, &id, Action::Read).await?;
    let p = &lang.catalogue().portal;
    let first = day_of(state.clock.now()) - (DAYS as i64 - 1) * DAY;
    let per_day = |rows: Vec<(i64, i64)>| {
        let rows: BTreeMap<i64, i64> = rows.into_iter().collect();
        (0..DAYS as i64)
            .map(|i| rows.get(&(first + i * DAY)).copied().unwrap_or(0))
            .collect::<Vec<i64>>()
    };
    let sign_ins = per_day(releases::find_daily_id_tokens(&state.db, &client.id, first).await?);
    let failures =
        per_day(client_failures::find_daily_failures(&state.db, &client.id, first).await?);
    let days = (0..DAYS)
        .rev()
        .map(|i| Day {
            date: date(first + i as i64 * DAY),
            sign_ins: sign_ins[i],
            failures: failures[i],
        })
        .collect();
    Ok(UsagePage {
        layout: Layout::new(lang, "/portal"),
        charts: [
            Chart::new(
                "sign-ins",
                "chart-sign-ins",
                Figure::SignIns,
                p,
                first,
                &sign_ins,
            ),
            Chart::new(
                "failures",
                "chart-failures",
                Figure::Failures,
                p,
                first,
                &failures,
            ),
        ],
        sign_ins: sign_ins.iter().sum(),
        failures: failures.iter().sum(),
        days,
        client,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> &'static PortalTexts {
        &Lang::En.catalogue().portal
    }

    #[test]
    fn the_axis_ends_on_a_round_number() {
        assert_eq!(axis_top(1), 1);
        assert_eq!(axis_top(3), 5);
        assert_eq!(axis_top(7), 10);
        assert_eq!(axis_top(11), 20);
        assert_eq!(axis_top(200), 200);
        assert_eq!(axis_top(201), 500);
    }

    #[test]
    fn bars_stand_on_the_baseline_inside_the_picture_in_proportion() {
        let first = 86400 * 20_000;
        let mut values = vec![0; DAYS];
        values[0] = 5;
        values[DAYS - 1] = 10;
        let chart = Chart::new("c", "x", Figure::SignIns, en(), first, &values);
        assert_eq!(chart.bars.len(), 2, "days without any draw no bar");
        let f = |s: &str| s.parse::<f64>().unwrap();
        for b in &chart.bars {
            assert!(f(&b.x) >= LEFT && f(&b.x) + f(&b.width) <= WIDTH - RIGHT);
            assert!((f(&b.y) + f(&b.height) - f(&chart.base)).abs() < 0.11);
            assert!(f(&b.y) >= TOP - 0.05);
        }
        assert!((f(&chart.bars[1].height) - 2.0 * f(&chart.bars[0].height)).abs() < 0.2);
        assert!(chart.bars[1].label.ends_with(": 10 sign-ins"));
        assert!(chart.desc.starts_with("15 sign-ins from"), "{}", chart.desc);
        assert!(chart.ticks.iter().any(|t| t.text == "10"));
    }

    #[test]
    fn charts_speak_the_page_s_language() {
        let fr = &Lang::Fr.catalogue().portal;
        // 2026-11-05 and 2026-12-05.
        let first = 20_762 * DAY;
        assert_eq!(short_date(first, en()), "5 Nov");
        assert_eq!(short_date(first, fr), "5 nov.");
        assert_eq!(short_date(first + 30 * DAY, fr), "5 déc.");
        let mut values = vec![0; DAYS];
        values[3] = 1;
        let chart = Chart::new("c", "x", Figure::SignIns, fr, first, &values);
        assert_eq!(chart.title, "Connexions par jour, 30 derniers jours (UTC)");
        assert!(
            chart.desc.starts_with("1 connexion du 2026-11-05 au "),
            "{}",
            chart.desc
        );
        assert!(
            chart.bars[0].label.ends_with(": 1 connexion"),
            "{}",
            chart.bars[0].label
        );
        let chart = Chart::new("c", "x", Figure::SignIns, en(), first, &values);
        assert!(chart.desc.starts_with("1 sign-in from"), "{}", chart.desc);
    }

    #[test]
    fn an_empty_chart_says_so() {
        let chart = Chart::new("c", "x", Figure::Failures, en(), 0, &[0; DAYS]);
        assert!(chart.bars.is_empty());
        assert!(
            chart.desc.starts_with("No failures from 1970-01-01"),
            "{}",
            chart.desc
        );
    }
}
