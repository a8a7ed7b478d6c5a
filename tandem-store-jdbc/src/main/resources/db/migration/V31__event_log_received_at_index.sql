-- Tandem schema, version 31: an index on event_log.received_at for the dashboard's ingestion charts
-- (EventLog.ingestStats: the rows received since a time, grouped by source and bucket; issue 12). Without it every
-- window, even the last hour, scanned the whole log; measured in docs/benchmarks.md ("The dashboard's ingestion
-- query"). One script for SQLite and PostgreSQL, portable SQL only (see V1).

CREATE INDEX event_log_received_at_idx ON event_log (received_at);
