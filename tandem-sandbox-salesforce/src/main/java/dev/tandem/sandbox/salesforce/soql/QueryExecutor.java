package dev.tandem.sandbox.salesforce.soql;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.data.DataStore.Transaction;
import dev.tandem.sandbox.salesforce.data.Row;
import dev.tandem.sandbox.salesforce.dml.FieldValues;
import dev.tandem.sandbox.salesforce.id.SalesforceIds;
import dev.tandem.sandbox.salesforce.schema.FieldDefinition;
import dev.tandem.sandbox.salesforce.schema.FieldType;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import dev.tandem.sandbox.salesforce.soql.Condition.Operator;
import dev.tandem.sandbox.salesforce.soql.SoqlQuery.FieldPath;
import dev.tandem.sandbox.salesforce.soql.SoqlQuery.OrderBy;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Runs a parsed SOQL query against the store: type checks, filtering, ordering, paging and projection. */
public final class QueryExecutor {

    /** SOQL caps OFFSET at 2,000 rows. */
    private static final int MAX_OFFSET = 2000;

    private final SalesforceSchema schema;
    private final Clock clock;

    public QueryExecutor(SalesforceSchema schema, Clock clock) {
        this.schema = schema;
        this.clock = clock;
    }

    /**
     * @param includeDeleted true for {@code queryAll} (spec §2.5: "Also /queryAll includes deleted rows")
     * @param version        API version the record URLs in {@code attributes} carry
     */
    public QueryResult execute(Transaction tx, SoqlQuery query, boolean includeDeleted, String version) {
        SObjectDefinition root = schema.object(query.objectName())
                .orElseThrow(() -> QueryErrors.unsupportedType(query.text(), query.objectPosition(),
                        query.objectName()));
        Compiler compiler = new Compiler(tx, query, root);
        Projection projection = new Projection(root);
        for (FieldPath field : query.fields()) {
            projection.add(compiler.resolve(field), 0);
        }
        Predicate<Row> filter = query.where() == null ? r -> true : compiler.predicate(query.where());
        Comparator<Row> order = compiler.comparator(query.orderBy());
        if (query.offset() != null && query.offset() > MAX_OFFSET) {
            throw ApiException.badRequest(ApiError.of("NUMBER_OUTSIDE_VALID_RANGE",
                    "Maximum SOQL offset allowed is " + MAX_OFFSET));
        }
        List<Row> rows = new ArrayList<>();
        // queryAll also returns deleted rows, which no index holds: it reads the whole object.
        java.util.Optional<List<Row>> indexed = includeDeleted || query.where() == null
                ? java.util.Optional.empty() : compiler.candidates(query.where());
        for (Row row : indexed.isPresent() ? indexed.get() : tx.all(root.name())) {
            if ((includeDeleted || !row.deleted()) && filter.test(row)) {
                rows.add(row);
            }
        }
        if (order != null) {
            rows.sort(order);
        }
        int from = Math.min(rows.size(), query.offset() == null ? 0 : query.offset());
        int to = query.limit() == null ? rows.size() : Math.min(rows.size(), from + query.limit());
        List<Row> selected = rows.subList(from, to);
        if (query.count()) {
            return new QueryResult(selected.size(), List.of());
        }
        List<ObjectNode> records = new ArrayList<>(selected.size());
        for (Row row : selected) {
            records.add(projection.render(tx, row, version));
        }
        return new QueryResult(records.size(), records);
    }

    public static ObjectNode attributes(String type, String id, String version) {
        ObjectNode attributes = Json.object();
        attributes.put("type", type);
        attributes.put("url", "/services/data/v" + version + "/sobjects/" + type + "/" + id);
        return attributes;
    }

    /** A select-list path resolved against the schema: the relationships to follow, then the field. */
    private record ResolvedPath(List<FieldDefinition> relationships, FieldDefinition field) {

        Object value(Transaction tx, Row row) {
            Row current = row;
            for (FieldDefinition relationship : relationships) {
                Object parentId = current.get(relationship.name());
                if (parentId == null) {
                    return null;
                }
                current = tx.find(parentId.toString()).orElse(null);
                if (current == null) {
                    return null;
                }
            }
            return current.get(field.name());
        }
    }

