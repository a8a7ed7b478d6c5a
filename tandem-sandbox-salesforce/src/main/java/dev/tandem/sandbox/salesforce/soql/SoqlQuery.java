package dev.tandem.sandbox.salesforce.soql;

import java.util.List;

/**
 * A parsed SOQL statement (the subset of spec §2.5 the sandbox supports). Positions are 1-based row/column, as
 * Salesforce reports them in "ERROR at Row:1:Column:N".
 *
 * @param fields empty for {@code SELECT COUNT()}
 * @param where  null without a WHERE clause
 * @param limit  null without LIMIT
 * @param offset null without OFFSET
 */
public record SoqlQuery(String text, Position objectPosition, String objectName, boolean count,
        List<FieldPath> fields, Condition where, List<OrderBy> orderBy, Integer limit, Integer offset) {

    public SoqlQuery {
        fields = List.copyOf(fields);
        orderBy = List.copyOf(orderBy);
    }

    public record Position(int row, int column) {
    }

    /** {@code Name} or {@code Account.Clarity_Account_Key__c}: relationship names, then a field name. */
    public record FieldPath(List<String> segments, Position position) {

        public FieldPath {
            segments = List.copyOf(segments);
        }

        public String text() {
            return String.join(".", segments);
        }
    }

    public record OrderBy(FieldPath field, boolean descending, boolean nullsFirst) {
    }
}
