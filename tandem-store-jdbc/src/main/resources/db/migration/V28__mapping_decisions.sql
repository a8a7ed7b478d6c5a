-- Tandem schema, version 28: what a person decided about field-mapping suggestions (issue 13, tandem map suggest
-- --accept/--reject, or a written mapping: dev.tandem.core.mapping.MappingDecisionStore). One row per source
-- system, target object, source path and target field; the last decision wins. Names and paths only, never a
-- sample value. One script for SQLite and PostgreSQL, portable SQL only (see V1).

CREATE TABLE mapping_decision (
    source_system TEXT    NOT NULL,
    target_object TEXT    NOT NULL,
    source_path   TEXT    NOT NULL,
    target_field  TEXT    NOT NULL,
    accepted      INTEGER NOT NULL,
    decided_at    BIGINT  NOT NULL,
    PRIMARY KEY (source_system, target_object, source_path, target_field)
);
