package dev.tandem.sandbox.clarity.model;

import java.time.Instant;
import java.util.Map;

/**
 * The members every CEF model inherits from {@code BaseModel} (spec §6): int {@code ID}, the external key
 * {@code CustomKey}, the soft-delete flag {@code Active}, dates, {@code Hash} and {@code SerializableAttributes}.
 */
public interface CefModel {

    int id();

    String customKey();

    boolean active();

    Instant createdDate();

    Instant updatedDate();

    Long hash();

    Map<String, SerializableAttribute> serializableAttributes();

    /** The date {@code ModifiedSince} compares against: the update date, or the creation date if never updated. */
    default Instant lastModified() {
        return updatedDate() != null && updatedDate().isAfter(createdDate()) ? updatedDate() : createdDate();
    }
}
