package dev.tandem.sandbox.salesforce.rest;

import dev.tandem.sandbox.salesforce.data.DataStore.Transaction;
import dev.tandem.sandbox.salesforce.dml.WriteContext;

/** The transaction and write context one API call (and all its composite sub-requests) runs in. */
public record CallScope(Transaction tx, WriteContext write) {

    public CallScope withWrite(WriteContext other) {
        return new CallScope(tx, other);
    }
}
