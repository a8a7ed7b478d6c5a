package dev.tandem.salesforce.cdc;

import java.util.Objects;
import java.util.Optional;

/**
 * What Tandem stores per topic after the events up to it are durable in the event log: the replay id to resume
 * from (CUSTOM) and the commitTimestamp of the last committed change, the point a recovery re-reads from when the
 * replay id has expired. Stored in the {@link dev.tandem.core.spi.CursorStore} as {@code <hex>@<epoch ms>}.
 */
public record CdcCursor(String replayId, long commitTimestamp) {

    public CdcCursor {
        Objects.requireNonNull(replayId, "replayId");
    }

    /** The cursor name of a topic. */
    public static String nameFor(String topic) {
        return "salesforce.cdc:" + topic;
    }

    public String encode() {
        return replayId + "@" + commitTimestamp;
    }

    public static Optional<CdcCursor> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        int at = text.indexOf('@');
        if (at < 0) {
            return Optional.of(new CdcCursor(text.strip(), 0));
        }
        return Optional.of(new CdcCursor(text.substring(0, at), Long.parseLong(text.substring(at + 1))));
    }
}
