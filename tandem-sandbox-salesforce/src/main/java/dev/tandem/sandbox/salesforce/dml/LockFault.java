package dev.tandem.sandbox.salesforce.dml;

import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import java.util.List;

/**
 * A pending injected row-lock failure for one API call (a single request, a composite request or one graph):
 * the first write attempted while it is armed fails with UNABLE_TO_LOCK_ROW (spec §2.12, a transient error
 * clients must retry).
 */
public final class LockFault {

    private boolean armed;

    public LockFault(boolean armed) {
        this.armed = armed;
    }

    public static LockFault none() {
        return new LockFault(false);
    }

    public void check(String recordId) {
        if (armed) {
            armed = false;
            throw ApiException.badRequest(ApiError.of("UNABLE_TO_LOCK_ROW",
                    "unable to obtain exclusive access to this record or 1 records: " + recordId, List.of()));
        }
    }
}
