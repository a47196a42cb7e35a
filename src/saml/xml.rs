//! Strict XML for SAML messages from outside: no DTD (so no entities, external or expanding),
//! bounded size, node count and depth. Everything else in `saml` reads XML through [`parse`].
//! Also Exclusive XML Canonicalization (the form XML-Signature digests), text content that
//! refuses comments hidden inside it, and the escaping of text and attribute values.

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
    #[error("only an element can be canonicalised")]
    NotAnElement,
    #[error(
        "the element <{0}> must hold text only (no comment, processing instruction or element)"
    )]
    NotText(String),
    #[error("the namespace prefix {0:?} is not declared")]
    UndeclaredPrefix(String),
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

/// Exclusive XML Canonicalization 1.0 without comments
/// (<http://www.w3.org/2001/10/xml-exc-c14n#>) of the element `node` and all it contains.
pub fn canonicalize(node: roxmltree::Node) -> Result<String, XmlError> {
    canonicalize_with(node, None, &[])
}

/// [`canonicalize`], leaving out the element `omit` and its content: the enveloped-signature
/// transform (XML-Signature §6.6.4) followed by exclusive canonicalization.
pub fn canonicalize_without(
    node: roxmltree::Node,
    omit: Option<roxmltree::NodeId>,
) -> Result<String, XmlError> {
    canonicalize_with(node, omit, &[])
}

/// [`canonicalize_without`] with an `InclusiveNamespaces PrefixList` (exc-c14n §3): a listed
/// prefix (`#default` for the default namespace) is rendered wherever it is in scope and not
/// already in effect, as inclusive C14N would, not only where an element or attribute uses it.
pub fn canonicalize_with(
    node: roxmltree::Node,
    omit: Option<roxmltree::NodeId>,
    inclusive_prefixes: &[&str],
) -> Result<String, XmlError> {
    if !node.is_element() {
        return Err(XmlError::NotAnElement);
    }
    let mut c = Canonicalizer {
        out: String::new(),
        omit,
        inclusive: inclusive_prefixes,
        rendered: Vec::new(),
    };
    c.element(node)?;
    Ok(c.out)
}

struct Canonicalizer<'p> {
    out: String,
    omit: Option<roxmltree::NodeId>,
    inclusive: &'p [&'p str],
    /// Namespace declarations rendered by the output ancestors, innermost last: (prefix, URI),
    /// with "" as the prefix of the default namespace.
    rendered: Vec<(String, String)>,
}

