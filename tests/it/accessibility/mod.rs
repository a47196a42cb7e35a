//! WCAG 2.2 A and AA, checked by axe-core in headless Chromium: every route of the route table
//! (`src/app.rs`, read by this test, so a new route cannot be left out) in every language, in
//! its normal and error states, at 1280 px and 320 px wide; none scrolls sideways at 320 px,
//! nor at 200 % and 400 % zoom (640 and 320 CSS pixels on a 1280 px screen); and on every
//! error state, each field marked invalid says why through `aria-describedby`, with the
//! message in a live region.
//!
//! Each state is fetched over HTTP with the right session (a citizen, a staff member, a
//! developer, or nobody) and `Accept-Language`, then written into a Chromium page at the
//! server's origin, so its style sheet and scripts load as they do for a visitor.
//!
//! axe-core comes from `tests/node` (`npm ci` there; `.ci/run` does it). Needs Debian's
//! `chromium`; without either the test says so loudly and passes, unless
//! `CIVITAS_REQUIRE_BROWSER=1` (as in CI).

mod routes;
mod states;

use std::collections::BTreeMap;

use chromiumoxide::{
    Page, cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams,
    cdp::js_protocol::runtime::EvaluateParams,
};
use civitas::web::i18n::Lang;

use crate::{
    browser::{chromium_present, chromium_with_authenticator},
    support::{TestApp, TestDb},
};

/// axe-core's build, installed by `npm ci` in `tests/node`.
const AXE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/node/node_modules/axe-core/axe.min.js"
);

/// Where axe-core cannot decide a text's contrast and the style sheet settles it: chart labels
/// (SVG, `fill: var(--ink)` #1b1f23 on #ffffff, 16:1) and code snippets that scroll inside
/// their box (`var(--ink)` on #ffffff). Any other undecided contrast fails.
const UNDECIDABLE: &str = "svg .chart-label, .snippet code";

/// The rules: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
const TAGS: &str = "['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22a','wcag22aa']";

/// Runs `script` in the page and returns its value (promises awaited).
async fn eval<T: serde::de::DeserializeOwned>(page: &Page, script: &str) -> T {
    let params = EvaluateParams::builder()
        .expression(script)
        .await_promise(true)
        .return_by_value(true)
        .build()
        .unwrap();
    let result = page
        .evaluate(params)
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{}", &script[..script.len().min(300)]));
    let value = result.value().cloned().unwrap_or(serde_json::Value::Null);
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}: {value}"))
}

