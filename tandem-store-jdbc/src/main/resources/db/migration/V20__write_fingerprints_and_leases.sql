-- Tandem schema, version 20 (a high, distinct number so it cannot clash with migrations added on other branches):
-- echo-suppression fingerprints and single-reader leases (issue 8).
--
-- One script for SQLite and PostgreSQL, portable SQL only (see V1).
--
-- Tables
--   write_fingerprint  what Tandem last wrote to a record of a target system: one row per (system, entity,
--                      record id), field_hashes as lines "field<TAB>hash" sorted by field, never values in clear.
--                      expires_at bounds how long a write counts for echo suppression (WriteFingerprints SPI).
--   lease              named leases with one holder until expires_at, e.g. one change-data-capture subscriber
--                      per topic per deployment (LeaseStore SPI). Taking one is a single conditional upsert, so two
--                      processes on one database never both hold it.

CREATE TABLE write_fingerprint (
    target_system TEXT   NOT NULL,
    entity        TEXT   NOT NULL,
    record_id     TEXT   NOT NULL,
    field_hashes  TEXT   NOT NULL,
    written_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    CONSTRAINT write_fingerprint_pk PRIMARY KEY (target_system, entity, record_id)
);

CREATE INDEX write_fingerprint_expires_idx ON write_fingerprint (expires_at);

CREATE TABLE lease (
    name       TEXT   NOT NULL PRIMARY KEY,
    holder     TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
