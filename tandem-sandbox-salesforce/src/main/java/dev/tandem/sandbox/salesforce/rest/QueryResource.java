package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.soql.QueryExecutor;
import dev.tandem.sandbox.salesforce.soql.QueryResult;
import dev.tandem.sandbox.salesforce.soql.SoqlQueryParser;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /query?q=}, {@code /queryAll?q=} and their {@code /query/<locator>-<offset>} continuation pages
 * (spec §2.5, §9 "Query locators").
 */
final class QueryResource {

    /** Default batch: 2,000 records (spec §2.5 "Default batch is 2000"). */
    static final int DEFAULT_BATCH = 2000;
    private static final int MIN_BATCH = 200;
    private static final Pattern BATCH_SIZE = Pattern.compile("batchSize\\s*=\\s*(\\d+)");
    private static final Pattern LOCATOR = Pattern.compile("([A-Za-z0-9]{15,18})-(\\d+)");

    private final QueryExecutor executor;
    private final QueryLocators locators;

    QueryResource(QueryExecutor executor, QueryLocators locators) {
        this.executor = executor;
        this.locators = locators;
    }

    ApiResponse handle(ApiRequest request, CallScope scope, boolean includeDeleted) {
        if (!request.method().equals("GET")) {
            throw Responses.methodNotAllowed(request, "GET", "HEAD");
        }
        int batch = batchSize(request);
        if (request.depth() == 2) {
            return nextPage(request, request.segment(1), batch);
        }
        if (request.depth() != 1) {
            throw Responses.notFound();
        }
        String soql = request.queryParam("q");
        if (soql == null || soql.isBlank()) {
            throw ApiException.badRequest(ApiError.of("MALFORMED_QUERY", "A query string has to be specified"));
        }
        QueryResult result = executor.execute(scope.tx(), SoqlQueryParser.parse(soql), includeDeleted,
                request.version());
        if (result.records().size() <= batch) {
            return ApiResponse.of(200, page(result.totalSize(), true, null, result.records()));
        }
        String locator = locators.open(result.records(), request.version());
        return ApiResponse.of(200, page(result.totalSize(), false, nextUrl(request, locator, batch),
                result.records().subList(0, batch)));
    }

    private ApiResponse nextPage(ApiRequest request, String segment, int batch) {
        Matcher matcher = LOCATOR.matcher(segment);
        QueryLocators.Cursor cursor = matcher.matches() ? locators.find(matcher.group(1)).orElse(null) : null;
        int start = cursor == null ? -1 : Integer.parseInt(matcher.group(2));
        if (cursor == null || start > cursor.records().size()) {
            throw ApiException.badRequest(ApiError.of("INVALID_QUERY_LOCATOR", "invalid query locator"));
        }
        List<ObjectNode> records = cursor.records();
        int end = Math.min(records.size(), start + batch);
        List<ObjectNode> slice = records.subList(start, end);
        if (!cursor.version().equals(request.version())) {
            // Clients rebuild the URL from the locator with their own API version (§9); record URLs follow it.
            slice = slice.stream().map(r -> rewriteVersion(r, cursor.version(), request.version())).toList();
        }
        boolean done = end >= records.size();
        return ApiResponse.of(200, page(records.size(), done,
                done ? null : nextUrl(request, matcher.group(1), end), slice));
    }

    private static String nextUrl(ApiRequest request, String locator, int offset) {
        return "/services/data/v" + request.version() + "/" + request.segment(0) + "/" + locator + "-" + offset;
    }

    private static ObjectNode page(int totalSize, boolean done, String nextRecordsUrl, List<ObjectNode> records) {
        ObjectNode body = Json.object();
        body.put("totalSize", totalSize);
        body.put("done", done);
        if (nextRecordsUrl != null) {
            body.put("nextRecordsUrl", nextRecordsUrl);
        }
        ArrayNode array = body.putArray("records");
        records.forEach(array::add);
        return body;
    }

    /** {@code Sforce-Query-Options: batchSize=N} (200..2000) changes the page size. */
    private static int batchSize(ApiRequest request) {
        String options = request.header("Sforce-Query-Options");
        if (options != null) {
            Matcher matcher = BATCH_SIZE.matcher(options);
            if (matcher.find()) {
                return Math.max(MIN_BATCH, Math.min(DEFAULT_BATCH, Integer.parseInt(matcher.group(1))));
            }
        }
        return DEFAULT_BATCH;
    }

    private static ObjectNode rewriteVersion(ObjectNode record, String from, String to) {
        ObjectNode copy = record.deepCopy();
        rewrite(copy, "/services/data/v" + from + "/", "/services/data/v" + to + "/");
        return copy;
    }

    private static void rewrite(ObjectNode node, String from, String to) {
        node.properties().forEach(e -> {
            if (e.getKey().equals("attributes") && e.getValue() instanceof ObjectNode attributes
                    && attributes.hasNonNull("url")) {
                attributes.put("url", attributes.get("url").asText().replace(from, to));
            } else if (e.getValue() instanceof ObjectNode child) {
                rewrite(child, from, to);
            }
        });
    }
}