    /** The nested shape of the result records: fields, and parent relationships as nested objects. */
    private final class Projection {
        private final SObjectDefinition object;
        private final Map<String, Object> entries = new LinkedHashMap<>();

        Projection(SObjectDefinition object) {
            this.object = object;
        }

        void add(ResolvedPath path, int depth) {
            if (depth == path.relationships().size()) {
                entries.putIfAbsent(path.field().name(), path.field());
                return;
            }
            FieldDefinition relationship = path.relationships().get(depth);
            Object existing = entries.computeIfAbsent(relationship.relationshipName(),
                    k -> new ParentProjection(relationship, new Projection(schema.require(relationship.referenceTo()))));
            ((ParentProjection) existing).projection().add(path, depth + 1);
        }

        ObjectNode render(Transaction tx, Row row, String version) {
            ObjectNode node = Json.object();
            node.set("attributes", attributes(object.name(), row.id(), version));
            for (Map.Entry<String, Object> entry : entries.entrySet()) {
                if (entry.getValue() instanceof FieldDefinition field) {
                    node.set(field.name(), FieldValues.toJson(row.get(field.name())));
                } else {
                    ParentProjection parent = (ParentProjection) entry.getValue();
                    Object parentId = row.get(parent.relationship().name());
                    Row parentRow = parentId == null ? null : tx.find(parentId.toString()).orElse(null);
                    node.set(entry.getKey(), parentRow == null ? NullNode.getInstance()
                            : parent.projection().render(tx, parentRow, version));
                }
            }
            return node;
        }
    }

    private record ParentProjection(FieldDefinition relationship, Projection projection) {
    }

    /** Resolves names and turns conditions into predicates, type-checking literals like SOQL does. */
    private final class Compiler {
        private final Transaction tx;
        private final SoqlQuery query;
        private final SObjectDefinition root;

        Compiler(Transaction tx, SoqlQuery query, SObjectDefinition root) {
            this.tx = tx;
            this.query = query;
            this.root = root;
        }

        ResolvedPath resolve(FieldPath path) {
            SObjectDefinition current = root;
            List<FieldDefinition> relationships = new ArrayList<>();
            List<String> segments = path.segments();
            for (int i = 0; i < segments.size() - 1; i++) {
                String name = segments.get(i);
                FieldDefinition relationship = current.relationship(name)
                        .orElseThrow(() -> QueryErrors.unknownRelationship(query.text(), path, name));
                relationships.add(relationship);
                current = schema.require(relationship.referenceTo());
            }
            SObjectDefinition owner = current;
            FieldDefinition field = owner.field(segments.getLast())
                    .orElseThrow(() -> QueryErrors.noSuchColumn(query.text(), path, owner.name()));
            return new ResolvedPath(relationships, field);
        }

        /**
         * The rows an index says may match {@code condition}, in creation order (a superset: the WHERE clause is
         * still applied to each), or empty when some part of it needs the whole object read. Indexed are {@code =}
         * and {@code IN} on a text field of the queried object itself; an AND needs one indexed operand, an OR all
         * of them (Salesforce's rule for a selective OR, "Working with Very Large SOQL Queries",
         * https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/langCon_apex_SOQL_VLSQ.htm). The
         * results are those of a full scan; only the work differs, which keeps a query by a few hundred keys from
         * costing a pass over every record of a large org.
         */
        java.util.Optional<List<Row>> candidates(Condition condition) {
            return switch (condition) {
                case Condition.And and -> {
                    // The operand whose index entries are fewest: the most selective one.
                    Lookup best = null;
                    for (Condition operand : and.operands()) {
                        Lookup l = lookup(operand);
                        if (l != null && (best == null || l.estimate() < best.estimate())) {
                            best = l;
                        }
                    }
                    if (best != null) {
                        yield java.util.Optional.of(best.rows());
                    }
                    yield and.operands().stream().map(this::candidates).flatMap(java.util.Optional::stream)
                            .min(java.util.Comparator.comparingInt(List::size));
                }
                case Condition.Or or -> {
                    Map<String, Row> union = new LinkedHashMap<>();
                    for (Condition operand : or.operands()) {
                        java.util.Optional<List<Row>> part = candidates(operand);
                        if (part.isEmpty()) {
                            yield java.util.Optional.empty();
                        }
                        part.get().forEach(row -> union.putIfAbsent(row.id(), row));
                    }
                    yield java.util.Optional.of(tx.inCreationOrder(union.values()));
                }
                default -> java.util.Optional.ofNullable(lookup(condition)).map(Lookup::rows);
            };
        }

