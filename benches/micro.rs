//! Micro-benchmarks of the hot path's parts: `cargo bench --bench micro`.
//!
//! ID-token signing (ES256, RS256), access-token generation and hashing, PKCE verification,
//! pairwise `sub` derivation, a ledger append (SQLite, WAL, synchronous=FULL: one transaction
//! per append, as the token endpoint does it), chain verification, and argon2id with the
//! production parameters (the argon2 crate's defaults: m = 19 MiB, t = 2, p = 1, the OWASP
//! minimum) as recovery codes use it. SAML: signing an assertion (exclusive C14N, SHA-256,
//! RSA-SHA256 2048), verifying it, and encrypting it (AES-256-GCM, RSA-OAEP). The signature
//! backends side by side (`p256`/`rsa` against `ring`), and one write's CPU share under group
//! commit (`write_share_batch_32`), the parts `bench/run.sh` sums into each scenario's floor.
//! The middleware chain's cost per request (`http_chain_full` against `http_chain_bare`).

use std::{hint::black_box, time::Duration};

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use civitas::{
    config::DatabaseConfig,
    crypto::{
        Alg, PrivateKey,
        jws::{Signer, sign},
        secrets::{constant_time_eq, random_token, sha256_b64},
    },
    ledger,
    oidc::subject::PairwiseKey,
    store::{Db, releases::ReleaseRow},
};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use sha2::{Digest, Sha256};

/// An ID token's claims, as the token endpoint builds them (profile scope).
fn id_token_claims() -> serde_json::Value {
    json!({
        "iss": "https://id.example.gov",
        "sub": "UVGF42TKdfEpQIReyPzYWSx_sxGEYmavj5GzT2TThJQ",
        "aud": "7f1c8a78f58af47d25d6c87d21058fc2",
        "exp": 1_795_680_680,
        "iat": 1_795_680_380,
        "auth_time": 1_795_680_380,
        "acr": "urn:civitas:loa:substantial",
        "amr": ["hwk", "user"],
        "at_hash": "Jh3HHBV6Vj_yIFP8W5r8RA",
        "sid": "ZO6otRs_JW9aQK_C_J3aVQ",
        "nonce": "n0nce",
        "name": "Louis Mensah",
        "given_name": "Louis",
        "family_name": "Mensah",
        "birthdate": "2002-03-07",
        "gender": "male",
    })
}

fn tokens(c: &mut Criterion) {
    let claims = id_token_claims();
    for alg in [Alg::Es256, Alg::Rs256] {
        let key = PrivateKey::generate(alg).unwrap();
        let kid = key.public_jwk().kid.clone();
        let signer = Signer::new(&key).expect("a JWS key");
        c.bench_function(&format!("id_token_sign_{}", alg.as_str()), |b| {
            b.iter(|| sign(&signer, &kid, black_box(&claims)).unwrap())
        });
    }
    c.bench_function("access_token_generate_and_hash", |b| {
        b.iter(|| {
            let token = random_token(32);
            black_box(sha256_b64(&token))
        })
    });
    let verifier = random_token(32);
    let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
    c.bench_function("pkce_s256_verify", |b| {
        b.iter(|| {
            let computed = B64.encode(Sha256::digest(black_box(&verifier).as_bytes()));
            assert!(constant_time_eq(computed.as_bytes(), challenge.as_bytes()))
        })
    });
    let pairwise = PairwiseKey::from_stored(&random_token(32)).unwrap();
    c.bench_function("pairwise_sub", |b| {
        b.iter(|| {
            pairwise.subject(
                black_box("tax.example.gov"),
                "0b7f0d3c-6d3e-4d55-9a43-0b0c1e2f3a4b",
            )
        })
    });
}