/// Replaces the page's document with `html` and waits for its style sheet and scripts.
async fn show(page: &Page, html: &str) {
    let write = format!(
        "performance.clearResourceTimings(); document.open(); document.write({}); \
         document.close(); true",
        serde_json::to_string(html).unwrap()
    );
    let _: bool = eval(page, &write).await;
    // Up to 15 s: several browsers may share two cores.
    for _ in 0..750 {
        let ready: bool = eval(
            page,
            "document.readyState === 'complete' && [...document.styleSheets].every(s => { \
               try { return s.cssRules.length > 0 } catch (e) { return false } })",
        )
        .await;
        if ready {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the page's style sheet did not load");
}

async fn viewport(page: &Page, width: i64) {
    page.execute(
        SetDeviceMetricsOverrideParams::builder()
            .width(width)
            .height(900)
            .device_scale_factor(1.0)
            .mobile(false)
            .build()
            .unwrap(),
    )
    .await
    .unwrap();
}

/// axe-core's WCAG A/AA violations on the page, one line each.
async fn violations(page: &Page) -> Vec<String> {
    if !eval::<bool>(page, "typeof window.axe === 'object'").await {
        let source = std::fs::read_to_string(AXE).unwrap();
        let _: bool = eval(page, &format!("{source}\n;true")).await;
    }
    let script = format!(
        "axe.run(document, {{ runOnly: {{ type: 'tag', values: {TAGS} }}, \
           resultTypes: ['violations', 'incomplete'] }}).then(r => r.violations.concat( \
           r.incomplete.filter(v => v.id === 'color-contrast') \
             .map(v => ({{ ...v, impact: 'undecided, so unproven', nodes: v.nodes.filter(n => \
               !document.querySelector(n.target[0])?.closest('{UNDECIDABLE}')) }}))).flatMap(v => \
           v.nodes.map(n => `${{v.id}} (${{v.impact}}): ${{v.help}} at ${{n.target.join(' ')}}: \
           ${{(n.failureSummary || '').replace(/\\s+/g, ' ')}}`)))"
    );
    eval(page, &script).await
}

/// Whether the page scrolls sideways.
async fn scrolls_sideways(page: &Page) -> Option<String> {
    eval::<Option<String>>(
        page,
        "(() => { const d = document.documentElement; \
           if (d.scrollWidth <= d.clientWidth + 1) return null; \
           const wide = [...document.querySelectorAll('body *')].filter(e => \
             e.getBoundingClientRect().right > d.clientWidth + 1).slice(-3) \
             .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className); \
           return `${d.scrollWidth} px wide in ${d.clientWidth}: ${wide.join(', ')}`; })()",
    )
    .await
}

/// On an error state: fields marked invalid, what describes them, and whether the message is
/// in a live region. Every invalid field must be described by text in a live region; a form
/// shown again with an error must mark the fields at fault. A refused form (`refused`) must
/// come back with its message (`#form_error`) and a field marked; any other error is either
/// that or an error page with the reference the helpdesk looks up.
async fn error_links(page: &Page, refused: bool) -> Vec<String> {
    // A block, so `refused` is declared anew each time.
    let script = format!("{{ const refused = {refused}; {ERROR_LINKS} }}");
    eval(page, &script).await
}

const ERROR_LINKS: &str = "(() => { const out = []; \
           const live = e => !!e.closest('[role=alert],[role=status],[aria-live]'); \
           const invalid = [...document.querySelectorAll('[aria-invalid=true]')]; \
           for (const f of invalid) { \
             const ids = (f.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean); \
             const described = ids.map(i => document.getElementById(i)).filter(Boolean); \
             if (ids.length !== described.length) out.push(`#${f.id}: aria-describedby names a missing element`); \
             if (!described.some(d => live(d) && d.textContent.trim())) \
               out.push(`#${f.id}: invalid, but not described by a message in a live region`); \
           } \
           const message = [...document.querySelectorAll('main [role=alert]')] \
             .filter(e => e.textContent.trim()); \
           const fields = [...document.querySelectorAll('main form input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main form textarea')]; \
           if (message.length && fields.length && !invalid.length) \
             out.push('the form is shown again with an error, but no field is marked aria-invalid'); \
           const summary = document.getElementById('form_error'); \
           const summed = !!summary && live(summary) && !!summary.textContent.trim(); \
           if (refused && !summed) out.push('the refused form has no #form_error message in a live region'); \
           if (refused && !invalid.length) out.push('the refused form marks no field aria-invalid'); \
           if (!summed && !document.getElementById('error-reference')) \
             out.push('neither a form message (#form_error) nor an error page with a reference'); \
           return out; })()";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_in_every_language_passes_wcag_2_2_aa_and_fits_a_small_screen() {
    if !chromium_present() {
        return;
    }
    if !std::path::Path::new(AXE).exists() {
        if std::env::var("CIVITAS_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("CIVITAS_REQUIRE_BROWSER=1 but {AXE} is missing: run npm ci in tests/node");
        }
        eprintln!(
            "\n!!! SKIPPING the accessibility test: {AXE} is missing (npm ci in tests/node)\n"
        );
        return;
    }
    let db = TestDb::sqlite();
    let app = TestApp::spawn_with_outbox(&db).await;
    let states = states::states(&app).await;
    routes::check_coverage(&states);

    let (mut browser, page, events, _profile) = chromium_with_authenticator().await;
    page.goto(app.url("/help").as_str()).await.unwrap();
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (mut checked, mut axe_runs) = (0, 0);
    for state in &states {
        for lang in Lang::ALL {
            let name = format!("{} in {}", state.name(), lang.tag());
            let html = match state.fetch(&app, lang).await {
                Ok(html) => html,
                Err(wrong) => {
                    failures.insert(name, vec![wrong]);
                    continue;
                }
            };
            let mut problems = vec![];
            // A desktop window, then 200 % and 400 % zoom on it (640 and 320 CSS pixels, as
            // a 320 px phone): axe-core at the first and the last, sideways scrolling at each.
            show(&page, &html).await;
            for (width, axe) in [(1280, true), (640, false), (320, true)] {
                viewport(&page, width).await;
                if axe {
                    axe_runs += 1;
                    problems.extend(
                        violations(&page)
                            .await
                            .into_iter()
                            .map(|v| format!("at {width} px: {v}")),
                    );
                }
                if let Some(wide) = scrolls_sideways(&page).await {
                    problems.push(format!("scrolls sideways at {width} CSS px: {wide}"));
                }
            }
            if state.error {
                let refused = routes::kind_of(state.route) == Some(routes::Kind::Form)
                    && state.method == reqwest::Method::POST
                    && state.origin.is_none();
                problems.extend(error_links(&page, refused).await);
            }
            // Nothing from another site, and no web fonts: the system's own fonts only.
            let elsewhere: Vec<String> = eval(
                &page,
                "[...new Set([...document.querySelectorAll('[src],[href]')].map(e => e.src || e.href) \
                   .concat(performance.getEntriesByType('resource').map(r => r.name)))] \
                   .filter(u => /^https?:/.test(u) && new URL(u).origin !== location.origin \
                     && !document.querySelector(`a[href=\"${u}\"]`))",
            )
            .await;
            if !elsewhere.is_empty() {
                problems.push(format!("loads from another site: {elsewhere:?}"));
            }
            if eval::<u32>(&page, "document.fonts.size").await > 0 {
                problems.push("uses a web font".into());
            }
            let dir: String = eval(&page, "document.documentElement.dir || 'ltr'").await;
            if dir != lang.dir() {
                problems.push(format!("dir={dir}, not {}", lang.dir()));
            }
            let html_lang: String = eval(&page, "document.documentElement.lang").await;
            if html_lang != lang.tag() {
                problems.push(format!("lang={html_lang}, not {}", lang.tag()));
            }
            checked += 1;
            if !problems.is_empty() {
                failures.insert(name, problems);
            }
        }
    }
    browser.close().await.ok();
    events.await.ok();
    app.stop().await;
    let report: Vec<String> = failures
        .iter()
        .map(|(state, problems)| format!("{state}:\n  {}", problems.join("\n  ")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {checked} page states fail:\n{}",
        failures.len(),
        report.join("\n")
    );
    eprintln!(
        "accessibility: {checked} page states ({} states × {} languages), {axe_runs} axe-core \
         runs, 0 violations, no sideways scrolling at 320 and 640 CSS px",
        states.len(),
        Lang::ALL.len()
    );
}
