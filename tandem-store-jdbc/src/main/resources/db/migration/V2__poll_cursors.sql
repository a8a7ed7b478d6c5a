-- Tandem schema, version 2: durable poll cursors (CursorStore).
--
-- One script for SQLite and PostgreSQL, portable SQL only (see V1). A poller (e.g. the Clarity delta poller) keeps
-- one row per cursor name; the value is opaque text the poller owns (a watermark plus a bounded recent-seen set),
-- written with INSERT ... ON CONFLICT by the code after the events it covers were appended to the event log.

CREATE TABLE poll_cursor (
    name       TEXT   NOT NULL PRIMARY KEY,
    value      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);
