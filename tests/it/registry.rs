//! Registry import: all or nothing, idempotent, updates in place; and the demo population.

use civitas::{
    registry::{CSV_HEADER, NationalId},
    store::{Db, persons},
};

use crate::{
    on_both_databases,
    support::{TestDb, write_file},
};

on_both_databases!(
    a_file_with_one_bad_row_imports_nothing_and_names_the_line,
    importing_twice_keeps_the_count_and_a_changed_address_updates_in_place,
    demo_and_registry_persons_never_share_a_database,
);

fn row(n: u32, street: &str) -> String {
    let id = NationalId::from_digits(200_000_000 + n);
    format!(
        "{},Tamm,Mari Liis,1984-02-29,F,EST,\"{street}\",10123,Tallinn,EE,mari{n}@example.org,+3725550{n:03}\n",
        id.as_str()
    )
}

fn registry_file(rows: impl IntoIterator<Item = String>) -> String {
    let mut text = format!("{}\n", CSV_HEADER.join(","));
    text.extend(rows);
    text
}

async fn open(db: &TestDb) -> Db {
    let db = Db::connect(
        &civitas::config::Config::from_figment(
            civitas::config::Config::defaults().merge(("database.url", &db.url)),
        )
        .unwrap()
        .database,
    )
    .await
    .unwrap();
    db.migrate().await.unwrap();
    db
}

async fn a_file_with_one_bad_row_imports_nothing_and_names_the_line(db: TestDb) {
    // 50 good rows, then a bad date of birth on line 42 (the header is line 1).
    let rows = (1..=50).map(|n| {
        let r = row(n, "Pikk 1");
        if n == 41 {
            r.replace("1984-02-29", "1984-02-30")
        } else {
            r
        }
    });
    let file = write_file(db.dir.path(), "registry.csv", &registry_file(rows));

    let out = db.civitas(&["registry", "import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 42, column birth_date"), "{err}");
    assert!(err.contains("nothing changed"), "{err}");

    let store = open(&db).await;
    assert_eq!(persons::count_persons(&store).await.unwrap(), 0);
}

async fn importing_twice_keeps_the_count_and_a_changed_address_updates_in_place(db: TestDb) {
    let file = write_file(
        db.dir.path(),
        "a.csv",
        &registry_file((1..=1500).map(|n| row(n, "Pikk 1"))),
    );
    let out = db.civitas(&["registry", "import", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("1500 persons: 1500 new, 0 updated, 0 unchanged"),
        "{summary}"
    );

    let again = db.civitas(&["registry", "import", file.to_str().unwrap()]);
    let summary = String::from_utf8_lossy(&again.stdout);
    assert!(
        summary.contains("1500 persons: 0 new, 0 updated, 1500 unchanged"),
        "{summary}"
    );

    let store = open(&db).await;
    assert_eq!(persons::count_persons(&store).await.unwrap(), 1500);
    let id = NationalId::from_digits(200_000_007);
    let before = persons::find_person_by_national_id(&store, id.as_str())
        .await
        .unwrap()
        .unwrap();

    // Person 7 moved.
    let moved = write_file(
        db.dir.path(),
        "b.csv",
        &registry_file(
            (1..=1500).map(|n| row(n, if n == 7 { "Laia 5, flat 3" } else { "Pikk 1" })),
        ),
    );
    let out = db.civitas(&["registry", "import", moved.to_str().unwrap()]);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("1500 persons: 0 new, 1 updated, 1499 unchanged"),
        "{summary}"
    );

    assert_eq!(persons::count_persons(&store).await.unwrap(), 1500);
    let after = persons::find_person_by_national_id(&store, id.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.id, before.id, "updated in place, same internal id");
    assert_eq!(after.street_address, "Laia 5, flat 3");
    assert_eq!(after.created_at, before.created_at);
    store.close().await;
}

async fn demo_and_registry_persons_never_share_a_database(db: TestDb) {
    let store = open(&db).await;
    let first = civitas::demo::seed(&store, 1).await.unwrap();
    assert_eq!((first.total, first.inserted), (1000, 1000));
    let second = civitas::demo::seed(&store, 2).await.unwrap();
    assert_eq!(
        (second.inserted, second.unchanged),
        (0, 1000),
        "deterministic: nothing changes"
    );

    // A real registry is refused where demo persons live...
    let file = write_file(
        db.dir.path(),
        "real.csv",
        &registry_file([row(1, "Pikk 1")]),
    );
    let out = db.civitas(&["registry", "import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("holds demo persons") && err.contains("nothing imported"),
        "{err}"
    );
    assert_eq!(persons::count_persons(&store).await.unwrap(), 1000);
    store.close().await;

    // ...and the demo where a real registry lives.
    let real = TestDb::sqlite();
    let file = write_file(
        real.dir.path(),
        "real.csv",
        &registry_file([row(1, "Pikk 1")]),
    );
    assert!(
        real.civitas(&["registry", "import", file.to_str().unwrap()])
            .status
            .success()
    );
    let store = open(&real).await;
    let refused = civitas::demo::seed(&store, 3)
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("holds registry persons"), "{refused}");
    assert_eq!(persons::count_persons(&store).await.unwrap(), 1);
    store.close().await;
}

#[tokio::test]
async fn serve_demo_prints_a_person_to_try() {
    let db = TestDb::sqlite();
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_civitas"));
    cmd.args(["serve", "--demo"])
        .current_dir(db.dir.path())
        .kill_on_drop(true);
    for (k, v) in db.env() {
        cmd.env(k, v);
    }
    let mut child = cmd.stderr(std::process::Stdio::piped()).spawn().unwrap();
    let mut lines =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(child.stderr.take().unwrap()));
    let mut seen = String::new();
    let found = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        while let Ok(Some(line)) = lines.next_line().await {
            seen.push_str(&line);
            seen.push('\n');
            if line.contains("Civitas is serving") {
                return true;
            }
        }
        false
    })
    .await
    .unwrap_or(false);
    child.start_kill().unwrap();
    assert!(found, "{seen}");
    assert!(seen.contains("Demo mode: 1000 persons: 1000 new"), "{seen}");
    let id = civitas::demo::population()[0].national_id.clone();
    assert!(
        seen.contains(&format!("national ID {}", id.as_str())),
        "{seen}"
    );
}
