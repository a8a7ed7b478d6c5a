package dev.tandem.sandbox.salesforce.soql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Every record a query selected, already projected (with {@code attributes}), in result order.
 *
 * @param records empty for {@code SELECT COUNT()}
 */
public record QueryResult(int totalSize, List<ObjectNode> records) {

    public QueryResult {
        records = List.copyOf(records);
    }
}
