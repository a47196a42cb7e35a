//! Relying-party registration from the CLI: strict validation, secrets shown once and kept
//! hashed, listing, showing and disabling.

use civitas::{
    crypto::secrets::verify_secret,
    store::{Db, clients},
};

use crate::{on_both_databases, support::TestDb};

on_both_databases!(an_operator_creates_lists_shows_and_disables_a_client,);

fn field<'a>(out: &'a str, name: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(name))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {name} in {out}"))
}

async fn an_operator_creates_lists_shows_and_disables_a_client(db: TestDb) {
    let out = db.civitas(&[
        "client",
        "create",
        "--name",
        "Tax and Customs Board",
        "--purpose",
        "To prefill your tax return",
        "--redirect-uri",
        "https://tax.example.gov/callback",
        "--post-logout-redirect-uri",
        "https://tax.example.gov/",
        "--scope",
        "openid profile email",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = field(&stdout, "client_id:").to_owned();
    let secret = field(&stdout, "client_secret:").to_owned();
    assert_eq!(secret.len(), 43, "256 bits, base64url");

    let config = civitas::config::Config::from_figment(
        civitas::config::Config::defaults().merge(("database.url", &db.url)),
    )
    .unwrap();
    let store = Db::connect(&config.database).await.unwrap();
    let row = clients::find_client(&store, &id).await.unwrap().unwrap();
    let hash = row.secret_hash.clone().unwrap();
    assert_ne!(hash, secret, "only a hash is stored");
    assert!(verify_secret(&secret, &hash));
    assert_eq!(row.scopes, "email openid profile");
    assert_eq!(row.sector_id, "tax.example.gov");

    let list = String::from_utf8_lossy(&db.civitas(&["client", "list"]).stdout).into_owned();
    assert!(
        list.contains(&id) && list.contains("active") && list.contains("1 clients"),
        "{list}"
    );
    let shown = db.civitas(&["client", "show", &id]);
    let show = String::from_utf8_lossy(&shown.stdout).into_owned();
    assert!(
        show.contains("redirect_uri:     https://tax.example.gov/callback"),
        "{show}{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    assert!(
        !show.contains(&secret) && !show.contains(&hash),
        "show never prints secrets"
    );

    let disabled = db.civitas(&["client", "disable", &id, "--reason", "contract ended"]);
    assert!(disabled.status.success());
    let row = clients::find_client(&store, &id).await.unwrap().unwrap();
    assert_eq!(
        (row.status.as_str(), row.status_reason.as_deref()),
        ("disabled", Some("contract ended"))
    );
    store.close().await;
}

/// national_id only with the FAPI 2.0 profile, which takes keys, not a secret.
#[test]
fn the_operator_grants_national_id_to_a_fapi_client_only() {
    let db = TestDb::sqlite();
    let key =
        civitas::crypto::keys::PrivateKey::generate(civitas::crypto::keys::Alg::Es256).unwrap();
    let jwks = crate::support::write_file(
        db.dir.path(),
        "jwks.json",
        &serde_json::json!({ "keys": [key.public_jwk()] }).to_string(),
    );
    let create = |extra: &[&str]| {
        let mut args = vec![
            "client",
            "create",
            "--name",
            "Population Bank",
            "--purpose",
            "To open your account",
            "--redirect-uri",
            "https://bank.example.com/cb",
            "--scope",
            "openid profile national_id",
            "--auth-method",
            "private_key_jwt",
            "--jwks-file",
            jwks.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        db.civitas(&args)
    };
    let refused = create(&[]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("profile") && err.contains("FAPI 2.0"), "{err}");
    let created = create(&["--fapi"]);
    let out = String::from_utf8_lossy(&created.stdout);
    assert!(
        created.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(!out.contains("client_secret"), "{out}");
    let id = field(&out, "client_id:");
    let shown = String::from_utf8_lossy(&db.civitas(&["client", "show", id]).stdout).into_owned();
    assert!(shown.contains("fapi2"), "{shown}");
}

#[test]
fn a_bad_registration_names_the_field_and_creates_nothing() {
    let db = TestDb::sqlite();
    let out = db.civitas(&[
        "client",
        "create",
        "--name",
        "Bank",
        "--purpose",
        "Opening an account",
        "--redirect-uri",
        "http://bank.example.com/cb",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("redirect_uris") && err.contains("https"),
        "{err}"
    );
    let list = String::from_utf8_lossy(&db.civitas(&["client", "list"]).stdout).into_owned();
    assert!(list.contains("0 clients"), "{list}");

    let missing = db.civitas(&["client", "disable", "nope", "--reason", "x"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no client nope"));
}
