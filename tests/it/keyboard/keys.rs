//! Key events sent over the DevTools protocol, and what has the focus after each.

use std::time::Duration;

use chromiumoxide::{
    Page,
    cdp::browser_protocol::input::{
        DispatchKeyEventParams, DispatchKeyEventType, InsertTextParams,
    },
    types::MethodId,
};
use serde_json::{Value, json};

use super::tree::*;

/// Tab presses allowed to reach one control.
pub(super) const MAX_TABS: usize = 40;

/// A DevTools command sent as plain JSON and answered as JSON: the accessibility snapshot
/// carries roles and property names newer than chromiumoxide's generated types.
#[derive(Debug, serde::Serialize)]
pub(super) struct Raw {
    #[serde(skip)]
    method: &'static str,
    #[serde(flatten)]
    params: Value,
}

impl chromiumoxide::Method for Raw {
    fn identifier(&self) -> MethodId {
        self.method.into()
    }
}

impl chromiumoxide::Command for Raw {
    type Response = Value;
}

pub(super) async fn raw(page: &Page, method: &'static str, params: Value) -> Value {
    page.execute(Raw { method, params })
        .await
        .unwrap_or_else(|e| panic!("{method}: {e}"))
        .result
}

/// The element that has the focus, as the checks need it.
#[derive(Debug, serde::Deserialize)]
pub(super) struct Focused {
    /// Whether anything in the page has it.
    pub(super) some: bool,
    pub(super) html: String,
    /// Whether it matches the selector asked about.
    pub(super) matches: bool,
    /// Its place in the page's list of controls, where one was made (`data-kbd`).
    pub(super) index: Option<usize>,
    /// `:focus-visible` matches (the browser deems the focus one to show).
    pub(super) focus_visible: bool,
    /// An outline of some width, or a box shadow, is drawn around it.
    pub(super) ring: bool,
    /// It is inside the viewport (scrolled there), not off screen.
    pub(super) on_screen: bool,
}

/// One language's run through the pages, driving one browser tab.
pub(super) struct Keyboard<'a> {
    pub(super) page: &'a Page,
    pub(super) lang: &'static str,
    /// The page being looked at, for messages.
    pub(super) here: String,
    /// Controls the Tab key reached on it, each checked for a visible focus.
    pub(super) reached: usize,
    /// The writing direction the pages must have (`ltr` until the language is switched).
    pub(super) dir: &'static str,
}

