package dev.tandem.salesforce.model;

import java.util.Map;
import java.util.Optional;

/**
 * The org's limits from {@code GET /limits} (salesforce-api.md §2.7), e.g. {@code DailyApiRequests}
 * {@code {"Max":15000,"Remaining":14998}}. Every limit the org reports is kept by name.
 */
public record OrgLimits(Map<String, Limit> limits) {

    public static final String DAILY_API_REQUESTS = "DailyApiRequests";
    public static final String DAILY_BULK_API_REQUESTS = "DailyBulkApiRequests";
    public static final String DAILY_BULK_V2_QUERY_JOBS = "DailyBulkV2QueryJobs";
    public static final String DAILY_DURABLE_STREAMING_API_EVENTS = "DailyDurableStreamingApiEvents";
    public static final String HOURLY_PUBLISHED_PLATFORM_EVENTS = "HourlyPublishedPlatformEvents";

    /** One limit: its allocation and what is left of it. */
    public record Limit(long max, long remaining) {

        public long used() {
            return Math.max(0, max - remaining);
        }
    }

    public OrgLimits {
        limits = Map.copyOf(limits);
    }

    public Optional<Limit> limit(String name) {
        return Optional.ofNullable(limits.get(name));
    }

    /** {@code DailyApiRequests}: the rolling 24 h API allocation (§5). */
    public Optional<Limit> dailyApiRequests() {
        return limit(DAILY_API_REQUESTS);
    }

    public Optional<Limit> dailyBulkApiRequests() {
        return limit(DAILY_BULK_API_REQUESTS);
    }
}
