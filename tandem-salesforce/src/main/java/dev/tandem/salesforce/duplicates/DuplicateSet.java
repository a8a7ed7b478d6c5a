package dev.tandem.salesforce.duplicates;

import java.util.List;
import java.util.Map;

/**
 * Records of one system that look like the same customer: the answer of a duplicate scan.
 *
 * @param system    {@code salesforce} or {@code clarity}
 * @param object    the object, e.g. {@code Contact}
 * @param matchedBy the rules that tied them, e.g. {@code Email}
 * @param value     the normalised value they share under the first of those rules
 * @param records   the records, oldest first: each with its {@code id}, {@code key} (the Clarity key, may be empty)
 *                  and the fields the rules read
 */
public record DuplicateSet(String system, String object, List<String> matchedBy, String value,
                           List<Map<String, String>> records) {

    public DuplicateSet {
        matchedBy = List.copyOf(matchedBy);
        records = records.stream().map(Map::copyOf).toList();
    }
}
