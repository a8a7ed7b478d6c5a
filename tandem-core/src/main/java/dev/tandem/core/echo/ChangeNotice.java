package dev.tandem.core.echo;

import java.util.Map;
import java.util.Objects;

/**
 * A change to one record as a source system reported it, reduced to what the echo policy needs.
 *
 * @param system       the system the change happened in (the target of Tandem's earlier write)
 * @param entity       entity name in that system
 * @param recordId     record id in that system
 * @param originClient the client id the system reports the change came from (Salesforce: the {@code client=} part
 *                     of {@code changeOrigin}); empty when none
 * @param actor        the user who committed the change (Salesforce: {@code commitUser}); empty when unknown
 * @param values       the changed fields and their new values (fields the system manages itself left out)
 */
public record ChangeNotice(String system, String entity, String recordId, String originClient, String actor,
                           Map<String, ?> values) {

    public ChangeNotice {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(recordId, "recordId");
        originClient = originClient == null ? "" : originClient;
        actor = actor == null ? "" : actor;
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(
                Objects.requireNonNull(values, "values")));
    }
}
