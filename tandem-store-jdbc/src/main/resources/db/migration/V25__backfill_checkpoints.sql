-- Tandem schema, version 30: the initial load's checkpoints (issue 11 item 4: "resumable after a crash or Ctrl-C
-- (a checkpoint per object in the state store)"). One script for SQLite and PostgreSQL, portable SQL only (see V1).

CREATE TABLE backfill_checkpoint (
    object     TEXT    NOT NULL PRIMARY KEY,
    since      TEXT    NOT NULL,
    records    BIGINT  NOT NULL,
    last_id    TEXT    NOT NULL,
    written    BIGINT  NOT NULL,
    failed     BIGINT  NOT NULL,
    skipped    BIGINT  NOT NULL,
    complete   INTEGER NOT NULL,
    started_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