fn chain(persons: usize, per_person: i64) -> Vec<ReleaseRow> {
    let mut rows = Vec::with_capacity(persons * per_person as usize);
    for p in 0..persons {
        let mut prev = String::new();
        for seq in 1..=per_person {
            let mut r = ReleaseRow {
                id: format!("{p}-{seq}"),
                person_id: format!("person-{p:06}"),
                seq,
                client_id: "client".into(),
                client_name: "Tax Board".into(),
                purpose: "To prefill your tax return".into(),
                claims: "sub name given_name family_name birthdate".into(),
                acr: "urn:civitas:loa:substantial".into(),
                channel: "id_token".into(),
                created_at: 1_795_680_380 + seq,
                prev_hash: prev.clone(),
                hash: String::new(),
                event: String::new(),
            };
            r.hash = ledger::record_hash(&r);
            prev = r.hash.clone();
            rows.push(r);
        }
    }
    rows
}

fn ledger_benches(c: &mut Criterion) {
    let rows = chain(1_000, 10);
    let mut group = c.benchmark_group("ledger");
    group.throughput(criterion::Throughput::Elements(rows.len() as u64));
    group.bench_function("verify_10k_records", |b| {
        b.iter(|| ledger::verify(black_box(&rows), || {}).unwrap())
    });
    group.finish();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = rt.block_on(async {
        let db = Db::connect(&DatabaseConfig {
            url: format!("sqlite:{}", dir.path().join("bench.db").display()),
            max_connections: 4,
            acquire_timeout: Duration::from_secs(5),
        })
        .await
        .unwrap();
        db.migrate().await.unwrap();
        civitas::demo::seed(&db, 1_795_680_380).await.unwrap();
        db
    });
    let people: Vec<String> = rt.block_on(async {
        let mut ids = Vec::new();
        for p in civitas::demo::population().into_iter().take(100) {
            ids.push(
                civitas::store::persons::find_person_by_national_id(&db, p.national_id.as_str())
                    .await
                    .unwrap()
                    .unwrap()
                    .id,
            );
        }
        ids
    });
    let mut next = 0usize;
    c.bench_function("ledger_append_sqlite_full", |b| {
        b.iter(|| {
            next += 1;
            let person = &people[next % people.len()];
            rt.block_on(async {
                let mut tx = db.begin().await.unwrap();
                ledger::append(
                    &mut tx,
                    &ledger::Release {
                        person_id: person,
                        client_id: "client",
                        client_name: "Tax Board",
                        purpose: "To prefill your tax return",
                        claims: vec!["sub", "name"],
                        acr: "urn:civitas:loa:substantial",
                        channel: "id_token",
                        at: 1_795_680_380,
                    },
                )
                .await
                .unwrap();
                tx.commit().await.unwrap();
            })
        })
    });
    rt.block_on(db.close());
}

fn argon2_production(c: &mut Criterion) {
    let mut group = c.benchmark_group("argon2id");
    group.sample_size(10);
    let hasher = Argon2::default();
    let params = hasher.params().clone();
    let hash = hasher.hash_password(b"ABCDE-FGHJK").unwrap().to_string();
    let name = format!(
        "m{}KiB_t{}_p{}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost()
    );
    group.bench_function(format!("hash_{name}"), |b| {
        b.iter(|| hasher.hash_password(black_box(b"ABCDE-FGHJK")).unwrap())
    });
    group.bench_function(format!("verify_{name}"), |b| {
        b.iter(|| {
            hasher
                .verify_password(black_box(b"ABCDE-FGHJK"), hash.as_str())
                .unwrap()
        })
    });
    group.finish();
}

