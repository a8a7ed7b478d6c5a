package dev.tandem.sandbox.salesforce.dml;

import java.time.Instant;

/**
 * Who writes and when: the timestamp every record written by one call shares, the integration user, the
 * {@code client=} of the Sforce-Call-Options header (spec §2.7), the call's injected lock fault, whether the
 * {@code Sforce-Duplicate-Rule-Header: allowSave=true} overrides duplicate rules (§2.12) and the API version of
 * the call (for record URLs inside error bodies).
 */
public record WriteContext(Instant now, String userId, String client, LockFault lockFault,
        boolean allowDuplicateSave, String apiVersion) {

    public WriteContext(Instant now, String userId, String client, LockFault lockFault) {
        this(now, userId, client, lockFault, false, "66.0");
    }

    public WriteContext withLockFault(LockFault other) {
        return new WriteContext(now, userId, client, other, allowDuplicateSave, apiVersion);
    }
}