impl Keyboard<'_> {
    pub(super) fn at(&self) -> String {
        format!("[{}] {}", self.lang, self.here)
    }

    pub(super) async fn key(
        &self,
        key: &str,
        code: &str,
        vk: i64,
        text: Option<&str>,
        modifiers: i64,
    ) {
        let down = DispatchKeyEventParams::builder()
            .key(key)
            .code(code)
            .windows_virtual_key_code(vk)
            .native_virtual_key_code(vk)
            .modifiers(modifiers);
        let down = match text {
            Some(t) => down
                .r#type(DispatchKeyEventType::KeyDown)
                .text(t)
                .unmodified_text(t),
            None => down.r#type(DispatchKeyEventType::RawKeyDown),
        };
        self.page.execute(down.build().unwrap()).await.unwrap();
        let up = DispatchKeyEventParams::builder()
            .r#type(DispatchKeyEventType::KeyUp)
            .key(key)
            .code(code)
            .windows_virtual_key_code(vk)
            .native_virtual_key_code(vk)
            .modifiers(modifiers);
        self.page.execute(up.build().unwrap()).await.unwrap();
    }

    pub(super) async fn tab(&self) {
        self.key("Tab", "Tab", 9, None, 0).await;
    }

    pub(super) async fn shift_tab(&self) {
        self.key("Tab", "Tab", 9, None, 8).await;
    }

    pub(super) async fn enter(&self) {
        self.key("Enter", "Enter", 13, Some("\r"), 0).await;
    }

    pub(super) async fn space(&self) {
        self.key(" ", "Space", 32, Some(" "), 0).await;
    }

    pub(super) async fn arrow(&self, down: bool) {
        if down {
            self.key("ArrowDown", "ArrowDown", 40, None, 0).await;
        } else {
            self.key("ArrowUp", "ArrowUp", 38, None, 0).await;
        }
    }

    /// Types into the focused field, as an input method would.
    pub(super) async fn type_text(&self, text: &str) {
        self.page
            .execute(InsertTextParams::new(text))
            .await
            .unwrap();
    }

    pub(super) async fn eval<T: serde::de::DeserializeOwned>(&self, js: &str) -> T {
        self.page
            .evaluate(js)
            .await
            .unwrap_or_else(|e| panic!("{}: {js}: {e}", self.at()))
            .into_value()
            .unwrap_or_else(|e| panic!("{}: {js}: {e}", self.at()))
    }

    pub(super) async fn focused(&self, selector: &str) -> Focused {
        let js = format!(
            r#"(() => {{
              const e = document.activeElement;
              if (!e || e === document.body || e === document.documentElement) {{
                return {{ some: false, html: "", matches: false, index: null,
                          focus_visible: false, ring: false, on_screen: false }};
              }}
              const s = getComputedStyle(e);
              const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
                && s.outlineColor !== "rgba(0, 0, 0, 0)";
              const shadow = s.boxShadow !== "" && s.boxShadow !== "none";
              const r = e.getBoundingClientRect();
              return {{
                some: true,
                html: e.outerHTML.replace(/\s+/g, " ").slice(0, 200),
                matches: {sel} !== "" && e.matches({sel}),
                index: e.dataset.kbd === undefined ? null : Number(e.dataset.kbd),
                focus_visible: e.matches(":focus-visible"),
                ring: outline || shadow,
                on_screen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
                  && r.top < innerHeight && r.left < innerWidth,
              }};
            }})()"#,
            sel = serde_json::to_string(selector).unwrap()
        );
        self.eval(&js).await
    }

    /// The focus is on a control and shows (WCAG 2.4.7 focus visible, 2.4.11 not obscured).
    pub(super) fn assert_focus_shows(&mut self, f: &Focused) {
        assert!(
            f.focus_visible && f.ring && f.on_screen,
            "{}: the focus does not show on {} (:focus-visible {}, outline or shadow {}, \
             on screen {})",
            self.at(),
            f.html,
            f.focus_visible,
            f.ring,
            f.on_screen
        );
        self.reached += 1;
    }

    /// Presses Tab until the focus is on `selector`, checking the focus shows on each control
    /// on the way.
    pub(super) async fn tab_to(&mut self, selector: &str) {
        self.seek(selector, false).await;
    }

    /// The same with Shift+Tab, backwards.
    pub(super) async fn shift_tab_to(&mut self, selector: &str) {
        self.seek(selector, true).await;
    }

    pub(super) async fn seek(&mut self, selector: &str, backwards: bool) {
        let mut passed = Vec::new();
        for _ in 0..MAX_TABS {
            if backwards {
                self.shift_tab().await;
            } else {
                self.tab().await;
            }
            let f = self.focused(selector).await;
            if !f.some {
                passed.push("(nothing)".to_owned());
                continue;
            }
            self.assert_focus_shows(&f);
            if f.matches {
                return;
            }
            passed.push(f.html);
        }
        panic!(
            "{}: {MAX_TABS} presses of Tab (backwards: {backwards}) never reached {selector}; they went to:\n{}",
            self.at(),
            passed.join("\n")
        );
    }

    /// Waits for the page `name` (its URL has `url_part`, it has `ready`), then checks its
    /// accessibility tree.
    pub(super) async fn arrive(&mut self, name: &str, url_part: &str, ready: &str) -> Tree {
        self.wait_for(name, url_part, ready).await;
        self.check_tree().await
    }

    pub(super) async fn wait_for(&mut self, name: &str, url_part: &str, ready: &str) {
        if self.reached > 0 {
            eprintln!(
                "{}: {} controls reached with Tab, each showing its focus",
                self.at(),
                self.reached
            );
        }
        self.here = name.to_owned();
        self.reached = 0;
        let js = format!(
            "location.href.includes({}) && document.readyState === 'complete' \
             && document.querySelector({}) !== null",
            serde_json::to_string(url_part).unwrap(),
            serde_json::to_string(ready).unwrap()
        );
        for _ in 0..150 {
            if let Ok(r) = self.page.evaluate(js.as_str()).await
                && r.into_value::<bool>().unwrap_or(false)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let url = self.page.url().await.ok().flatten().unwrap_or_default();
        let html = self.page.content().await.unwrap_or_default();
        panic!(
            "{}: no {ready} at a URL with {url_part}; at {url}:\n{html}",
            self.at()
        );
    }

    /// The snapshot's checks that hold on every page.
    pub(super) async fn check_tree(&self) -> Tree {
        let tree = Tree::snapshot(self.page).await;
        let mut unnamed = Vec::new();
        let mut controls = 0;
        let mut levels = Vec::new();
        let mut has_main = false;
        for n in tree.in_order() {
            let role = role(n);
            if CONTROLS.contains(&role) {
                controls += 1;
                if name(n).trim().is_empty() {
                    unnamed.push(format!("{role}: {}", outer_html(self.page, n).await));
                }
            }
            if role == "heading" {
                let level = prop(n, "level").and_then(Value::as_i64).unwrap_or(0);
                levels.push((level, name(n).to_owned()));
            }
            has_main |= role == "main";
        }
        assert!(
            unnamed.is_empty(),
            "{}: controls without an accessible name:\n{}",
            self.at(),
            unnamed.join("\n")
        );
        let outline = levels
            .iter()
            .map(|(l, n)| format!("h{l} \"{n}\""))
            .collect::<Vec<_>>()
            .join(" > ");
        let h1s = levels.iter().filter(|(l, _)| *l == 1).count();
        assert!(
            h1s == 1 && levels.first().is_some_and(|(l, _)| *l == 1),
            "{}: the headings must start with the one h1: {outline}",
            self.at()
        );
        for pair in levels.windows(2) {
            let ((above, _), (below, heading)) = (&pair[0], &pair[1]);
            assert!(
                *below <= above + 1,
                "{}: heading \"{heading}\" skips from h{above} to h{below}: {outline}",
                self.at()
            );
        }
        assert!(has_main, "{}: no main landmark", self.at());
        let skip: bool = self
            .eval(
                "(() => { const a = document.querySelector('a[href=\"#main\"]'); \
                 return a !== null && document.getElementById('main') !== null \
                 && [...document.querySelectorAll('a[href], button, input, select')] \
                    .filter(e => e.type !== 'hidden')[0] === a; })()",
            )
            .await;
        assert!(
            skip,
            "{}: the first control is not a skip link to #main",
            self.at()
        );
        let dir: String = self.eval("document.documentElement.dir").await;
        assert_eq!(dir, self.dir, "{}: the page's direction", self.at());
        eprintln!(
            "{}: {controls} controls, all named; headings {outline}; main landmark; skip link; \
             dir={dir}",
            self.at()
        );
        tree
    }

    /// The form's error is in a live region, and each of `fields` is marked invalid and
    /// described by it (WCAG 3.3.1, 4.1.3).
    pub(super) async fn check_error_linked(&self, tree: &Tree, fields: &[&str]) {
        // The DOM: the error text, its live region, and the fields pointing at it.
        let dom: Value = self
            .eval(&format!(
                r#"(() => {{
                  const out = {{}};
                  for (const id of {ids}) {{
                    const f = document.getElementById(id);
                    const described = (f.getAttribute("aria-describedby") || "")
                      .split(/\s+/).filter(Boolean).map(d => document.getElementById(d))
                      .filter(d => d !== null && d.closest("[role=alert], [aria-live]") !== null)
                      .map(d => d.textContent.trim());
                    out[id] = {{ invalid: f.getAttribute("aria-invalid"), described }};
                  }}
                  return out;
                }})()"#,
                ids = serde_json::to_string(fields).unwrap()
            ))
            .await;
        let mut error = None;
        for id in fields {
            let f = &dom[id];
            assert_eq!(
                f["invalid"],
                json!("true"),
                "{}: #{id} is not aria-invalid: {dom}",
                self.at()
            );
            let text = f["described"][0].as_str().unwrap_or_else(|| {
                panic!(
                    "{}: #{id} is not described by text in a live region: {dom}",
                    self.at()
                )
            });
            assert!(!text.is_empty(), "{}: empty error for #{id}", self.at());
            error = Some(text.to_owned());
        }
        let error = error.expect("fields to check");

        // The accessibility tree: what a screen reader is given.
        let alert = tree
            .in_order()
            .find(|n| {
                let live = prop(n, "live").and_then(Value::as_str);
                (role(n) == "alert" || matches!(live, Some("assertive" | "polite")))
                    && tree.text(n).contains(&error)
            })
            .unwrap_or_else(|| {
                panic!(
                    "{}: no alert or live region says {error:?} in the tree",
                    self.at()
                )
            });
        let textboxes = tree
            .in_order()
            .filter(|n| role(n) == "textbox")
            .collect::<Vec<_>>();
        assert_eq!(
            textboxes.len(),
            fields.len(),
            "{}: text fields in the tree",
            self.at()
        );
        for n in &textboxes {
            let invalid = prop(n, "invalid").and_then(Value::as_str);
            let description = n["description"]["value"].as_str().unwrap_or_default();
            assert!(
                invalid == Some("true") && description.contains(&error),
                "{}: field {:?} is invalid={invalid:?}, described as {description:?}, not by \
                 the error {error:?}",
                self.at(),
                name(n)
            );
        }
        eprintln!(
            "{}: the error \"{error}\" is in a live region (role {}); fields {:?} are invalid and \
             described by it",
            self.at(),
            role(alert),
            textboxes.iter().map(|n| name(n)).collect::<Vec<_>>()
        );
    }

    /// Every control of the page gets the focus with Tab, in document order, and shows it.
    pub(super) async fn check_tab_order(&mut self) {
        // Numbers the controls the Tab key should reach, in document order.
        let count: usize = self
            .eval(
                r#"(() => {
                  const all = [...document.querySelectorAll(
                    "a[href], button, input, select, textarea, summary, [tabindex]")]
                    .filter(e => e.tabIndex >= 0 && !e.disabled && e.type !== "hidden"
                      && e.checkVisibility({ visibilityProperty: true }));
                  all.forEach((e, i) => { e.dataset.kbd = String(i); });
                  return all.length;
                })()"#,
            )
            .await;
        assert!(count > 10, "{}: only {count} controls", self.at());
        for i in 0..count {
            self.tab().await;
            let f = self.focused("").await;
            assert_eq!(
                f.index,
                Some(i),
                "{}: Tab number {} went to {} instead of control {i}",
                self.at(),
                i + 1,
                f.html
            );
            self.assert_focus_shows(&f);
        }
        // And back.
        self.shift_tab().await;
        let f = self.focused("").await;
        assert_eq!(
            f.index,
            Some(count - 2),
            "{}: Shift+Tab from the last control went to {}",
            self.at(),
            f.html
        );
        eprintln!(
            "{}: Tab visits all {count} controls in document order; Shift+Tab goes back",
            self.at()
        );
    }

    /// The skip link is the first stop, shows when focused, and takes the focus into main.
    pub(super) async fn check_skip_link(&mut self) {
        self.tab().await;
        let f = self.focused("a[href='#main']").await;
        assert!(f.matches, "{}: the first Tab went to {}", self.at(), f.html);
        self.assert_focus_shows(&f);
        self.enter().await;
        // The focus moves with the fragment navigation: give it up to a second.
        let mut in_main = false;
        for _ in 0..50 {
            in_main = self
                .eval("document.activeElement === document.getElementById('main')")
                .await;
            if in_main {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(
            in_main,
            "{}: the skip link did not move the focus",
            self.at()
        );
        self.tab().await;
        let f = self.focused("main *").await;
        assert!(
            f.matches,
            "{}: after the skip link, Tab went to {}",
            self.at(),
            f.html
        );
        self.assert_focus_shows(&f);
        eprintln!(
            "{}: the skip link shows, and the next Tab lands in main: {}",
            self.at(),
            f.html
        );
    }

    /// Picks `tag` in the footer's language list with the arrow keys and changes to it.
    pub(super) async fn switch_language(&mut self, tag: &str) {
        self.tab_to("#language-select").await;
        let target: i64 = self
            .eval(&format!(
                "[...document.getElementById('language-select').options]\
                 .findIndex(o => o.value === {})",
                serde_json::to_string(tag).unwrap()
            ))
            .await;
        assert!(target >= 0, "{}: no {tag} in the language list", self.at());
        for _ in 0..20 {
            let now: i64 = self
                .eval("document.getElementById('language-select').selectedIndex")
                .await;
            if now == target {
                break;
            }
            self.arrow(now < target).await;
        }
        let chosen: String = self
            .eval("document.getElementById('language-select').value")
            .await;
        assert_eq!(chosen, tag, "{}: the arrow keys chose {chosen}", self.at());
        self.tab_to("form.language-switch button").await;
        self.enter().await;
    }
}
