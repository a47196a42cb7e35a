//! Both migration folders hold the same migrations, and they build the same schema.

use std::collections::BTreeSet;

use civitas::store::Db;

use crate::support::TestDb;

fn names(folder: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(folder);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    names
}

#[test]
fn migration_folders_match() {
    let sqlite = names("sqlite");
    let postgres = names("postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must hold the same files in the same order"
    );
    for name in &sqlite {
        let (version, rest) = name.split_once('_').expect("VERSION_description.sql");
        assert!(
            version.len() == 14 && version.bytes().all(|b| b.is_ascii_digit()),
            "{name}"
        );
        assert!(rest.len() > 4, "{name} needs a description");
    }
}

async fn open(url: &str) -> Db {
    let config = civitas::config::Config::from_figment(
        civitas::config::Config::defaults().merge(("database.url", url)),
    )
    .unwrap();
    let db = Db::connect(&config.database).await.unwrap();
    assert!(db.migrate().await.unwrap() > 0);
    assert_eq!(
        db.migrate().await.unwrap(),
        0,
        "a second run applies nothing"
    );
    db
}

/// (table, column) pairs of the application's tables.
async fn columns(db: &Db) -> BTreeSet<(String, String)> {
    let rows: Vec<(String, String)> = match db {
        Db::Sqlite(p) => sqlx::query_as(
            "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
        Db::Postgres(p) => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
    };
    rows.into_iter().collect()
}

#[tokio::test]
async fn both_databases_get_the_same_tables_and_columns() {
    let sqlite_db = TestDb::sqlite();
    let sqlite = open(&sqlite_db.url).await;
    let Some(pg_db) = TestDb::postgres().await else {
        return;
    };
    let postgres = open(&pg_db.url).await;
    assert_eq!(sqlite.known_migrations(), postgres.known_migrations());
    let (a, b) = (columns(&sqlite).await, columns(&postgres).await);
    assert!(a.contains(&("persons".into(), "national_id".into())));
    assert_eq!(a, b);
    sqlite.close().await;
    postgres.close().await;
}
