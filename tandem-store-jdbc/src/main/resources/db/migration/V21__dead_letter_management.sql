-- Tandem schema, version 21: dead letters an operator can act on (issue 9).
--
-- One script for SQLite and PostgreSQL, portable SQL only (see V1).
--
-- dead_letter gains what an operator triages and fixes by: its state (open, retrying, resolved, ignored), the error
-- class, the step that failed, the other system's status and fields, the mapped request, the trace key
-- (record_key = entity/entity id, by which a later success of the record resolves it and a repeated failure
-- collapses into it), the occurrence counter, the operator's edit, how it was resolved, and when it last changed.
-- Rows of earlier versions become open dead letters of class 'data' (the class is recomputed from the code when read).
--
-- Tables
--   dead_letter_ref     related records a dead letter was read with (entity/id): a change of one of them retries
--                       an open data error (the billing contact of an order gets its last name).
--   dead_letter_change  the history of a dead letter: every failure and every action, who/when/why.

ALTER TABLE dead_letter ADD COLUMN state TEXT NOT NULL DEFAULT 'OPEN';
ALTER TABLE dead_letter ADD COLUMN error_class TEXT NOT NULL DEFAULT '';
ALTER TABLE dead_letter ADD COLUMN step TEXT NOT NULL DEFAULT '';
ALTER TABLE dead_letter ADD COLUMN entity TEXT NOT NULL DEFAULT '';
ALTER TABLE dead_letter ADD COLUMN record_key TEXT NOT NULL DEFAULT '';
ALTER TABLE dead_letter ADD COLUMN http_status INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dead_letter ADD COLUMN fields TEXT NOT NULL DEFAULT '';
ALTER TABLE dead_letter ADD COLUMN request TEXT;
ALTER TABLE dead_letter ADD COLUMN occurrences INTEGER NOT NULL DEFAULT 1;
ALTER TABLE dead_letter ADD COLUMN resolution TEXT;
ALTER TABLE dead_letter ADD COLUMN edit TEXT;
ALTER TABLE dead_letter ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;

UPDATE dead_letter SET updated_at = created_at;

CREATE INDEX dead_letter_trace_idx ON dead_letter (flow, record_key, state);
CREATE INDEX dead_letter_state_idx ON dead_letter (state, id);

CREATE TABLE dead_letter_ref (
    dead_letter_id BIGINT NOT NULL,
    ref_key        TEXT   NOT NULL,
    CONSTRAINT dead_letter_ref_pk PRIMARY KEY (dead_letter_id, ref_key)
);

CREATE INDEX dead_letter_ref_key_idx ON dead_letter_ref (ref_key);

CREATE TABLE dead_letter_change (
    id             ${auto_id},
    dead_letter_id BIGINT NOT NULL,
    changed_at     BIGINT NOT NULL,
    actor          TEXT   NOT NULL,
    action         TEXT   NOT NULL,
    from_state     TEXT,
    to_state       TEXT   NOT NULL,
    detail         TEXT
);

CREATE INDEX dead_letter_change_dl_idx ON dead_letter_change (dead_letter_id, id);

-- flow_control: a flow an operator paused (admin API / CLI); it stays paused across restarts until resumed.
CREATE TABLE flow_control (
    flow       TEXT    NOT NULL PRIMARY KEY,
    paused     INTEGER NOT NULL,
    changed_by TEXT    NOT NULL,
    changed_at BIGINT  NOT NULL,
    reason     TEXT
);

-- The record timeline (issue 9): a record's events by its key or id, and the audit trail's retention purge by time.
CREATE INDEX event_log_entity_key_idx ON event_log (entity_key);
CREATE INDEX event_log_entity_id_idx ON event_log (entity_id);
CREATE INDEX audit_entry_at_idx ON audit_entry (audited_at);

-- What a write step wrote (fields per record, sensitive ones masked before storage): the timeline's diff.
ALTER TABLE audit_entry ADD COLUMN written TEXT;
