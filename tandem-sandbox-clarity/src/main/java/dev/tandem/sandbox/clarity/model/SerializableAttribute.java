package dev.tandem.sandbox.clarity.model;

/**
 * One entry of {@code SerializableAttributes}, CEF's extension-field dictionary (spec §2):
 * {@code {"<key>":{"ID":int,"Key":string,"Value":string,"UofM":string,"SortOrder":int?}}}.
 */
public record SerializableAttribute(int id, String key, String value, String uofM, Integer sortOrder) {
}
