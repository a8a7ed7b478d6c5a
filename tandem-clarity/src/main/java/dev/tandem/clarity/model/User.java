package dev.tandem.clarity.model;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/** {@code UserModel} (clarity-api.md §6): a storefront login, linked to an account and a contact. */
public record User(@JsonProperty("ID") Integer id, String customKey, Boolean active, Instant createdDate,
                   Instant updatedDate, Long hash, String userName, String email, String displayName,
                   String phoneNumber, @JsonProperty("AccountID") Integer accountId, String accountKey,
                   @JsonProperty("ContactID") Integer contactId, String contactKey, Contact contact) {
}
