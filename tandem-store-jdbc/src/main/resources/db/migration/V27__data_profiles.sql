-- Tandem schema, version 27: learned data profiles (issue 13 item 4). Per flow and field path, one bounded sketch of
-- the values the flow synced successfully (dev.tandem.core.profile.FieldProfile as JSON: counts, ranges and at most
-- 50 short categorical values; never a record). One script for SQLite and PostgreSQL, portable SQL only (see V1).

CREATE TABLE data_profile (
    flow         TEXT   NOT NULL,
    field        TEXT   NOT NULL,
    profile      TEXT   NOT NULL,
    observations BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (flow, field)
);