/// The SAML answer's parts, on an assertion as `saml::response::assertion` builds it.
fn saml(c: &mut Criterion) {
    use civitas::saml::{attributes::Attribute, dsig, response, xml, xmlenc};
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let public = rsa::RsaPublicKey::from(&key);
    let key = civitas::crypto::jws::RsaSha256::new(&key).unwrap();
    let attributes = [Attribute {
        name: "http://eidas.europa.eu/attributes/naturalperson/CurrentFamilyName",
        friendly_name: "FamilyName",
        values: vec!["Tamm".into()],
    }];
    let assertion = response::assertion(&response::AssertionFacts {
        id: "_a1",
        idp_entity_id: "https://id.example.gov/saml/metadata",
        sp_entity_id: "https://tax.example.gov/saml",
        acs_url: "https://tax.example.gov/saml/acs",
        in_response_to: "_r1",
        now: 1_800_000_000,
        name_id: "GFSpDLc33sN4V2z-ZBB12eofJ1VnAZd1etTfKoASpBU",
        session_index: "_44f4062e36635d813a902eafa7fd8d20",
        auth_time: 1_800_000_000,
        class_ref: "urn:civitas:loa:substantial",
        session_not_on_or_after: 1_800_043_200,
        attributes: &attributes,
    });
    // The certificate only goes into KeyInfo: any bytes do for timing.
    let certificate = vec![0u8; 800];
    c.bench_function("saml_c14n_assertion", |b| {
        b.iter(|| {
            let doc = xml::parse(black_box(&assertion)).unwrap();
            xml::canonicalize(doc.root_element()).unwrap()
        })
    });
    c.bench_function("saml_sign_assertion_rs256", |b| {
        b.iter(|| dsig::sign_enveloped(black_box(&assertion), "_a1", &key, &certificate).unwrap())
    });
    let signed = dsig::sign_enveloped(&assertion, "_a1", &key, &certificate).unwrap();
    c.bench_function("saml_verify_assertion_rs256", |b| {
        b.iter(|| {
            let doc = xml::parse(black_box(&signed)).unwrap();
            dsig::verify_enveloped(doc.root_element(), std::slice::from_ref(&public)).unwrap()
        })
    });
    c.bench_function("saml_encrypt_assertion", |b| {
        b.iter(|| xmlenc::encrypt_assertion(black_box(&signed), &public).unwrap())
    });
}

/// The same signatures over `p256`/`rsa` (RustCrypto) and over `ring` (assembly), to choose
/// the JWS backend by measurement.
fn signature_backends(c: &mut Criterion) {
    use p256::pkcs8::EncodePrivateKey as _;
    use ring::{rand::SystemRandom, signature as rs};
    use rsa::pkcs8::EncodePrivateKey as _;
    let message = vec![b'x'; 600];
    let rng = SystemRandom::new();

    let PrivateKey::Es256(ec) = PrivateKey::generate(Alg::Es256).unwrap() else {
        unreachable!("an ES256 key")
    };
    let rc_signer = p256::ecdsa::SigningKey::from(&ec);
    c.bench_function("es256_sign_p256", |b| {
        b.iter(|| {
            use p256::ecdsa::signature::Signer as _;
            let s: p256::ecdsa::Signature = rc_signer.sign(black_box(&message));
            s
        })
    });
    let der = ec.to_pkcs8_der().unwrap();
    let ring_ec =
        rs::EcdsaKeyPair::from_pkcs8(&rs::ECDSA_P256_SHA256_FIXED_SIGNING, der.as_bytes(), &rng)
            .unwrap();
    c.bench_function("es256_sign_ring", |b| {
        b.iter(|| ring_ec.sign(&rng, black_box(&message)).unwrap())
    });
    let sig = ring_ec.sign(&rng, &message).unwrap();
    let sig_bytes = sig.as_ref().to_vec();
    let verifying = p256::ecdsa::VerifyingKey::from(&rc_signer);
    let rc_sig = p256::ecdsa::Signature::from_slice(&sig_bytes).unwrap();
    c.bench_function("es256_verify_p256", |b| {
        b.iter(|| {
            use p256::ecdsa::signature::Verifier as _;
            verifying.verify(black_box(&message), &rc_sig).unwrap()
        })
    });
    let public = rs::UnparsedPublicKey::new(
        &rs::ECDSA_P256_SHA256_FIXED,
        rs::KeyPair::public_key(&ring_ec).as_ref().to_vec(),
    );
    c.bench_function("es256_verify_ring", |b| {
        b.iter(|| public.verify(black_box(&message), &sig_bytes).unwrap())
    });

    let rsa_key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let rc_rsa = rsa::pkcs1v15::SigningKey::<Sha256>::new(rsa_key.clone());
    c.bench_function("rs256_sign_rsa", |b| {
        b.iter(|| {
            use rsa::signature::RandomizedSigner as _;
            rc_rsa.sign_with_rng(&mut rsa::rand_core::OsRng, black_box(&message))
        })
    });
    let ring_rsa = rs::RsaKeyPair::from_pkcs8(rsa_key.to_pkcs8_der().unwrap().as_bytes()).unwrap();
    let mut out = vec![0u8; ring_rsa.public().modulus_len()];
    c.bench_function("rs256_sign_ring", |b| {
        b.iter(|| {
            ring_rsa
                .sign(&rs::RSA_PKCS1_SHA256, &rng, black_box(&message), &mut out)
                .unwrap()
        })
    });
}

