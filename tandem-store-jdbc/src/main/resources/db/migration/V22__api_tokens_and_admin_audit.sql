-- Tandem schema, version 22: the admin API's bearer tokens and the admin audit log (issue 9).
--
-- One script for SQLite and PostgreSQL, portable SQL only (see V1); ${auto_id} is V1's surrogate-id placeholder.
--
-- Tables
--   api_token    one row per token ever created: its name (unique among the tokens not revoked), its role
--                (viewer, operator, admin), the SHA-256 of its secret in hex (never the secret), when it was created,
--                last used (updated at most once a minute) and revoked. Rows are kept after revocation, so the audit
--                log's actors stay explained.
--   admin_audit  one row per state-changing admin API call: when, who (token name and role), the method and path,
--                what was done, the status answered and the caller's address. Never request bodies nor tokens.

CREATE TABLE api_token (
    id           ${auto_id},
    name         TEXT   NOT NULL,
    role         TEXT   NOT NULL,
    token_hash   TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT,
    CONSTRAINT api_token_hash_uq UNIQUE (token_hash)
);

CREATE UNIQUE INDEX api_token_active_name_uq ON api_token (name) WHERE revoked_at IS NULL;

CREATE TABLE admin_audit (
    id             ${auto_id},
    at             BIGINT  NOT NULL,
    actor          TEXT    NOT NULL,
    role           TEXT    NOT NULL,
    method         TEXT    NOT NULL,
    path           TEXT    NOT NULL,
    action         TEXT    NOT NULL,
    status         INTEGER NOT NULL,
    remote_address TEXT    NOT NULL
);

CREATE INDEX admin_audit_actor_idx ON admin_audit (actor, id);
