//! Loading persons into the store: all or nothing, idempotent, in one transaction.

use std::{fmt, path::Path};

use indicatif::ProgressBar;

use super::{Person, RowError, parse_csv};
use crate::store::{Db, persons};

/// What an import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub total: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} persons: {} new, {} updated, {} unchanged",
            self.total, self.inserted, self.updated, self.unchanged
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot open {file}: {source}")]
    Open {
        file: String,
        source: std::io::Error,
    },
    #[error("{file} was not imported (nothing changed):\n{}", list(.errors))]
    Invalid { file: String, errors: Vec<RowError> },
    #[error(
        "this database holds {existing} persons; {incoming} persons are never mixed with them, nothing imported (use a separate database)"
    )]
    MixedSources {
        existing: &'static str,
        incoming: String,
    },
    #[error(
        "{count} national IDs in the file are already registered as {existing} persons; an import \
         never turns a real person into a test person or the reverse; nothing imported (import \
         them {hint})"
    )]
    TestFlagConflict {
        count: i64,
        existing: &'static str,
        hint: &'static str,
    },
    #[error("database error, nothing imported: {0}")]
    Database(#[from] sqlx::Error),
}

impl crate::store::Retry for ImportError {
    fn is_conflict(&self) -> bool {
        matches!(self, ImportError::Database(e) if crate::store::is_conflict(e))
    }
}

fn list(errors: &[RowError]) -> String {
    errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Imports a registry CSV file. `progress` counts bytes read, then rows written; pass
/// `ProgressBar::hidden()` when nobody watches.
pub async fn import_file(
    db: &Db,
    path: &Path,
    test: bool,
    now: i64,
    progress: &ProgressBar,
) -> Result<ImportSummary, ImportError> {
    let file_name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| ImportError::Open {
        file: file_name.clone(),
        source,
    })?;
    if let Ok(meta) = file.metadata() {
        progress.set_length(meta.len());
    }
    progress.set_message("checking");
    let persons = parse_csv(progress.wrap_read(file)).map_err(|errors| ImportError::Invalid {
        file: file_name,
        errors,
    })?;
    progress.set_position(0);
    progress.set_length(persons.len() as u64);
    progress.set_message("writing");
    import_persons(db, &persons, "registry", test, now, progress).await
}

/// Upserts validated persons in one transaction: a failure part-way leaves nothing behind.
/// Registry and demo persons never share a database: a real registry is refused where demo
/// persons live, and the reverse. `test` flags the persons as synthetic test persons (sandbox
/// clients sign in only those); a person keeps the flag they were first imported with.
pub async fn import_persons(
    db: &Db,
    all: &[Person],
    source: &str,
    test: bool,
    now: i64,
    progress: &ProgressBar,
) -> Result<ImportSummary, ImportError> {
    let other = if source == "demo" { "registry" } else { "demo" };
    // A transaction that runs again counts its rows again, from where this one started.
    let start = progress.position();
    let (inserted, updated) = crate::transaction!(db, ImportError, |tx| {
        progress.set_position(start);
        if persons::count_persons_by_source_in_tx(tx, other).await? > 0 {
            return Err(ImportError::MixedSources {
                existing: other,
                incoming: source.to_owned(),
            });
        }
        let (mut inserted, mut updated) = (0, 0);
        for batch in all.chunks(persons::UPSERT_BATCH) {
            let ids: Vec<&str> = batch.iter().map(|p| p.national_id.as_str()).collect();
            let count = persons::count_persons_flagged_otherwise_in_tx(tx, &ids, test).await?;
            if count > 0 {
                return Err(ImportError::TestFlagConflict {
                    count,
                    existing: if test { "real" } else { "test" },
                    hint: if test {
                        "without --test, or leave them out"
                    } else {
                        "with --test, or leave them out"
                    },
                });
            }
            let counts = persons::upsert_persons(tx, batch, source, test, now).await?;
            inserted += counts.inserted;
            updated += counts.updated;
            progress.inc(batch.len() as u64);
        }
        Ok((inserted, updated))
    })?;
    let total = all.len() as u64;
    Ok(ImportSummary {
        total,
        inserted,
        updated,
        unchanged: total - inserted - updated,
    })
}
