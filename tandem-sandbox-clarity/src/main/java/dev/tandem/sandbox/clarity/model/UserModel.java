package dev.tandem.sandbox.clarity.model;

import java.time.Instant;
import java.util.Map;

/**
 * {@code UserModel} (module Contacts, spec §6). {@code PasswordHash} and {@code SecurityStamp} exist on the real
 * model but are deliberately absent here: an emulator should never emit them (spec §6).
 */
public record UserModel(
        int id,
        String customKey,
        boolean active,
        Instant createdDate,
        Instant updatedDate,
        Long hash,
        Map<String, SerializableAttribute> serializableAttributes,
        String userName,
        String email,
        boolean emailConfirmed,
        String phoneNumber,
        boolean phoneNumberConfirmed,
        boolean twoFactorEnabled,
        boolean lockoutEnabled,
        int accessFailedCount,
        boolean isApproved,
        String displayName,
        boolean isEmailSubscriber,
        int typeId,
        String typeKey,
        String typeName,
        int statusId,
        String statusKey,
        String statusName,
        Integer accountId,
        String accountKey,
        String accountName,
        int contactId,
        String contactKey,
        String contactPhone,
        String contactEmail,
        String contactFirstName,
        String contactLastName,
        ContactModel contact) implements CefModel {
}
