package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The operations the OpenAPI document describes, read from the document itself (so new ones are covered). */
final class OpenApiOperations {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    /** One documented operation: method, path (relative to /api/v1), x-tandem-role, the operation node. */
    record Operation(String method, String path, String role, JsonNode node) {

        boolean isPublic() {
            return role.equals("public");
        }

        /** Registered by {@code tandem demo} only ({@code "x-tandem-demo-only": true}). */
        boolean demoOnly() {
            return node.path("x-tandem-demo-only").asBoolean(false);
        }

        /** The path with each {param} replaced by its documented example (or 1). */
        String samplePath() {
            String result = path;
            for (JsonNode p : node.path("parameters")) {
                JsonNode param = resolve(p);
                if (param.path("in").asText().equals("path")) {
                    String example = param.has("example") ? param.get("example").asText() : "1";
                    result = result.replace("{" + param.path("name").asText() + "}", example);
                }
            }
            return AdminApi.BASE + result;
        }

        /** The documented query parameters' names. */
        List<String> queryParameters() {
            List<String> names = new ArrayList<>();
            for (JsonNode p : node.path("parameters")) {
                JsonNode param = resolve(p);
                if (param.path("in").asText().equals("query")) {
                    names.add(param.path("name").asText());
                }
            }
            return names;
        }

        boolean hasBody() {
            return node.has("requestBody");
        }

        @Override
        public String toString() {
            return method + " " + path + " (" + role + ")";
        }
    }

    static JsonNode document() {
        try {
            return ApiTestServer.JSON.readTree(AdminApi.openApiDocument());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The operations every server has: all documented ones but the guided demo's, which only {@code tandem demo}
     * registers ({@code "x-tandem-demo-only": true}; {@code DemoApiTest} holds them to the demo's routes).
     */
    static List<Operation> all() {
        return everyDocumented().stream().filter(o -> !o.demoOnly()).toList();
    }

    /** The guided demo's operations, registered by {@code tandem demo} only. */
    static List<Operation> demoOnly() {
        return everyDocumented().stream().filter(Operation::demoOnly).toList();
    }

    /** Every operation of the document, the demo's included. */
    static List<Operation> everyDocumented() {
        List<Operation> operations = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = document().path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields();
            while (ops.hasNext()) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (METHODS.contains(op.getKey())) {
                    operations.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(),
                            op.getValue().path("x-tandem-role").asText(""), op.getValue()));
                }
            }
        }
        return operations;
    }

    static List<Operation> secured() {
        return all().stream().filter(o -> !o.isPublic()).toList();
    }

    /** A {@code $ref} to {@code #/components/...} resolved in the document; anything else as is. */
    static JsonNode resolve(JsonNode node) {
        if (!node.has("$ref")) {
            return node;
        }
        String ref = node.get("$ref").asText();
        if (!ref.startsWith("#/")) {
            throw new IllegalArgumentException("only local references are used: " + ref);
        }
        return document().at(ref.substring(1));
    }
}
