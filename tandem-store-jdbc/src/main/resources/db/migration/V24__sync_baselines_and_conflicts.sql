-- Tandem schema, version 24: two-way sync's memory (issue 10, field-level master-data policy).
-- One script for SQLite and PostgreSQL, portable SQL only (see V1).
--
--   sync_baseline  per record and field, the hash of the value it held when both sides were last in sync (no values
--                  in clear); both directions of a pair read and write the same rows.
--   sync_conflict  the review queue: one open conflict per field pair (pair_key), values as masked JSON text.

CREATE TABLE sync_baseline (
    system     TEXT   NOT NULL,
    entity     TEXT   NOT NULL,
    record_id  TEXT   NOT NULL,
    field      TEXT   NOT NULL,
    value_hash TEXT   NOT NULL,
    synced_at  BIGINT NOT NULL,
    PRIMARY KEY (system, entity, record_id, field)
);

CREATE TABLE sync_conflict (
    id              ${auto_id},
    flow            TEXT   NOT NULL,
    state           TEXT   NOT NULL,
    pair_key        TEXT   NOT NULL,
    source_system   TEXT   NOT NULL,
    source_entity   TEXT   NOT NULL,
    source_id       TEXT   NOT NULL,
    source_key_field TEXT  NOT NULL,
    source_key      TEXT   NOT NULL,
    source_field    TEXT   NOT NULL,
    target_system   TEXT   NOT NULL,
    target_entity   TEXT   NOT NULL,
    target_id       TEXT   NOT NULL,
    target_key_field TEXT  NOT NULL,
    target_key      TEXT   NOT NULL,
    target_field    TEXT   NOT NULL,
    source_value    TEXT,
    target_value    TEXT,
    source_modified BIGINT,
    target_modified BIGINT,
    policy          TEXT   NOT NULL,
    reason          TEXT   NOT NULL,
    event_offset    BIGINT NOT NULL,
    opened_at       BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    resolution      TEXT   NOT NULL,
    resolved_by     TEXT   NOT NULL,
    resolved_at     BIGINT
);

CREATE INDEX sync_conflict_pair_idx ON sync_conflict (pair_key, state);
CREATE INDEX sync_conflict_state_idx ON sync_conflict (state, id);
