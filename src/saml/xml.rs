//! Strict XML for SAML messages from outside: no DTD (so no entities, external or expanding),
//! bounded size, node count and depth. Everything else in `saml` reads XML through [`parse`].

/// The largest SAML message or metadata document accepted, in bytes.
pub const MAX_BYTES: usize = 256 * 1024;
/// The most nodes (elements, attributes' owners, text) a document may have.
const MAX_NODES: u32 = 20_000;
/// The deepest element nesting accepted.
pub const MAX_DEPTH: usize = 32;

/// Why a document was refused. The text is for the sender's developer: it names the rule.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum XmlError {
    #[error("the XML document is larger than {MAX_BYTES} bytes")]
    TooLarge,
    #[error("the XML document has a DTD (<!DOCTYPE>); DTDs and entities are not accepted")]
    Dtd,
    #[error("the XML document nests elements deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("the XML document has too many nodes")]
    TooManyNodes,
    #[error("the XML document is not well-formed: {0}")]
    Malformed(String),
}

/// Parses `text` with the limits above. roxmltree refuses a DTD outright when `allow_dtd` is
/// off, so no entity is ever declared or expanded (XXE, billion laughs).
pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, XmlError> {
    if text.len() > MAX_BYTES {
        return Err(XmlError::TooLarge);
    }
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => XmlError::Dtd,
        roxmltree::Error::NodesLimitReached => XmlError::TooManyNodes,
        other => XmlError::Malformed(other.to_string()),
    })?;
    if doc
        .descendants()
        .filter(|n| n.is_element())
        .any(|n| n.ancestors().count() > MAX_DEPTH + 1)
    {
        return Err(XmlError::TooDeep);
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtds_and_entities_are_refused() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>"#;
        assert_eq!(parse(laughs).unwrap_err(), XmlError::Dtd);
        let xxe = r#"<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>"#;
        assert_eq!(parse(xxe).unwrap_err(), XmlError::Dtd);
        assert!(matches!(parse("<a>&x;</a>"), Err(XmlError::Malformed(_))));
    }

    #[test]
    fn size_and_depth_are_bounded() {
        let deep = format!(
            "{}{}",
            "<a>".repeat(MAX_DEPTH + 1),
            "</a>".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(parse(&deep).unwrap_err(), XmlError::TooDeep);
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let big = format!("<a>{}</a>", "x".repeat(MAX_BYTES));
        assert_eq!(parse(&big).unwrap_err(), XmlError::TooLarge);
    }
}
