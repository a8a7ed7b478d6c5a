package dev.tandem.salesforce.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** Reads records back over REST when the change feed cannot tell what changed (gaps, expired replay ids). */
public interface RecordReReader {

    /** Every record of {@code object} whose SystemModstamp is at or after {@code since}, oldest first, paged. */
    Stream<ObjectNode> changedSince(String object, Instant since);

    /** The records with these ids that still exist (at least {@code Id} and {@code SystemModstamp}). */
    List<ObjectNode> byIds(String object, List<String> ids);
}
