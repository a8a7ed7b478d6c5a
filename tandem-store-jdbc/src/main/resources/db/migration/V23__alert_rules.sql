-- Tandem schema, version 23: alert rules added through the admin API (issue 9: "rules in config (and API)").
-- One script for SQLite and PostgreSQL, portable SQL only (see V1). The rules of tandem.yaml are not stored here.

CREATE TABLE alert_rule (
    name       TEXT   NOT NULL PRIMARY KEY,
    definition TEXT   NOT NULL,
    created_by TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
