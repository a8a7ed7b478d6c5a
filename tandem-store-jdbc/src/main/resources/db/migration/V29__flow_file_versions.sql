-- Tandem schema, version 29: every version of a flow that loaded, with its definition and mapping files
-- (dev.tandem.core.flow.FlowVersionStore), so the console lists a flow's history and diffs two versions after the
-- file changed again (issue 12, the flow designer). One row per flow and version (a content hash); the first
-- load of a version is kept. One script for SQLite and PostgreSQL, portable SQL only (see V1).

CREATE TABLE flow_version (
    flow       TEXT   NOT NULL,
    version    TEXT   NOT NULL,
    file       TEXT   NOT NULL,
    definition TEXT   NOT NULL,
    mappings   TEXT   NOT NULL,
    example    TEXT   NOT NULL,
    loaded_at  BIGINT NOT NULL,
    PRIMARY KEY (flow, version)
);
