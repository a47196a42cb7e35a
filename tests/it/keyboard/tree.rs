//! Chromium's accessibility snapshot and the checks made on it.

use std::collections::HashMap;

use chromiumoxide::Page;
use serde_json::{Value, json};

use super::keys::*;

/// Roles that are operated, so must be named (WCAG 4.1.2).
pub(super) const CONTROLS: &[&str] = &[
    "button",
    "link",
    "textbox",
    "checkbox",
    "radio",
    "combobox",
    "menuitem",
    "switch",
    "searchbox",
    "spinbutton",
    "DisclosureTriangle",
];

/// Chromium's accessibility snapshot of one page.
pub(super) struct Tree {
    nodes: HashMap<String, Value>,
    root: String,
}

impl Tree {
    pub(super) async fn snapshot(page: &Page) -> Tree {
        let answer = raw(page, "Accessibility.getFullAXTree", json!({})).await;
        let list = answer["nodes"].as_array().expect("nodes").clone();
        let root = list
            .iter()
            .find(|n| n.get("parentId").is_none())
            .and_then(|n| n["nodeId"].as_str())
            .expect("a root node")
            .to_owned();
        let nodes = list
            .into_iter()
            .map(|n| (n["nodeId"].as_str().unwrap_or_default().to_owned(), n))
            .collect();
        Tree { nodes, root }
    }

    /// The nodes that are not ignored, in document order (depth first).
    pub(super) fn in_order(&self) -> impl Iterator<Item = &Value> {
        let mut out = Vec::new();
        let mut stack = vec![self.root.as_str()];
        while let Some(id) = stack.pop() {
            let Some(n) = self.nodes.get(id) else {
                continue;
            };
            if n["ignored"] != json!(true) {
                out.push(n);
            }
            if let Some(children) = n["childIds"].as_array() {
                stack.extend(children.iter().rev().filter_map(Value::as_str));
            }
        }
        out.into_iter()
    }

    /// The text a node and its descendants expose.
    pub(super) fn text(&self, node: &Value) -> String {
        let mut out = name(node).to_owned();
        for child in node["childIds"].as_array().into_iter().flatten() {
            if let Some(c) = child.as_str().and_then(|c| self.nodes.get(c)) {
                out.push(' ');
                out.push_str(&self.text(c));
            }
        }
        out
    }
}

pub(super) fn role(node: &Value) -> &str {
    node["role"]["value"].as_str().unwrap_or_default()
}

pub(super) fn name(node: &Value) -> &str {
    node["name"]["value"].as_str().unwrap_or_default()
}

pub(super) fn prop<'a>(node: &'a Value, property: &str) -> Option<&'a Value> {
    node["properties"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == property)
        .map(|p| &p["value"]["value"])
}

/// The markup behind an accessibility node, for a failure message.
pub(super) async fn outer_html(page: &Page, node: &Value) -> String {
    let Some(id) = node["backendDOMNodeId"].as_i64() else {
        return format!("(node {})", node["nodeId"]);
    };
    let object = raw(page, "DOM.resolveNode", json!({ "backendNodeId": id })).await;
    let html = raw(
        page,
        "Runtime.callFunctionOn",
        json!({
            "objectId": object["object"]["objectId"],
            "functionDeclaration": "function() { return (this.outerHTML || '').slice(0, 200); }",
            "returnByValue": true,
        }),
    )
    .await;
    html["result"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}
