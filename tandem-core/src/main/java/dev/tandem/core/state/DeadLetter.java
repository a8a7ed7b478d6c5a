package dev.tandem.core.state;

import dev.tandem.core.error.ErrorClass;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * An event a flow gave up on, with everything an operator needs to understand and fix it (issue 9: Celigo-level
 * error management). One dead letter per record and error: a later failure of the same record with the same code
 * in the same flow is counted on it ({@link #occurrences}) instead of adding another (duplicates collapse), and a
 * later success of the record in the flow resolves it (Celigo's "trace key").
 *
 * @param id           store-assigned id (0 before it is stored)
 * @param eventOffset  the log offset of the (latest) event that failed; a retry runs that event again
 * @param flow         the flow id
 * @param flowVersion  the flow version that handled it (empty when unknown)
 * @param entity       the source entity, e.g. {@code SalesOrder}
 * @param entityKey    the source record's key, e.g. {@code SO-5001}
 * @param recordKey    the trace key: {@code entity/entityId} as the runtime orders events by
 * @param step         the step kind that failed ({@code validate}, {@code to}, …); empty when unknown
 * @param errorCode    a stable code: the target's errorCode (e.g. {@code REQUIRED_FIELD_MISSING}) or Tandem's
 * @param errorClass   the triage class of the code
 * @param errorMessage the human-readable reason
 * @param httpStatus   the other system's HTTP status, 0 when none
 * @param fields       the fields the error is about, when the system says
 * @param payload      the data the flow had when it failed (the fetched record when there is one, else the event)
 * @param request      the mapped request that was (or would have been) sent, as JSON; null before the transform
 * @param refs         related records it was read with ({@code entity/id}): their change retries a data error
 * @param attempts     attempts made for the latest failure
 * @param occurrences  how many times this record failed this way (1 for the first)
 * @param state        open, retrying, resolved or ignored
 * @param resolution   how it was resolved or why it was ignored; null while open
 * @param edit         the operator's edit kept with it (a {@code RecordEdit} as JSON), or null
 * @param createdAt    when it was first dead-lettered
 * @param updatedAt    when it last changed
 */
public record DeadLetter(long id, long eventOffset, String flow, String flowVersion, String entity, String entityKey,
                         String recordKey, String step, String errorCode, ErrorClass errorClass, String errorMessage,
                         int httpStatus, List<String> fields, String payload, String request, List<String> refs,
                         int attempts, int occurrences, State state, String resolution, String edit,
                         Instant createdAt, Instant updatedAt) {

    /** The life of a dead letter: open → retrying → resolved (or back to open when the retry fails) / ignored. */
    public enum State {
        OPEN, RETRYING, RESOLVED, IGNORED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static State parse(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }

        /** Whether the dead letter still needs an operator or a retry (open or retrying). */
        public boolean active() {
            return this == OPEN || this == RETRYING;
        }
    }

    public DeadLetter {
        flowVersion = flowVersion == null ? "" : flowVersion;
        entity = entity == null ? "" : entity;
        entityKey = entityKey == null ? "" : entityKey;
        recordKey = recordKey == null ? "" : recordKey;
        step = step == null ? "" : step;
        errorCode = errorCode == null ? "" : errorCode;
        errorClass = errorClass == null ? ErrorClass.of(errorCode, httpStatus) : errorClass;
        fields = fields == null ? List.of() : List.copyOf(fields);
        refs = refs == null ? List.of() : List.copyOf(refs);
        state = state == null ? State.OPEN : state;
        occurrences = Math.max(1, occurrences);
        updatedAt = updatedAt == null ? createdAt : updatedAt;
    }

    /** A new open dead letter with the essentials; the rest empty (tests, simple callers). */
    public DeadLetter(long id, long eventOffset, String flow, String flowVersion, String entityKey, String payload,
                      String errorCode, String errorMessage, int attempts, Instant createdAt) {
        this(id, eventOffset, flow, flowVersion, "", entityKey, "", "", errorCode, null, errorMessage, 0, List.of(),
                payload, null, List.of(), attempts, 1, State.OPEN, null, null, createdAt, createdAt);
    }
}