impl Canonicalizer<'_> {
    fn in_effect(&self, prefix: &str) -> Option<&str> {
        self.rendered
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map(|(_, uri)| uri.as_str())
    }

    fn element(&mut self, node: roxmltree::Node) -> Result<(), XmlError> {
        let source = node.document().input_text();
        let qname = element_qname(node);
        // Prefixes the element visibly utilises (exc-c14n §3): its own (or the default
        // namespace) and its attributes'. `xml` is never declared.
        let mut prefixes = std::collections::BTreeSet::new();
        prefixes.insert(qname.split_once(':').map_or("", |(p, _)| p));
        let mut attributes = Vec::new();
        for a in node.attributes() {
            let attr_qname = &source[a.range_qname()];
            if let Some((p, _)) = attr_qname.split_once(':') {
                prefixes.insert(p);
            }
            attributes.push((a.namespace().unwrap_or(""), a.name(), attr_qname, a.value()));
        }
        for &p in self.inclusive {
            if p == "#default" {
                prefixes.insert("");
            } else if node.lookup_namespace_uri(Some(p)).is_some() {
                prefixes.insert(p);
            }
        }
        prefixes.remove("xml");

        let mark = self.rendered.len();
        self.out.push('<');
        self.out.push_str(qname);
        // Namespace declarations first, by prefix (the default namespace sorts first).
        for p in prefixes {
            if p.is_empty() {
                let uri = node.lookup_namespace_uri(None).unwrap_or("");
                if self.in_effect("").unwrap_or("") != uri {
                    self.out.push_str(" xmlns=\"");
                    self.out.push_str(&escape_attr(uri));
                    self.out.push('"');
                    self.rendered.push((String::new(), uri.to_owned()));
                }
            } else {
                let uri = node
                    .lookup_namespace_uri(Some(p))
                    .ok_or_else(|| XmlError::UndeclaredPrefix(p.to_owned()))?;
                if self.in_effect(p) != Some(uri) {
                    self.out.push_str(" xmlns:");
                    self.out.push_str(p);
                    self.out.push_str("=\"");
                    self.out.push_str(&escape_attr(uri));
                    self.out.push('"');
                    self.rendered.push((p.to_owned(), uri.to_owned()));
                }
            }
        }
        // Then attributes, by namespace URI (none first), then local name.
        attributes.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        for (_, _, attr_qname, value) in attributes {
            self.out.push(' ');
            self.out.push_str(attr_qname);
            self.out.push_str("=\"");
            self.out.push_str(&escape_attr(value));
            self.out.push('"');
        }
        self.out.push('>');

        for child in node.children() {
            match child.node_type() {
                roxmltree::NodeType::Element if Some(child.id()) != self.omit => {
                    self.element(child)?;
                }
                roxmltree::NodeType::Text => {
                    self.out.push_str(&escape_text(child.text().unwrap_or("")));
                }
                roxmltree::NodeType::PI => {
                    if let Some(pi) = child.pi() {
                        self.out.push_str("<?");
                        self.out.push_str(pi.target);
                        if let Some(value) = pi.value.filter(|v| !v.is_empty()) {
                            self.out.push(' ');
                            self.out.push_str(value);
                        }
                        self.out.push_str("?>");
                    }
                }
                // Comments are left out (the "without comments" variant); the omitted
                // element is the enveloped signature.
                _ => {}
            }
        }

        self.out.push_str("</");
        self.out.push_str(qname);
        self.out.push('>');
        self.rendered.truncate(mark);
        Ok(())
    }
}

