package dev.tandem.core.mapping.functions;

/**
 * {@code $picklist(value, 'map')} met a value the flow's picklist map does not list. This is a validation error of
 * the source record, not a bug of the mapping: the engine dead-letters the event with {@link #CODE} instead of
 * sending the value to Salesforce, which would reject it as INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST.
 */
public class PicklistValueException extends FunctionException {

    /** The dead-letter code for this error. */
    public static final String CODE = "PICKLIST_VALUE_UNKNOWN";

    private final String mapName;
    private final String value;
    private final String mapping;

    public PicklistValueException(String mapName, String value) {
        this(mapName, value, null, null);
    }

    private PicklistValueException(String mapName, String value, String mapping, Throwable cause) {
        super("picklist", (mapping == null ? "" : "mapping " + mapping + ": ")
                + "value '" + value + "' is not in picklist map '" + mapName + "'", cause);
        this.mapName = mapName;
        this.value = value;
        this.mapping = mapping;
    }

    /** The same error, naming the mapping it happened in. */
    public PicklistValueException inMapping(String mappingName) {
        return new PicklistValueException(mapName, value, mappingName, this);
    }

    public String code() {
        return CODE;
    }

    public String mapName() {
        return mapName;
    }

    public String value() {
        return value;
    }

    /** The mapping that called {@code $picklist}, {@code null} before {@link #inMapping}. */
    public String mapping() {
        return mapping;
    }
}
