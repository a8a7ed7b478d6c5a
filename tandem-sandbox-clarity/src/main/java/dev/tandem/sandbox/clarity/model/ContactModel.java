package dev.tandem.sandbox.clarity.model;

import java.time.Instant;
import java.util.Map;

/** {@code ContactModel} (module Contacts, spec §6). A missing last name is {@code null} and so absent on the wire. */
public record ContactModel(
        int id,
        String customKey,
        boolean active,
        Instant createdDate,
        Instant updatedDate,
        Long hash,
        Map<String, SerializableAttribute> serializableAttributes,
        int typeId,
        String typeKey,
        String typeName,
        String firstName,
        String middleName,
        String lastName,
        String fullName,
        String phone1,
        String fax1,
        String email1,
        String website1,
        String title,
        boolean sameAsBilling,
        Integer addressId,
        String addressKey,
        AddressModel address) implements CefModel {
}
