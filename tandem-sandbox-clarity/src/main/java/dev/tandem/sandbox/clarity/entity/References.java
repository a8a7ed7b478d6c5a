package dev.tandem.sandbox.clarity.entity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.clarity.model.CefModel;
import dev.tandem.sandbox.clarity.store.EntityTable;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import java.util.Optional;

/**
 * Resolves a reference of a row being written, such as {@code MasterID}/{@code MasterKey} of a relationship
 * (spec §6), by ID first and then by key, as CEF's workflows resolve related records. A reference that names a
 * record which does not exist fails the write with {@code ActionSucceeded=false}.
 */
public final class References {

    private References() {
    }

    /** The referenced row, or empty when the write names none. */
    public static <T extends CefModel> Optional<T> find(ObjectNode row, String prefix, EntityTable<T> table) {
        JsonNode id = row.get(prefix + "ID");
        if (id != null && id.canConvertToInt() && id.asInt() > 0) {
            return Optional.of(table.byId(id.asInt()).orElseThrow(() -> ClarityHttpException.actionFailed(
                    prefix + "ID " + id.asInt() + " does not name an existing " + table.entityName())));
        }
        JsonNode key = row.get(prefix + "Key");
        if (key != null && key.isTextual() && !key.asText().isBlank()) {
            return Optional.of(table.byKey(key.asText()).orElseThrow(() -> ClarityHttpException.actionFailed(
                    prefix + "Key '" + key.asText() + "' does not name an existing " + table.entityName())));
        }
        return Optional.empty();
    }

    /** The referenced row; a write that names none fails. */
    public static <T extends CefModel> T require(ObjectNode row, String prefix, EntityTable<T> table) {
        T found = find(row, prefix, table).orElseThrow(() -> ClarityHttpException.actionFailed(
                prefix + "ID or " + prefix + "Key of an existing " + table.entityName() + " is required"));
        row.put(prefix + "ID", found.id());
        if (found.customKey() != null) {
            row.put(prefix + "Key", found.customKey());
        }
        return found;
    }

    /** Sets a text member, or removes it when the value is null (nulls are omitted on the wire, spec §2). */
    public static void text(ObjectNode row, String name, String value) {
        if (value == null) {
            row.remove(name);
        } else {
            row.put(name, value);
        }
    }
}
