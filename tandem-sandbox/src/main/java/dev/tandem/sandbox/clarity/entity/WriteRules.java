package dev.tandem.sandbox.clarity.entity;

import dev.tandem.sandbox.clarity.model.Lookup;
import java.util.List;
import java.util.Map;

/**
 * What a write of one entity must contain and how its type/status references resolve.
 *
 * @param requiredFields wire names that must be non-blank after the write (e.g. {@code Name} of an account)
 * @param lookups per reference prefix ({@code Type}, {@code Status}) its rows and default. A write may name a row by
 *     {@code <X>ID} or by {@code <X>Key}; the sandbox fills in the other members. CEF resolves by ID or key too,
 *     though key-only resolution is unverified (spec §8, note under "Upsert").
 */
public record WriteRules(List<String> requiredFields, Map<String, LookupRule> lookups) {

    /** The rows a reference may name, and the one used when a new record names none. */
    public record LookupRule(List<Lookup> rows, Lookup fallback) {
    }
}
