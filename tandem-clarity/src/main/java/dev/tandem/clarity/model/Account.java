package dev.tandem.clarity.model;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Map;

/** {@code AccountModel} (clarity-api.md §6): a customer company. */
public record Account(@JsonProperty("ID") Integer id, String customKey, Boolean active, Instant createdDate,
                      Instant updatedDate, Long hash, String name, String description, String typeKey,
                      String statusKey, Boolean isOnHold, Boolean isTaxable, String taxExemptionNo,
                      Map<String, SerializableAttribute> serializableAttributes) {
}