        /** How an index answers a look-up: by text value, by the id a lookup field holds, or by record id. */
        private enum IndexKind { VALUE, REFERENCE, ID }

        /** An index look-up of one field for some values. */
        private record Lookup(Transaction tx, IndexKind kind, String type, String field, List<String> values) {
            int estimate() {
                return switch (kind) {
                    case VALUE -> tx.countByValues(type, field, values);
                    case REFERENCE -> tx.countByReferences(type, field, values);
                    case ID -> values.size();
                };
            }

            List<Row> rows() {
                return switch (kind) {
                    case VALUE -> tx.findByValues(type, field, values);
                    case REFERENCE -> tx.findByReferences(type, field, values);
                    case ID -> tx.findByIds(type, values);
                };
            }
        }

        /** The look-up answering {@code =} or {@code IN} on a text field of the object itself, or null. */
        private Lookup lookup(Condition condition) {
            FieldPath field;
            List<Literal> literals;
            switch (condition) {
                case Condition.In in when !in.negated() -> {
                    field = in.field();
                    literals = in.values();
                }
                case Condition.Comparison cmp when cmp.operator() == Operator.EQ -> {
                    field = cmp.field();
                    literals = List.of(cmp.value());
                }
                default -> {
                    return null;
                }
            }
            if (field.segments().size() != 1) {
                return null;
            }
            java.util.Optional<FieldDefinition> def = root.field(field.segments().getFirst());
            if (def.isEmpty()) {
                return null;
            }
            if (def.get().type().isIdLike()) {
                return idLookup(condition, def.get(), literals);
            }
            if (!def.get().type().isText()) {
                return null;
            }
            List<String> values = new ArrayList<>(literals.size());
            for (Literal literal : literals) {
                if (literal instanceof Literal.StringLiteral text) {
                    values.add(text.value());
                } else if (literal instanceof Literal.NullLiteral && condition instanceof Condition.Comparison) {
                    // Field = null: the records without a value (a null in an IN list is left to the scan)
                    values.add(null);
                } else {
                    // a literal of the wrong type, which the predicate reports
                    return null;
                }
            }
            return new Lookup(tx, IndexKind.VALUE, root.name(), def.get().name(), values);
        }

        /**
         * {@code Id} or a lookup field compared with ids: answered from the record store or the reference index,
         * so that e.g. the entries of some products in the standard price book ({@code Pricebook2Id = :std AND
         * Product2Id IN (...)}) do not read every entry of the org. Only well-formed ids: anything else is left to
         * the predicate, which reports it as Salesforce does.
         */
        private Lookup idLookup(Condition condition, FieldDefinition def, List<Literal> literals) {
            List<String> ids = new ArrayList<>(literals.size());
            for (Literal literal : literals) {
                if (!(literal instanceof Literal.StringLiteral text)) {
                    return null;
                }
                java.util.Optional<String> id = SalesforceIds.normalize(text.value());
                if (id.isEmpty()) {
                    return null;
                }
                ids.add(id.get());
            }
            if (def.type() == FieldType.ID) {
                return new Lookup(tx, IndexKind.ID, root.name(), def.name(), ids);
            }
            return tx.referenceIndexed(root.name(), def.name())
                    ? new Lookup(tx, IndexKind.REFERENCE, root.name(), def.name(), ids) : null;
        }

