-- Tandem schema, version 3: flows are files with a version (a content hash); every audit entry and dead letter
-- records the version that handled it, so an operator knows which mapping produced what they see.
-- Offsets are per flow from now on (consumer "flow:<id>"); the old shared consumer "flow-runtime" is read once
-- as the starting point of flows that have none yet.

ALTER TABLE audit_entry ADD COLUMN flow_version TEXT NOT NULL DEFAULT '';
ALTER TABLE dead_letter ADD COLUMN flow_version TEXT NOT NULL DEFAULT '';