/// The process's CPU time (every thread: the runtime's and SQLite's).
fn process_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant Linux knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The CPU share of one answer's writes under group commit: 32 answers (a grant, an access
/// and a refresh token, a ledger record each) written together through `store::writer` on
/// SQLite (WAL, synchronous=FULL), CPU time of the whole process divided by 32. The waiting
/// for the disk is not CPU and not counted. `bench/run.sh` adds this to each scenario's floor
/// once per write it does.
fn write_share(c: &mut Criterion) {
    use civitas::store::{
        oauth::{GrantRow, NewToken},
        writer::{Issue, Writer},
    };
    const BATCH: usize = 32;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (db, writer, person, client) = rt.block_on(async {
        let db = Db::connect(&DatabaseConfig {
            url: format!("sqlite:{}", dir.path().join("bench.db").display()),
            max_connections: 4,
            acquire_timeout: Duration::from_secs(5),
        })
        .await
        .unwrap();
        db.migrate().await.unwrap();
        civitas::demo::seed(&db, 1_795_680_380).await.unwrap();
        let p = civitas::demo::population().into_iter().next().unwrap();
        let person =
            civitas::store::persons::find_person_by_national_id(&db, p.national_id.as_str())
                .await
                .unwrap()
                .unwrap()
                .id;
        civitas::demo::ensure_demo_client(&db, 1_795_680_380)
            .await
            .unwrap();
        let client = civitas::demo::DEMO_CLIENT_ID.to_owned();
        let writer = Writer::new(db.clone());
        (db, writer, person, client)
    });
    let issue = |now: i64| {
        let grant = random_token(16);
        Issue {
            grant: Some(GrantRow {
                id: grant.clone(),
                person_id: person.clone(),
                client_id: client.clone(),
                scopes: "openid profile".into(),
                claims: String::new(),
                acr: "urn:civitas:loa:substantial".into(),
                amr: "hwk user".into(),
                auth_time: now,
                sid: random_token(16),
                created_at: now,
                revoked_at: None,
                purpose: None,
            }),
            tokens: ["access", "refresh"]
                .into_iter()
                .map(|kind| NewToken {
                    token_hash: sha256_b64(&random_token(32)),
                    grant_id: grant.clone(),
                    kind,
                    scopes: "openid profile".into(),
                    created_at: now,
                    expires_at: now + 300,
                    dpop_jkt: None,
                })
                .collect(),
            release: Some(ledger::ReleaseRecord {
                person_id: person.clone(),
                client_id: client.clone(),
                client_name: "Tax Board".into(),
                purpose: "To prefill your tax return".into(),
                claims: vec!["sub".into(), "name".into()],
                acr: "urn:civitas:loa:substantial".into(),
                channel: "id_token",
                at: now,
            }),
            ..Default::default()
        }
    };
    c.bench_function("write_share_batch_32", |b| {
        b.iter_custom(|iters| {
            let start = process_cpu();
            for _ in 0..iters {
                let batch: Vec<Issue> = (0..BATCH).map(|_| issue(1_795_680_380)).collect();
                rt.block_on(async {
                    let waits = batch
                        .into_iter()
                        .map(|i| writer.issue(i, 1_795_680_380))
                        .collect::<Vec<_>>();
                    for passed in futures_util::future::join_all(waits).await {
                        assert!(passed.unwrap());
                    }
                });
            }
            (process_cpu() - start) / BATCH as u32
        })
    });
    drop(writer);
    rt.block_on(db.close());
}