/// The element's qualified name as written (`saml:Assertion`): roxmltree keeps the namespace
/// URI, but canonical XML keeps the prefix, so it is read from the source.
pub(crate) fn element_qname<'a>(node: roxmltree::Node<'_, 'a>) -> &'a str {
    let source = node.document().input_text();
    let rest = &source[node.range().start + 1..];
    let end = rest
        .find([' ', '\t', '\r', '\n', '/', '>'])
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The text inside the element `node`. An element with a comment, processing instruction or
/// child element inside is refused: `user@evil.example<!---->.good.example` reads as one
/// value in its canonical (signed) form and could read as another to a careless consumer.
pub fn text_of(node: roxmltree::Node) -> Result<String, XmlError> {
    if !node.is_element() {
        return Err(XmlError::NotAnElement);
    }
    let mut text = String::new();
    for child in node.children() {
        if child.is_text() {
            text.push_str(child.text().unwrap_or(""));
        } else {
            return Err(XmlError::NotText(node.tag_name().name().to_owned()));
        }
    }
    Ok(text)
}

/// Escapes character data as C14N does (§2.3): `&`, `<`, `>` and carriage return.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes an attribute value (written in double quotes) as C14N does (§2.3): `&`, `<`, `"`,
/// tab, line feed and carriage return.
pub fn escape_attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
    out
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

    // Expected outputs below were checked against libxml2's exclusive C14N (lxml).

    #[test]
    fn exclusive_c14n_renders_only_visibly_utilised_namespaces() {
        // exc-c14n §2.2: the same element in two documents canonicalises the same way.
        let xml = r#"<n2:pdu xmlns:n1="http://example.com" xmlns:n2="http://foo.example" xml:lang="fr" xml:space="retain">
  <n1:elem2 xmlns:n1="http://example.net" xml:lang="en">
    <n3:stuff xmlns:n3="ftp://example.org"/>
  </n1:elem2>
</n2:pdu>"#;
        let doc = parse(xml).unwrap();
        let elem2 = doc.root_element().first_element_child().unwrap();
        assert_eq!(
            canonicalize(elem2).unwrap(),
            "<n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">\n    <n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff>\n  </n1:elem2>"
        );
        // An inherited namespace that the element uses is declared on it.
        let inherited = r#"<a:root xmlns:a="urn:a" xmlns:b="urn:b"><a:child b:x="1"/></a:root>"#;
        let doc = parse(inherited).unwrap();
        let child = doc.root_element().first_element_child().unwrap();
        assert_eq!(
            canonicalize(child).unwrap(),
            r#"<a:child xmlns:a="urn:a" xmlns:b="urn:b" b:x="1"></a:child>"#
        );
        // The default namespace comes from outside the subtree too; redeclarations and
        // undeclarations inside it are rendered where they change what is in effect.
        let outside = r#"<r xmlns="urn:d" xmlns:p="urn:p" xmlns:q="urn:q"><a p:x="1" x="2"><b xmlns=""><p:c xmlns:p="urn:p2" q:y="3"/></b></a></r>"#;
        let doc = parse(outside).unwrap();
        assert_eq!(
            canonicalize(doc.root_element().first_element_child().unwrap()).unwrap(),
            r#"<a xmlns="urn:d" xmlns:p="urn:p" x="2" p:x="1"><b xmlns=""><p:c xmlns:p="urn:p2" xmlns:q="urn:q" q:y="3"></p:c></b></a>"#
        );
        // An InclusiveNamespaces PrefixList adds a prefix the element does not use.
        let doc = parse(xml).unwrap();
        let elem2 = doc.root_element().first_element_child().unwrap();
        assert_eq!(
            canonicalize_with(elem2, None, &["n2"]).unwrap(),
            "<n1:elem2 xmlns:n1=\"http://example.net\" xmlns:n2=\"http://foo.example\" xml:lang=\"en\">\n    <n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff>\n  </n1:elem2>"
        );
    }

    #[test]
    fn c14n_start_and_end_tags_attribute_order_and_default_namespaces() {
        // C14N §3.3, canonicalised exclusively.
        let xml = r#"<doc>
   <e1   />
   <e2   ></e2>
   <e3   name = "elem3"   id="elem3"   />
   <e4   name="elem4"   id="elem4"   ></e4>
   <e5 a:attr="out" b:attr="sorted" attr2="all" attr="I'm"
      xmlns:b="http://www.ietf.org"
      xmlns:a="http://www.w3.org"
      xmlns="http://example.org"/>
   <e6 xmlns="" xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="" xmlns:a="http://www.w3.org">
            <e9 xmlns="" xmlns:a="http://www.ietf.org"/>
         </e8>
      </e7>
   </e6>
</doc>"#;
        let expected = r#"<doc>
   <e1></e1>
   <e2></e2>
   <e3 id="elem3" name="elem3"></e3>
   <e4 id="elem4" name="elem4"></e4>
   <e5 xmlns="http://example.org" xmlns:a="http://www.w3.org" xmlns:b="http://www.ietf.org" attr="I'm" attr2="all" b:attr="sorted" a:attr="out"></e5>
   <e6>
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="">
            <e9></e9>
         </e8>
      </e7>
   </e6>
</doc>"#;
        let doc = parse(xml).unwrap();
        assert_eq!(canonicalize(doc.root_element()).unwrap(), expected);
    }

    #[test]
    fn c14n_character_modifications_and_comments() {
        // C14N §3.2 and §3.4: references resolved, CDATA as text, C14N escaping, comments
        // dropped, processing instructions kept.
        let xml = "<doc>\n   <text>First line&#x0d;&#10;Second line</text>\n   <value>&#x32;</value>\n   <compute><![CDATA[value>\"0\" && value<\"10\" ?\"valid\":\"error\"]]></compute>\n   <compute expr='value>\"0\" &amp;&amp; value&lt;\"10\" ?\"valid\":\"error\"'>valid</compute>\n   <norm attr=' &apos;   &#x20;&#13;&#xa;&#9;   &apos; '/>\n   <normNames attr='   A   &#x20;&#13;&#xa;&#9;   B   '/>\n   <?pi  some data ?><!-- c --><?empty?>\n</doc>";
        let expected = "<doc>\n   <text>First line&#xD;\nSecond line</text>\n   <value>2</value>\n   <compute>value&gt;\"0\" &amp;&amp; value&lt;\"10\" ?\"valid\":\"error\"</compute>\n   <compute expr=\"value>&quot;0&quot; &amp;&amp; value&lt;&quot;10&quot; ?&quot;valid&quot;:&quot;error&quot;\">valid</compute>\n   <norm attr=\" '    &#xD;&#xA;&#x9;   ' \"></norm>\n   <normNames attr=\"   A    &#xD;&#xA;&#x9;   B   \"></normNames>\n   <?pi some data ?><?empty?>\n</doc>";
        let doc = parse(xml).unwrap();
        assert_eq!(canonicalize(doc.root_element()).unwrap(), expected);
        // Literal CR LF in text is a line feed once parsed.
        let doc = parse("<a>x\r\ny</a>").unwrap();
        assert_eq!(canonicalize(doc.root_element()).unwrap(), "<a>x\ny</a>");
    }

    #[test]
    fn the_omitted_element_is_left_out_with_its_content() {
        let xml = r#"<a:r xmlns:a="urn:a" ID="x"><a:i>me</a:i>
<ds:Signature xmlns:ds="urn:ds"><ds:v>1</ds:v></ds:Signature>
<a:s/></a:r>"#;
        let doc = parse(xml).unwrap();
        let root = doc.root_element();
        let sig = root
            .children()
            .find(|n| n.has_tag_name("Signature"))
            .unwrap();
        assert_eq!(
            canonicalize_without(root, Some(sig.id())).unwrap(),
            "<a:r xmlns:a=\"urn:a\" ID=\"x\"><a:i>me</a:i>\n\n<a:s></a:s></a:r>"
        );
        assert!(
            canonicalize(root)
                .unwrap()
                .contains("<ds:Signature xmlns:ds=\"urn:ds\">")
        );
        assert_eq!(
            canonicalize(doc.root()).unwrap_err(),
            XmlError::NotAnElement
        );
    }

    #[test]
    fn a_comment_inside_text_is_invisible_to_c14n_but_text_of_refuses_it() {
        let plain = parse("<n>user@evil.example.good.example</n>").unwrap();
        let split = parse("<n>user@evil.example<!---->.good.example</n>").unwrap();
        assert_eq!(
            canonicalize(plain.root_element()).unwrap(),
            canonicalize(split.root_element()).unwrap()
        );
        assert_eq!(
            text_of(plain.root_element()).unwrap(),
            "user@evil.example.good.example"
        );
        assert_eq!(
            text_of(split.root_element()).unwrap_err(),
            XmlError::NotText("n".into())
        );
        let pi = parse("<n>a<?x?>b</n>").unwrap();
        assert!(text_of(pi.root_element()).is_err());
        let child = parse("<n>a<b/>c</n>").unwrap();
        assert!(text_of(child.root_element()).is_err());
        let cdata = parse("<n><![CDATA[a<b]]>&amp;</n>").unwrap();
        assert_eq!(text_of(cdata.root_element()).unwrap(), "a<b&");
        assert_eq!(text_of(parse("<n/>").unwrap().root_element()).unwrap(), "");
    }

    #[test]
    fn escaping_follows_c14n() {
        assert_eq!(
            escape_text("a&b<c>d\re\"f'\t"),
            "a&amp;b&lt;c&gt;d&#xD;e\"f'\t"
        );
        assert_eq!(
            escape_attr("a&b<c>d\"e'\t\n\r"),
            "a&amp;b&lt;c>d&quot;e'&#x9;&#xA;&#xD;"
        );
    }
}
