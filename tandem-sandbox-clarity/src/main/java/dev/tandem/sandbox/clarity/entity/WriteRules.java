package dev.tandem.sandbox.clarity.entity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.clarity.model.Lookup;
import java.util.List;
import java.util.Map;

/**
 * What a write of one entity must contain and how its references resolve.
 *
 * @param requiredFields wire names that must be non-blank after the write (e.g. {@code Name} of an account)
 * @param lookups per reference prefix ({@code Type}, {@code Status}) its rows and default. A write may name a row by
 *     {@code <X>ID} or by {@code <X>Key}; the sandbox fills in the other members. CEF resolves by ID or key too,
 *     though key-only resolution is unverified (spec §8, note under "Upsert").
 * @param resolver completes the row before it is stored: resolves {@code MasterID}/{@code SlaveID} of a relationship
 *     from the IDs or keys the write gave and copies the denormalised names ({@code MasterKey}, {@code SlaveName},
 *     spec §6). It throws {@code ClarityHttpException.actionFailed} for a reference that does not exist.
 */
public record WriteRules(List<String> requiredFields, Map<String, LookupRule> lookups, RowResolver resolver) {

    public WriteRules(List<String> requiredFields, Map<String, LookupRule> lookups) {
        this(requiredFields, lookups, row -> { });
    }

    /** The rows a reference may name, and the one used when a new record names none. */
    public record LookupRule(List<Lookup> rows, Lookup fallback) {
    }

    /** Completes the wire form of a row that is about to be stored; {@code ID} is already assigned. */
    @FunctionalInterface
    public interface RowResolver {
        void resolve(ObjectNode row);
    }
}