/// What the middleware chain (request id, trace span, client address, security headers,
/// timeout, body limit, metrics, queued session deletes) costs one request: `GET /healthz`
/// through the whole router, and through a router with the same handler and no layers, in
/// process (no socket, no hyper).
fn middleware_chain(c: &mut Criterion) {
    use axum::{body::Body, extract::ConnectInfo, http::Request, routing::get};
    use figment::providers::Serialized;
    use tower::ServiceExt as _;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = rt.block_on(async {
        let figment = civitas::config::Config::defaults()
            .merge(Serialized::default("issuer", "http://localhost:8080"))
            .merge(Serialized::default(
                "database.url",
                format!("sqlite:{}", dir.path().join("chain.db").display()),
            ))
            .merge(Serialized::default("keys.dir", dir.path().join("keys")));
        let config = civitas::config::Config::from_figment(figment).unwrap();
        civitas::app::build(config).await.unwrap()
    });
    let bare = axum::Router::new().route("/healthz", get(civitas::web::health::healthz));
    let request = || {
        let mut req = Request::get("/healthz").body(Body::empty()).unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(std::net::SocketAddr::from((
                [127, 0, 0, 1],
                40000,
            ))));
        req
    };
    for (name, router) in [("http_chain_full", app.router), ("http_chain_bare", bare)] {
        c.bench_function(name, |b| {
            b.iter(|| {
                let response = rt.block_on(router.clone().oneshot(request())).unwrap();
                assert_eq!(response.status(), 200);
            })
        });
    }
}

