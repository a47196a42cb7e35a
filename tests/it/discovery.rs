//! Discovery documents: snapshot-tested, `issuer` exactly the configured one.

use crate::support::{TestApp, TestDb};

#[tokio::test]
async fn discovery_lists_exactly_what_is_supported() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let r = app.get("/.well-known/openid-configuration").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let text = r.text().await.unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        doc["issuer"], app.base,
        "issuer equals the configured issuer exactly"
    );
    // Every endpoint it names answers (none is a 404).
    for key in ["jwks_uri", "userinfo_endpoint"] {
        let url = doc[key].as_str().unwrap();
        assert_ne!(
            app.client.get(url).send().await.unwrap().status(),
            404,
            "{key}"
        );
    }
    for key in [
        "token_endpoint",
        "revocation_endpoint",
        "introspection_endpoint",
    ] {
        let url = doc[key].as_str().unwrap();
        assert_ne!(
            app.client.post(url).send().await.unwrap().status(),
            404,
            "{key}"
        );
    }
    insta::assert_snapshot!(
        "openid_configuration",
        text.replace(&app.base, "https://id.example.gov")
    );

    let rfc8414 = app
        .get("/.well-known/oauth-authorization-server")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rfc8414, text, "RFC 8414 metadata is the same document");
    app.stop().await;
}
