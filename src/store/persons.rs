//! `persons`: the imported population registry.

use sqlx::{AssertSqlSafe, QueryBuilder};

use super::{Db, Tx};
use crate::{
    on_db, on_tx,
    registry::{CSV_HEADER, Person},
};

/// A row of `persons`. Personal data: `Debug` shows the internal id only.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonRow {
    pub id: String,
    pub national_id: String,
    pub family_name: String,
    pub given_names: String,
    pub birth_date: String,
    pub sex: String,
    pub nationality: String,
    pub street_address: String,
    pub postal_code: String,
    pub locality: String,
    pub country: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub source: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// A synthetic test person: sandbox clients sign in only these, production clients never.
    pub test: bool,
}

impl std::fmt::Debug for PersonRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PersonRow({}, [redacted])", self.id)
    }
}

const COLUMNS: &str = "id, national_id, family_name, given_names, birth_date, sex, nationality, \
     street_address, postal_code, locality, country, email, phone, source, created_at, updated_at, test";

/// Columns an import may change: every registry column but the national ID (the key), and
/// the source. An upsert that changes none of them leaves the row alone.
fn mutable_columns() -> impl Iterator<Item = &'static str> {
    CSV_HEADER[1..].iter().copied().chain(["source"])
}

static UPSERT_TAIL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let set: Vec<String> = mutable_columns()
        .chain(["updated_at"])
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let changed: Vec<String> = mutable_columns()
        .map(|c| format!("persons.{c} IS DISTINCT FROM excluded.{c}"))
        .collect();
    format!(
        " ON CONFLICT (national_id) DO UPDATE SET {} WHERE {}",
        set.join(", "),
        changed.join(" OR ")
    )
});

/// Rows per multi-row INSERT: 16 parameters each stays under SQLite's 32,766 limit.
pub const UPSERT_BATCH: usize = 1000;

pub async fn find_person_by_national_id(
    db: &Db,
    national_id: &str,
) -> Result<Option<PersonRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM persons WHERE national_id = $1");
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(national_id)
        .fetch_optional(p)
        .await)
}

/// Persons with this family name (exact, ignoring case) born on this date (`YYYY-MM-DD`),
/// at most 20: the helpdesk's search when the national ID is not at hand.
pub async fn find_persons_by_name_and_birth_date(
    db: &Db,
    family_name: &str,
    birth_date: &str,
) -> Result<Vec<PersonRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM persons WHERE LOWER(family_name) = LOWER($1) AND birth_date = $2 \
         ORDER BY given_names, id LIMIT 20"
    );
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.clone()))
        .bind(family_name)
        .bind(birth_date)
        .fetch_all(p)
        .await)
}

pub async fn find_person(db: &Db, id: &str) -> Result<Option<PersonRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM persons WHERE id = $1");
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(p)
        .await)
}

pub async fn find_person_in_tx(tx: &mut Tx, id: &str) -> Result<Option<PersonRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM persons WHERE id = $1");
    on_tx!(tx, |c| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(c)
        .await)
}

pub async fn count_persons(db: &Db) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar("SELECT COUNT(*) FROM persons")
        .fetch_one(p)
        .await)
}

/// Whether the person is a test person (`None`: no such person).
pub async fn find_person_is_test(db: &Db, id: &str) -> Result<Option<bool>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar(
        "SELECT test FROM persons WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)
}

/// How many of `national_ids` are registered with the other test flag than `test`: an import
/// never turns a real person into a test person, or the reverse.
pub async fn count_persons_flagged_otherwise_in_tx(
    tx: &mut Tx,
    national_ids: &[&str],
    test: bool,
) -> Result<i64, sqlx::Error> {
    if national_ids.is_empty() {
        return Ok(0);
    }
    on_tx!(tx, |c| {
        let mut q = QueryBuilder::new("SELECT COUNT(*) FROM persons WHERE test <> ");
        q.push_bind(test);
        q.push(" AND national_id IN (");
        let mut list = q.separated(", ");
        for id in national_ids {
            list.push_bind(*id);
        }
        q.push(")");
        q.build_query_scalar().fetch_one(&mut *c).await
    })
}

/// Test persons, by national ID, at most `limit` (the sandbox sign-in's chooser).
pub async fn find_test_persons(db: &Db, limit: i64) -> Result<Vec<PersonRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM persons WHERE test ORDER BY national_id LIMIT $1");
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(p)
        .await)
}

/// Counts persons by source (`registry` or `demo`) inside a transaction.
pub async fn count_persons_by_source_in_tx(tx: &mut Tx, source: &str) -> Result<i64, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM persons WHERE source = $1"
    )
    .bind(source)
    .fetch_one(c)
    .await)
}

/// What an upsert did: rows inserted, and rows updated (unchanged rows are not touched).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpsertCounts {
    pub inserted: u64,
    pub updated: u64,
}

/// Inserts new persons and updates changed ones, keyed by national ID; an unchanged row is
/// not touched. New rows get fresh ids, so a returned id among them means "inserted".
pub async fn upsert_persons(
    tx: &mut Tx,
    persons: &[Person],
    source: &str,
    test: bool,
    now: i64,
) -> Result<UpsertCounts, sqlx::Error> {
    if persons.is_empty() {
        return Ok(UpsertCounts::default());
    }
    let new_ids: Vec<String> = persons
        .iter()
        .map(|_| uuid::Uuid::new_v4().to_string())
        .collect();
    let touched: Vec<String> = on_tx!(tx, |c| {
        let mut q = QueryBuilder::new(format!("INSERT INTO persons ({COLUMNS}) "));
        q.push_values(persons.iter().zip(&new_ids), |mut row, (p, id)| {
            row.push_bind(id.as_str())
                .push_bind(p.national_id.as_str())
                .push_bind(p.family_name.as_str())
                .push_bind(p.given_names.as_str())
                .push_bind(p.birth_date.to_string())
                .push_bind(p.sex.code())
                .push_bind(p.nationality.as_str())
                .push_bind(p.street_address.as_str())
                .push_bind(p.postal_code.as_str())
                .push_bind(p.locality.as_str())
                .push_bind(p.country.as_str())
                .push_bind(p.email.as_deref())
                .push_bind(p.phone.as_deref())
                .push_bind(source)
                .push_bind(now)
                .push_bind(now)
                .push_bind(test);
        });
        q.push(UPSERT_TAIL.as_str());
        q.push(" RETURNING id");
        q.build_query_scalar().fetch_all(&mut *c).await
    })?;
    let fresh: std::collections::HashSet<&str> = new_ids.iter().map(String::as_str).collect();
    let inserted = touched
        .iter()
        .filter(|id| fresh.contains(id.as_str()))
        .count() as u64;
    Ok(UpsertCounts {
        inserted,
        updated: touched.len() as u64 - inserted,
    })
}