/// The driver's share of a group commit: the same batch (a gate `UPDATE … RETURNING` over 32
/// rows, 64 token rows and 32 record rows in multi-row statements, one commit; WAL,
/// `synchronous=FULL`) written through `sqlx` from the runtime, and through `rusqlite` on a
/// thread of its own that receives the batch in one message and answers in one, as a direct
/// writer would. Process CPU per batch, the disk wait excluded.
fn driver_batch(c: &mut Criterion) {
    use sqlx::{Connection as _, sqlite::SqliteConnectOptions};
    const ROWS: usize = 32;
    const SCHEMA: &str = "CREATE TABLE tokens (hash TEXT PRIMARY KEY, grant_id TEXT NOT NULL, \
        kind TEXT NOT NULL, scopes TEXT NOT NULL, created_at INTEGER NOT NULL, \
        expires_at INTEGER NOT NULL, spent_at INTEGER); \
        CREATE TABLE records (id INTEGER PRIMARY KEY, person TEXT NOT NULL, body TEXT NOT NULL, \
        hash TEXT NOT NULL);";
    let placeholders = |rows: usize, cols: usize| {
        let row = format!("({})", vec!["?"; cols].join(","));
        vec![row; rows].join(",")
    };
    let gate = format!(
        "UPDATE tokens SET spent_at = ? WHERE hash IN ({}) AND spent_at IS NULL RETURNING hash",
        vec!["?"; ROWS].join(",")
    );
    let insert_tokens = format!(
        "INSERT INTO tokens (hash, grant_id, kind, scopes, created_at, expires_at) VALUES {}",
        placeholders(2 * ROWS, 6)
    );
    let insert_records = format!(
        "INSERT INTO records (person, body, hash) VALUES {}",
        placeholders(ROWS, 3)
    );
    struct Batch {
        spend: Vec<String>,
        tokens: Vec<String>,
        records: Vec<String>,
    }
    let batch = || Batch {
        spend: (0..ROWS).map(|_| random_token(32)).collect(),
        tokens: (0..2 * ROWS).map(|_| random_token(32)).collect(),
        records: (0..ROWS).map(|_| random_token(32)).collect(),
    };
    let dir = tempfile::tempdir().unwrap();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let options = SqliteConnectOptions::new()
        .filename(dir.path().join("sqlx.db"))
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Full);
    let mut conn = rt.block_on(async {
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        sqlx::raw_sql(SCHEMA).execute(&mut conn).await.unwrap();
        conn
    });
    c.bench_function("driver_batch_32_sqlx", |b| {
        b.iter_custom(|iters| {
            let start = process_cpu();
            for _ in 0..iters {
                let batch = batch();
                rt.block_on(async {
                    let mut tx = conn.begin().await.unwrap();
                    let mut q = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(gate.as_str()))
                        .bind(1_i64);
                    for h in &batch.spend {
                        q = q.bind(h);
                    }
                    assert!(q.fetch_all(&mut *tx).await.unwrap().is_empty());
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(insert_tokens.as_str()));
                    for h in &batch.tokens {
                        q = q.bind(h).bind("g").bind("access").bind("openid profile");
                        q = q.bind(1_i64).bind(2_i64);
                    }
                    q.execute(&mut *tx).await.unwrap();
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(insert_records.as_str()));
                    for h in &batch.records {
                        q = q.bind("p").bind("{}").bind(h);
                    }
                    q.execute(&mut *tx).await.unwrap();
                    tx.commit().await.unwrap();
                });
            }
            process_cpu() - start
        })
    });
    rt.block_on(conn.close()).unwrap();

    let (jobs, inbox) = std::sync::mpsc::channel::<(Batch, tokio::sync::oneshot::Sender<()>)>();
    let path = dir.path().join("rusqlite.db");
    let (gate_sql, tokens_sql, records_sql) = (gate.clone(), insert_tokens, insert_records);
    let thread = std::thread::spawn(move || {
        let mut conn = rusqlite::Connection::open(path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "synchronous", "FULL").unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        for (batch, done) in inbox {
            let tx = conn.transaction().unwrap();
            {
                let mut gate = tx.prepare_cached(&gate_sql).unwrap();
                let mut params: Vec<&dyn rusqlite::ToSql> = vec![&1_i64];
                params.extend(batch.spend.iter().map(|h| h as &dyn rusqlite::ToSql));
                let spent: Vec<String> = gate
                    .query_map(params.as_slice(), |r| r.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                assert!(spent.is_empty());
                let mut insert = tx.prepare_cached(&tokens_sql).unwrap();
                let mut params: Vec<&dyn rusqlite::ToSql> = Vec::new();
                for h in &batch.tokens {
                    params.extend([
                        h as &dyn rusqlite::ToSql,
                        &"g",
                        &"access",
                        &"openid profile",
                    ]);
                    params.extend([&1_i64 as &dyn rusqlite::ToSql, &2_i64]);
                }
                insert.execute(params.as_slice()).unwrap();
                let mut insert = tx.prepare_cached(&records_sql).unwrap();
                let mut params: Vec<&dyn rusqlite::ToSql> = Vec::new();
                for h in &batch.records {
                    params.extend([&"p" as &dyn rusqlite::ToSql, &"{}", h]);
                }
                insert.execute(params.as_slice()).unwrap();
            }
            tx.commit().unwrap();
            let _ = done.send(());
        }
    });
    c.bench_function("driver_batch_32_rusqlite", |b| {
        b.iter_custom(|iters| {
            let start = process_cpu();
            for _ in 0..iters {
                let (done, answer) = tokio::sync::oneshot::channel();
                jobs.send((batch(), done)).unwrap();
                rt.block_on(answer).unwrap();
            }
            process_cpu() - start
        })
    });
    drop(jobs);
    thread.join().unwrap();
}

criterion_group!(
    benches,
    driver_batch,
    middleware_chain,
    write_share,
    tokens,
    ledger_benches,
    argon2_production,
    saml,
    signature_backends
);
criterion_main!(benches);
