package dev.tandem.server.logging;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Logback's built-in JSON encoder (one object per line:
 * https://logback.qos.ch/manual/encoders.html#JsonEncoder) with a {@code "time"} member beside its epoch-millisecond
 * {@code "timestamp"}: the same instant as ISO-8601 with the zone's offset ({@code 2026-12-02T10:15:30.123+01:00}),
 * which log stores parse without configuration and people read without converting. The context member (logback's
 * birth date and properties, the same on every line) is left out.
 */
public final class IsoJsonEncoder extends JsonEncoder {

    private final DateTimeFormatter format = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneId.systemDefault());

    public IsoJsonEncoder() {
        setWithContext(false);
        setWithArguments(false);
        setWithMessage(false);
        setWithFormattedMessage(true);
    }

    @Override
    protected void appendCustomFields(StringBuilder sb, ILoggingEvent event) {
        sb.append(",\"time\":\"").append(format.format(Instant.ofEpochMilli(event.getTimeStamp()))).append('"');
    }
}
