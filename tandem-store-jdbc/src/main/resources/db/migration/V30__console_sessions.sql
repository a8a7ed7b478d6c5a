-- Tandem schema, version 30: the web console's sessions (issue 12), so a restart does not sign everyone out and
-- every server on one store knows every session. One script for SQLite and PostgreSQL, portable SQL only (see V1).
--
-- Table
--   console_session  one row per live session (sign-out, revocation of its token and expiry delete it): the SHA-256
--                    of the cookie value in hex (never the cookie value, never the API token), the id of the API
--                    token it was made from, that token's role, the session's CSRF token (useless without the
--                    cookie), sign-in time, last use (written at most once a minute) and the absolute expiry; all
--                    times in epoch milliseconds.

CREATE TABLE console_session (
    id_hash      TEXT   NOT NULL PRIMARY KEY,
    token_id     BIGINT NOT NULL,
    role         TEXT   NOT NULL,
    csrf_token   TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);

CREATE INDEX console_session_token_idx ON console_session (token_id);
