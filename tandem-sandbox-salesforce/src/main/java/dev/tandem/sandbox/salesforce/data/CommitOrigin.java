package dev.tandem.sandbox.salesforce.data;

import java.time.Instant;

/**
 * Who committed a transaction and through which API, for the change events it produces (spec §4.2
 * changeOrigin {@code com/salesforce/api/<api>/<version>;client=<client>}, commitUser, commitTimestamp).
 *
 * @param api        {@code rest} or {@code bulkapi} (the API_Name of changeOrigin)
 * @param apiVersion e.g. {@code 66.0}
 * @param client     the {@code client=} of Sforce-Call-Options, or null
 * @param userId     the user the session belongs to (commitUser)
 * @param now        the commit time
 */
public record CommitOrigin(String api, String apiVersion, String client, String userId, Instant now) {

    public String changeOrigin() {
        return "com/salesforce/api/" + api + "/" + apiVersion + (client == null ? "" : ";client=" + client);
    }
}
