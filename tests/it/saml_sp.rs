//! SAML service providers from the CLI: added from metadata (a file or a URL), listed, shown,
//! disabled and enabled; bad metadata refused by name; OpenID Connect never accepts one.

use std::path::{Path, PathBuf};

use civitas::{
    clock::Clock,
    saml::{sp, store as sps},
    store::{Db, clients},
};

use crate::{
    on_both_databases,
    support::{TestApp, TestDb, write_file},
};

on_both_databases!(
    an_operator_adds_lists_shows_disables_and_enables_a_service_provider,
    replacing_a_service_provider_keeps_its_client_id,
);

const ENTITY_ID: &str = "https://sp.example.test/saml";
/// `openssl x509 -in sp-signing.pem -noout -fingerprint -sha256`
const SIGNING_FINGERPRINT: &str = "08:F8:DB:D1:6B:CC:28:3B:F3:62:C3:EA:C7:F2:DA:D7:15:05:AB:7F:DE:C3:F7:14:49:1F:9F:96:EC:B9:46:8D";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/saml")
        .join(name)
}

fn metadata() -> String {
    std::fs::read_to_string(fixture("sp-metadata.xml")).unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn field<'a>(out: &'a str, name: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(name))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {name} in {out}"))
}

async fn open(db: &TestDb) -> Db {
    let config = civitas::config::Config::from_figment(
        civitas::config::Config::defaults().merge(("database.url", &db.url)),
    )
    .unwrap();
    Db::connect(&config.database).await.unwrap()
}

fn add(db: &TestDb, file: &Path, flags: &[&str]) -> std::process::Output {
    let file = file.display().to_string();
    let mut args = vec!["saml", "sp", "add", file.as_str()];
    args.extend_from_slice(flags);
    db.civitas(&args)
}

async fn an_operator_adds_lists_shows_disables_and_enables_a_service_provider(db: TestDb) {
    let out = add(
        &db,
        &fixture("sp-metadata.xml"),
        &["--min-assurance", "substantial", "--sandbox"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let added = stdout(&out);
    let client_id = field(&added, "client_id:").to_owned();
    assert!(client_id.starts_with("saml-"), "{added}");
    assert!(
        added.contains("Added service provider \"Harbour City Permits\""),
        "{added}"
    );
    let warnings = stderr(&out);
    assert!(
        warnings.contains("HTTP-Artifact is ignored")
            && warnings.contains("urn:oid:1.3.6.1.4.1.5923.1.1.1.7 is not one Civitas releases"),
        "{warnings}"
    );

    let store = open(&db).await;
    let row = clients::find_client(&store, &client_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.protocol, "saml");
    assert_eq!(
        row.sector_id, ENTITY_ID,
        "NameIDs are pairwise per provider"
    );
    assert_eq!(row.scopes, "email openid profile");
    assert_eq!(row.optional_scopes, "email", "mail is not isRequired");
    assert_eq!(row.min_acr.as_deref(), Some("urn:civitas:loa:substantial"));
    assert_eq!(row.environment, "sandbox");
    assert_eq!(row.purpose, "To process your building permit application");
    assert!(
        clients::find_oidc_client(&store, &client_id)
            .await
            .unwrap()
            .is_none()
    );
    let found = sps::find_sp_by_entity_id(&store, ENTITY_ID)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.client_id, client_id);
    assert_eq!(
        sps::find_sp_by_client_id(&store, &client_id).await.unwrap(),
        Some(found.clone())
    );
    assert_eq!(found.acs.len(), 2, "the HTTP-Artifact service is left out");
    assert!(found.acs[0].is_default && found.acs[0].index == Some(0));
    assert_eq!(found.slo[0].location, "https://sp.example.test/saml/slo");
    assert!(found.authn_requests_signed && !found.encrypt_assertions);
    assert_eq!(found.signing_keys().unwrap().len(), 1);
    assert!(found.encryption_key().unwrap().is_some());
    assert_eq!(found.required_attributes.len(), 2);
    assert_eq!(found.requested_attributes.len(), 4);

    let list = stdout(&db.civitas(&["saml", "sp", "list"]));
    assert!(
        list.contains(ENTITY_ID) && list.contains("active") && list.contains("1 service providers"),
        "{list}"
    );
    let shown = db.civitas(&["saml", "sp", "show", ENTITY_ID]);
    let show = stdout(&shown);
    assert!(shown.status.success(), "{}", stderr(&shown));
    assert!(show.contains(SIGNING_FINGERPRINT), "{show}");
    assert!(show.contains("expires 2036-"), "{show}");
    assert!(show.contains("must be signed"), "{show}");
    assert!(
        show.contains("[0] https://sp.example.test/saml/acs (HTTP-POST, default)"),
        "{show}"
    );
    assert!(
        show.contains("CurrentGivenName (required, scope profile)"),
        "{show}"
    );

    let disabled = db.civitas(&[
        "saml",
        "sp",
        "disable",
        ENTITY_ID,
        "--reason",
        "contract ended",
    ]);
    assert!(disabled.status.success(), "{}", stderr(&disabled));
    let sp = sps::find_sp_by_entity_id(&store, ENTITY_ID)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (sp.status.as_str(), sp.status_reason.as_deref()),
        ("disabled", Some("contract ended"))
    );
    assert!(stdout(&db.civitas(&["saml", "sp", "list"])).contains("disabled"));
    let enabled = db.civitas(&["saml", "sp", "enable", ENTITY_ID]);
    assert!(enabled.status.success(), "{}", stderr(&enabled));
    let sp = sps::find_sp_by_entity_id(&store, ENTITY_ID)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((sp.status.as_str(), sp.status_reason), ("active", None));

    let missing = db.civitas(&["saml", "sp", "enable", "https://nobody.example"]);
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("no service provider https://nobody.example"));
    store.close().await;
}

