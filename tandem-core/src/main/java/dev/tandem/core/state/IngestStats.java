package dev.tandem.core.state;

import java.time.Instant;

/**
 * How many events of one source system arrived in one time bucket, and how late (the dashboard's "events in" and
 * its ingest lag: the time from the change in the source system, the event's {@code occurredAt}, to its receipt).
 * For Salesforce the event time is the change event's commit timestamp, so the lag is the CDC delivery lag.
 *
 * @param source     the source system, e.g. {@code clarity} or {@code salesforce}
 * @param bucket     the bucket's start
 * @param received   events appended to the log in the bucket (duplicates are not appended, so not counted)
 * @param maxLagMillis the largest receipt lag in the bucket, in milliseconds (never negative)
 * @param avgLagMillis the mean receipt lag in the bucket, in milliseconds (never negative)
 */
public record IngestStats(String source, Instant bucket, long received, long maxLagMillis, long avgLagMillis) {
}
