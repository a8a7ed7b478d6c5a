package dev.tandem.sandbox.salesforce.soql;

import dev.tandem.sandbox.salesforce.soql.SoqlQuery.Position;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;

/**
 * SOQL errors in Salesforce's shape (spec §2.5): the offending query line, a caret under the column,
 * "ERROR at Row:R:Column:C" and the reason, all in the message of a 400 error.
 */
public final class QueryErrors {

    private QueryErrors() {
    }

    public static ApiException at(String errorCode, String query, Position position, String reason) {
        String[] lines = query.split("\n", -1);
        String line = position.row() >= 1 && position.row() <= lines.length ? lines[position.row() - 1] : query;
        String message = "\n" + line + "\n" + " ".repeat(Math.max(0, position.column() - 1)) + "^\nERROR at Row:"
                + position.row() + ":Column:" + position.column() + "\n" + reason;
        return ApiException.badRequest(ApiError.of(errorCode, message));
    }

    public static ApiException malformed(String query, Position position, String reason) {
        return at("MALFORMED_QUERY", query, position, reason);
    }

    public static ApiException noSuchColumn(String query, SoqlQuery.FieldPath field, String entity) {
        return at("INVALID_FIELD", query, field.position(), "No such column '" + field.segments().getLast()
                + "' on entity '" + entity + "'. If you are attempting to use a custom field, be sure to append the"
                + " '__c' after the custom field name. Please reference your WSDL or the describe call for the"
                + " appropriate names.");
    }

    public static ApiException unknownRelationship(String query, SoqlQuery.FieldPath field, String relationship) {
        return at("INVALID_FIELD", query, field.position(), "Didn't understand relationship '" + relationship
                + "' in field path. If you are attempting to use a custom relationship, be sure to append the '__r'"
                + " after the custom relationship name. Please reference your WSDL or the describe call for the"
                + " appropriate names.");
    }

    public static ApiException unsupportedType(String query, Position position, String type) {
        return at("INVALID_TYPE", query, position, "sObject type '" + type + "' is not supported. If you are"
                + " attempting to use a custom object, be sure to append the '__c' after the entity name. Please"
                + " reference your WSDL or the describe call for the appropriate names.");
    }
}