async fn replacing_a_service_provider_keeps_its_client_id(db: TestDb) {
    let first = add(&db, &fixture("sp-metadata.xml"), &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let client_id = field(&stdout(&first), "client_id:").to_owned();

    let changed = metadata().replace("/saml/acs2", "/saml/acs-new").replace(
        "Harbour City Permits</mdui",
        "Harbour City Building Permits</mdui",
    );
    let file = write_file(db.dir.path(), "changed.xml", &changed);
    let duplicate = add(&db, &file, &[]);
    assert!(!duplicate.status.success());
    let err = stderr(&duplicate);
    assert!(
        err.contains("already registered") && err.contains("--replace") && err.contains(&client_id),
        "{err}"
    );

    let replaced = add(&db, &file, &["--replace", "--encrypt"]);
    assert!(replaced.status.success(), "{}", stderr(&replaced));
    assert!(stdout(&replaced).contains("Updated service provider"));
    assert_eq!(field(&stdout(&replaced), "client_id:"), client_id);
    let store = open(&db).await;
    let sp = sps::find_sp_by_entity_id(&store, ENTITY_ID)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sp.client_id, client_id);
    assert_eq!(sp.name, "Harbour City Building Permits");
    assert_eq!(sp.acs[1].location, "https://sp.example.test/saml/acs-new");
    assert_eq!(sp.acs.len(), 2, "the old endpoints are gone");
    assert!(sp.encrypt_assertions);
    assert!(stdout(&db.civitas(&["saml", "sp", "list"])).contains("1 service providers"));
    store.close().await;
}

/// Refuses `xml`: the error names the file and `names`, and nothing is registered.
fn refused(db: &TestDb, name: &str, xml: &str, flags: &[&str], names: &[&str]) {
    let file = write_file(db.dir.path(), name, xml);
    let out = add(db, &file, flags);
    assert!(!out.status.success(), "{name} was accepted");
    let err = stderr(&out);
    assert!(err.contains(name), "{name}: the file is named: {err}");
    for n in names {
        assert!(err.contains(n), "{name}: {n} is named: {err}");
    }
    assert!(err.contains("not added"), "{err}");
    let list = stdout(&db.civitas(&["saml", "sp", "list"]));
    assert!(list.contains("0 service providers"), "{list}");
}

