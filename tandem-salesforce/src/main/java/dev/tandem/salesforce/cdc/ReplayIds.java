package dev.tandem.salesforce.cdc;

import java.util.HexFormat;

/**
 * Replay ids are opaque bytes: "Subscribers must not compute new replay IDs based on a stored replay ID ... store the
 * replayId values as bytes" ("Message Durability", https://developer.salesforce.com/docs/atlas.en-us.platform_events.meta/platform_events/platform_events_durability.htm).
 * Tandem stores them as lowercase hex text and never orders or increments them.
 */
public final class ReplayIds {

    private static final HexFormat HEX = HexFormat.of();

    private ReplayIds() {
    }

    public static String toHex(byte[] replayId) {
        return HEX.formatHex(replayId);
    }

    public static byte[] fromHex(String hex) {
        return HEX.parseHex(hex);
    }
}
