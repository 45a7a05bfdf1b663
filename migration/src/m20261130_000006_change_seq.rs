//! Exact incremental sync: `change_seq` on events and tombstones, set by
//! the database itself on every insert and update, so that a sync token
//! (`Store::sync_token`) taken before a read bounds every write the read
//! did not see, whatever the order in which writers commit. Write times
//! (`updated_at`) cannot: a write stamped before a sync and committed
//! after it falls behind the next sync's `updatedSince`.
//!
//! - PostgreSQL: the writing transaction's 64-bit id
//!   (`pg_current_xact_id()`). A token is the oldest transaction id still
//!   running (`pg_snapshot_xmin`): every transaction a read did not see has
//!   an id at least that.
//! - SQLite: one writer at a time, so a counter (`change_counter`) bumped
//!   by each written row orders writes as they commit; a token is the
//!   committed counter plus one.
//!
//! Rows written before this migration keep 0: a sync starts with a full
//! export (taking a token first), so they are never needed by token.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["event", "tombstone"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(t))
                    .add_column(big_integer(Alias::new("change_seq")).default(0))
                    .to_owned(),
            )
            .await?;
            m.create_index(
                Index::create()
                    .name(format!("ix_{t}_change"))
                    .table(Alias::new(t))
                    .col(Alias::new("change_seq"))
                    .col(Alias::new("id"))
                    .to_owned(),
            )
            .await?;
        }
        let db = m.get_connection();
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared(
                "CREATE FUNCTION tarikh_change_seq() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN NEW.change_seq := pg_current_xact_id()::text::bigint; RETURN NEW; END $$",
            )
            .await?;
            for t in TABLES {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {t}_change_seq BEFORE INSERT OR UPDATE ON {t} \
                     FOR EACH ROW EXECUTE FUNCTION tarikh_change_seq()"
                ))
                .await?;
            }
        } else {
            db.execute_unprepared(
                "CREATE TABLE change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL)",
            )
            .await?;
            db.execute_unprepared("INSERT INTO change_counter (id, seq) VALUES (1, 0)")
                .await?;
            // The trigger's own update of the row changes change_seq, so the
            // update trigger's WHEN skips it (no second count).
            let body = |t: &str| {
                format!(
                    "BEGIN UPDATE change_counter SET seq = seq + 1 WHERE id = 1; \
                     UPDATE {t} SET change_seq = (SELECT seq FROM change_counter WHERE id = 1) \
                     WHERE id = NEW.id; END"
                )
            };
            for t in TABLES {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {t}_change_seq_ins AFTER INSERT ON {t} {}",
                    body(t)
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {t}_change_seq_upd AFTER UPDATE ON {t} \
                     WHEN NEW.change_seq = OLD.change_seq {}",
                    body(t)
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            for t in TABLES {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t}_change_seq ON {t}"))
                    .await?;
            }
            db.execute_unprepared("DROP FUNCTION IF EXISTS tarikh_change_seq()")
                .await?;
        } else {
            for t in TABLES {
                for w in ["ins", "upd"] {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t}_change_seq_{w}"))
                        .await?;
                }
            }
            db.execute_unprepared("DROP TABLE IF EXISTS change_counter")
                .await?;
        }
        for t in TABLES {
            m.drop_index(
                Index::drop()
                    .name(format!("ix_{t}_change"))
                    .table(Alias::new(t))
                    .to_owned(),
            )
            .await?;
            m.alter_table(
                Table::alter()
                    .table(Alias::new(t))
                    .drop_column(Alias::new("change_seq"))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
