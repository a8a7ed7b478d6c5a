package dev.tandem.clarity.model;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/** {@code ContactModel} (clarity-api.md §6): a person with an address; also an order's billing/shipping contact. */
public record Contact(@JsonProperty("ID") Integer id, String customKey, Boolean active, Instant createdDate,
                      Instant updatedDate, Long hash, String typeKey, String firstName, String middleName,
                      String lastName, String fullName, String email1, String phone1, String title,
                      @JsonProperty("AddressID") Integer addressId, Address address) {
}
