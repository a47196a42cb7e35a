//! Invalid configuration stops start-up with a message naming the key; the file is read and
//! the environment wins over it.

use crate::support::TestDb;

/// Runs `civitas migrate` in the test's folder with extra variables.
fn migrate(db: &TestDb, env: &[(&str, &str)]) -> (bool, String, String) {
    let mut cmd = std::process::Command::new("timeout");
    cmd.args(["60", env!("CARGO_BIN_EXE_civitas"), "migrate"])
        .current_dir(db.dir.path());
    for (k, v) in db.env() {
        cmd.env(k, v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn invalid_configuration_names_the_key_at_fault() {
    let db = TestDb::sqlite();
    let (ok, _, err) = migrate(&db, &[("CIVITAS_ISSUER", "http://idp.example.org")]);
    assert!(!ok);
    assert!(err.contains("`issuer`") && err.contains("https"), "{err}");

    let (ok, _, err) = migrate(&db, &[("CIVITAS_HTTP__REQUEST_TIMEOUT_SECS", "soon")]);
    assert!(!ok);
    assert!(
        err.to_lowercase().contains("http.request_timeout_secs"),
        "{err}"
    );

    let (ok, _, err) = migrate(&db, &[("CIVITAS_LISTN", "0.0.0.0:80")]);
    assert!(!ok);
    assert!(
        err.to_lowercase().contains("listn"),
        "a misspelt variable is reported, not ignored: {err}"
    );
}

#[test]
fn the_config_file_is_read_and_the_environment_wins_over_it() {
    let db = TestDb::sqlite();
    std::fs::write(
        db.dir.path().join("civitas.toml"),
        "issuer = 'http://idp.example.org'\n",
    )
    .unwrap();
    let (ok, _, err) = migrate(&db, &[]);
    assert!(!ok, "the file's http issuer is refused");
    assert!(err.contains("`issuer`"), "{err}");

    let (ok, out, err) = migrate(&db, &[("CIVITAS_ISSUER", "https://id.example.gov")]);
    assert!(ok, "{err}");
    assert!(out.contains("schema up to date"), "{out}");
}
