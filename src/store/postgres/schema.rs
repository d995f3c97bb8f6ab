//! The PostgreSQL schema, as numbered migrations compiled into the binary.
//!
//! Each replica applies the missing ones at start-up, one transaction per
//! migration, while holding a session advisory lock: two replicas starting
//! together take turns, and the second finds everything applied. A
//! migration is never edited once released; a change is a new number.

use postgres::Client;

/// The advisory lock key taken while migrating ("atazan" in ASCII).
const MIGRATION_LOCK: i64 = 0x61_74_61_7a_61_6e;

/// The migrations, in order: (version, SQL).
pub const MIGRATIONS: &[(i32, &str)] = &[(
    1,
    "
    CREATE TABLE languages (
        user_id    BIGINT PRIMARY KEY,
        lang       TEXT NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE TABLE journal (
        id       BIGSERIAL PRIMARY KEY,
        at       BIGINT NOT NULL,
        kind     TEXT NOT NULL,
        lang     TEXT NOT NULL,
        question TEXT,
        best     TEXT,
        score    REAL,
        passage  TEXT,
        topic    TEXT
    );
    CREATE INDEX journal_at ON journal (at, id);
    CREATE TABLE counters (
        day  BIGINT NOT NULL,
        name TEXT NOT NULL,
        n    BIGINT NOT NULL,
        PRIMARY KEY (day, name)
    );
    CREATE TABLE sent_alerts (
        key     TEXT PRIMARY KEY,
        sent_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    ",
)];

/// Applies the migrations `client`'s database lacks; returns how many.
pub fn migrate(client: &mut Client) -> Result<usize, postgres::Error> {
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
    let applied = apply(client);
    // Unlocked whatever happened; a lost connection releases it anyway.
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
    let applied = applied?;
    unlocked?;
    Ok(applied)
}

fn apply(client: &mut Client) -> Result<usize, postgres::Error> {
    client.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )",
    )?;
    let done: Vec<i32> = client
        .query("SELECT version FROM schema_migrations", &[])?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut applied = 0;
    for &(version, sql) in MIGRATIONS {
        if done.contains(&version) {
            continue;
        }
        let mut tx = client.transaction()?;
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&version],
        )?;
        tx.commit()?;
        tracing::info!(version, "applied a schema migration");
        applied += 1;
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_increase_from_one() {
        for (i, (v, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v as usize, i + 1);
        }
    }
}
