package dev.tandem.clarity.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An extension field of a CEF record (clarity-api.md §2, {@code SerializableAttributes}). */
public record SerializableAttribute(@JsonProperty("ID") Integer id, String key, String value,
                                    @JsonProperty("UofM") String uofM, Integer sortOrder) {
}