        Predicate<Row> predicate(Condition condition) {
            return switch (condition) {
                case Condition.And and -> {
                    List<Predicate<Row>> parts = and.operands().stream().map(this::predicate).toList();
                    yield row -> parts.stream().allMatch(p -> p.test(row));
                }
                case Condition.Or or -> {
                    List<Predicate<Row>> parts = or.operands().stream().map(this::predicate).toList();
                    yield row -> parts.stream().anyMatch(p -> p.test(row));
                }
                case Condition.Not not -> predicate(not.operand()).negate();
                case Condition.Comparison cmp -> comparison(cmp);
                case Condition.In in -> inList(in);
            };
        }

        private Predicate<Row> comparison(Condition.Comparison cmp) {
            ResolvedPath path = resolve(cmp.field());
            FieldDefinition field = path.field();
            if (cmp.operator() == Operator.LIKE) {
                if (!(cmp.value() instanceof Literal.StringLiteral pattern) || !(field.type().isText()
                        || field.type().isIdLike())) {
                    throw QueryErrors.at("INVALID_FIELD", query.text(), cmp.value().position(),
                            "invalid operator on field '" + field.name() + "': LIKE needs a text field and a quoted"
                                    + " pattern");
                }
                Pattern regex = likePattern(pattern.value());
                return row -> {
                    Object value = path.value(tx, row);
                    return value != null && regex.matcher(value.toString()).matches();
                };
            }
            if (cmp.value() instanceof Literal.RelativeDateRange range) {
                return dateRange(path, cmp.operator(), range);
            }
            Object literal = coerce(field, cmp.value());
            Operator operator = cmp.operator();
            return row -> {
                Object value = path.value(tx, row);
                if (literal == null || value == null) {
                    boolean bothNull = literal == null && value == null;
                    return switch (operator) {
                        case EQ -> bothNull;
                        case NEQ -> !bothNull;
                        default -> false;
                    };
                }
                int c = compare(value, literal);
                return switch (operator) {
                    case EQ -> c == 0;
                    case NEQ -> c != 0;
                    case LT -> c < 0;
                    case LTE -> c <= 0;
                    case GT -> c > 0;
                    case GTE -> c >= 0;
                    case LIKE -> throw new IllegalStateException("handled above");
                };
            };
        }

        private Predicate<Row> dateRange(ResolvedPath path, Operator operator, Literal.RelativeDateRange range) {
            FieldType type = path.field().type();
            if (type != FieldType.DATE && type != FieldType.DATETIME) {
                throw wrongType(path.field(), range, type.describeName(), type.isText());
            }
            LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
            LocalDate first = today.plusDays(range.fromOffset());
            LocalDate last = today.plusDays(range.toOffset());
            return row -> {
                Object value = path.value(tx, row);
                if (value == null) {
                    return operator == Operator.NEQ;
                }
                boolean before = compare(value, first) < 0;
                boolean after = compare(value, last) > 0;
                return switch (operator) {
                    case EQ -> !before && !after;
                    case NEQ -> before || after;
                    case LT -> before;
                    case LTE -> !after;
                    case GT -> after;
                    case GTE -> !before;
                    case LIKE -> throw new IllegalStateException("handled by the caller");
                };
            };
        }

        private Predicate<Row> inList(Condition.In in) {
            ResolvedPath path = resolve(in.field());
            List<Object> values = in.values().stream().map(v -> coerce(path.field(), v)).toList();
            if (path.field().type().isText() && values.stream().allMatch(v -> v instanceof String)) {
                // Text compares case-insensitively: one set look-up per row, not one comparison per value.
                java.util.Set<String> folded = new java.util.HashSet<>();
                values.forEach(v -> folded.add(dev.tandem.sandbox.salesforce.data.DataStore.foldCase((String) v)));
                Predicate<Row> member = row -> {
                    Object value = path.value(tx, row);
                    return value != null && folded.contains(
                            dev.tandem.sandbox.salesforce.data.DataStore.foldCase(value.toString()));
                };
                return in.negated() ? member.negate() : member;
            }
            Predicate<Row> member = row -> {
                Object value = path.value(tx, row);
                for (Object candidate : values) {
                    if (value == null ? candidate == null : candidate != null && compare(value, candidate) == 0) {
                        return true;
                    }
                }
                return false;
            };
            return in.negated() ? member.negate() : member;
        }