#[test]
fn bad_metadata_is_refused_by_name_and_registers_nothing() {
    let db = TestDb::sqlite();
    let xml = metadata();
    let body = xml.split_once("?>").unwrap().1;
    refused(
        &db,
        "dtd.xml",
        &format!(r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]>{body}"#),
        &[],
        &["DTD"],
    );
    let post = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
    refused(
        &db,
        "no-post.xml",
        &xml.replace(post, "urn:oasis:names:tc:SAML:2.0:bindings:PAOS"),
        &[],
        &["md:AssertionConsumerService", "HTTP-POST"],
    );
    refused(
        &db,
        "http-acs.xml",
        &xml.replace(
            "https://sp.example.test/saml/acs2",
            "http://sp.example.test/saml/acs2",
        ),
        &[],
        &["md:AssertionConsumerService index=2 Location", "https"],
    );
    let weak: String = std::fs::read_to_string(fixture("rsa1024.pem"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let signing = xml
        .split("<ds:X509Certificate>")
        .nth(1)
        .unwrap()
        .split("</ds:X509Certificate>")
        .next()
        .unwrap();
    refused(
        &db,
        "weak.xml",
        &xml.replace(signing, &weak),
        &[],
        &["md:KeyDescriptor #1", "1024 bits"],
    );
    let no_encryption = {
        let start = xml.find(r#"<md:KeyDescriptor use="encryption">"#).unwrap();
        let end = xml[start..].find("</md:KeyDescriptor>").unwrap() + start;
        format!(
            "{}{}",
            &xml[..start],
            &xml[end + "</md:KeyDescriptor>".len()..]
        )
    };
    refused(
        &db,
        "no-encryption.xml",
        &no_encryption,
        &["--encrypt"],
        &["--encrypt needs an encryption certificate"],
    );
    let missing = add(&db, &db.dir.path().join("absent.xml"), &[]);
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("absent.xml"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_is_fetched_from_a_url() {
    let db = TestDb::sqlite();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = axum::Router::new().route("/metadata", axum::routing::get(|| async { metadata() }));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let url = format!("http://127.0.0.1:{port}/metadata");
    let db = tokio::task::spawn_blocking(move || {
        let out = db.civitas(&["saml", "sp", "add", &url]);
        assert!(out.status.success(), "{}", stderr(&out));
        let gone = db.civitas(&["saml", "sp", "add", &url.replace("/metadata", "/nothing")]);
        assert!(!gone.status.success());
        assert!(stderr(&gone).contains("404"), "{}", stderr(&gone));
        let plain = db.civitas(&["saml", "sp", "add", "http://sp.example.test/metadata"]);
        assert!(!plain.status.success());
        assert!(stderr(&plain).contains("https only"), "{}", stderr(&plain));
        db
    })
    .await
    .unwrap();
    server.abort();
    let store = open(&db).await;
    let sp = sps::find_sp_by_entity_id(&store, ENTITY_ID)
        .await
        .unwrap()
        .unwrap();
    assert!(sp.metadata_source.ends_with("/metadata"));
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openid_connect_treats_a_service_provider_as_an_unknown_client() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let meta = sp::parse_sp_metadata(&metadata()).unwrap();
    let registered = sp::register(
        &app.state.db,
        &meta,
        &sp::RegisterOptions {
            source: "test".into(),
            ..Default::default()
        },
        app.clock.now(),
    )
    .await
    .unwrap();
    let id = registered.client_id;

    // The authorization endpoint: a page, never a redirect to the service's address.
    let (_, challenge) = crate::support::oidc::pkce();
    let url = crate::support::oidc::authorize_url(
        &app,
        &id,
        &challenge,
        &[("redirect_uri", "https://sp.example.test/saml/acs")],
    );
    let r = app.client.get(url).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("not registered with Civitas"),
        "the same page as for an unknown client"
    );

    // The token endpoint: no such client, whatever it presents.
    let r = app
        .client
        .post(app.url("/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", "x"),
            ("client_id", id.as_str()),
            ("client_secret", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("no client is registered"),
        "{body}"
    );

    app.stop().await;
}
