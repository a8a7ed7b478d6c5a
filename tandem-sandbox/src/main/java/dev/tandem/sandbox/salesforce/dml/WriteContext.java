package dev.tandem.sandbox.salesforce.dml;

import java.time.Instant;

/**
 * Who writes and when: the timestamp every record written by one call shares, the integration user, the
 * {@code client=} of the Sforce-Call-Options header (spec §2.7) and the call's injected lock fault.
 */
public record WriteContext(Instant now, String userId, String client, LockFault lockFault) {
}