        /** Checks a literal against the field's type (SOQL rejects quoted numbers and unquoted text). */
        private Object coerce(FieldDefinition field, Literal literal) {
            if (literal instanceof Literal.NullLiteral) {
                return null;
            }
            FieldType type = field.type();
            if (type.isIdLike()) {
                if (literal instanceof Literal.StringLiteral s) {
                    return SalesforceIds.normalize(s.value()).orElseThrow(() -> QueryErrors.at(
                            "INVALID_QUERY_FILTER_OPERATOR", query.text(), literal.position(),
                            "invalid ID field: " + s.value()));
                }
                throw wrongType(field, literal, "id", true);
            }
            if (type.isText()) {
                if (literal instanceof Literal.StringLiteral s) {
                    return s.value();
                }
                throw wrongType(field, literal, "string", true);
            }
            return switch (type) {
                case BOOLEAN -> {
                    if (literal instanceof Literal.BooleanLiteral b) {
                        yield b.value();
                    }
                    throw wrongType(field, literal, "boolean", false);
                }
                case CURRENCY, DOUBLE -> {
                    if (literal instanceof Literal.NumberLiteral n) {
                        yield n.value();
                    }
                    throw wrongType(field, literal, type == FieldType.CURRENCY ? "currency" : "double", false);
                }
                case DATE -> switch (literal) {
                    case Literal.DateLiteral d -> d.value();
                    case Literal.RelativeDate r -> LocalDate.now(clock).plusDays(r.dayOffset());
                    default -> throw wrongType(field, literal, "date", false);
                };
                case DATETIME -> switch (literal) {
                    case Literal.DateTimeLiteral d -> d.value();
                    // A date literal on a datetime field compares the field's UTC day (TODAY, YESTERDAY, ...).
                    case Literal.RelativeDate r -> LocalDate.now(clock.withZone(ZoneOffset.UTC))
                            .plusDays(r.dayOffset());
                    default -> throw wrongType(field, literal, "dateTime", false);
                };
                default -> throw wrongType(field, literal, type.describeName(), false);
            };
        }

        private RuntimeException wrongType(FieldDefinition field, Literal literal, String typeName, boolean quoted) {
            return QueryErrors.at("INVALID_FIELD", query.text(), literal.position(),
                    "value of filter criterion for field '" + field.name() + "' must be of type " + typeName
                            + " and should " + (quoted ? "" : "not ") + "be enclosed in quotes");
        }

        Comparator<Row> comparator(List<OrderBy> orderBy) {
            Comparator<Row> result = null;
            for (OrderBy item : orderBy) {
                ResolvedPath path = resolve(item.field());
                Comparator<Object> values = (a, b) -> compare(a, b);
                Comparator<Object> directed = item.descending() ? values.reversed() : values;
                Comparator<Object> withNulls = item.nullsFirst() ? Comparator.nullsFirst(directed)
                        : Comparator.nullsLast(directed);
                Comparator<Row> byField = (a, b) -> withNulls.compare(path.value(tx, a), path.value(tx, b));
                result = result == null ? byField : result.thenComparing(byField);
            }
            return result;
        }
    }

    /** SOQL compares text case-insensitively; ids are canonical 18-character strings. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object value, Object literal) {
        Object left = value;
        if (left instanceof Instant instant && literal instanceof LocalDate) {
            left = LocalDate.ofInstant(instant, ZoneOffset.UTC);
        }
        if (left instanceof String a && literal instanceof String b) {
            return a.compareToIgnoreCase(b);
        }
        if (left instanceof BigDecimal a && literal instanceof BigDecimal b) {
            return a.compareTo(b);
        }
        if (left.getClass() == literal.getClass() && left instanceof Comparable comparable) {
            return comparable.compareTo(literal);
        }
        return left.toString().compareToIgnoreCase(literal.toString());
    }

    /** LIKE: % is any run of characters, _ one character, backslash escapes them; case-insensitive. */
    static Pattern likePattern(String like) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < like.length(); i++) {
            char c = like.charAt(i);
            if (c == '\\' && i + 1 < like.length()) {
                regex.append(Pattern.quote(String.valueOf(like.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }
}
