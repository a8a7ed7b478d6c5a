package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.tandem.server.api.OpenApiOperations.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document against the code: every route registered through {@link AdminApi} is documented with the
 * same role, and every documented operation is registered, so the document cannot drift; and the document is
 * well-formed OpenAPI 3.1.
 *
 * <p>The official OAS 3.1 JSON Schema is not vendored here; the structural checks below cover what this document
 * relies on, and each schema of {@code components.schemas} is validated against the JSON Schema 2020-12
 * meta-schema (OpenAPI 3.1's schema dialect is 2020-12), which the networknt validator ships.
 */
class OpenApiDocumentTest {

    private static final Set<String> ROLES = Set.of("public", "viewer", "operator", "admin");

    @Test
    void everyRegisteredRouteIsDocumentedWithItsRoleAndEveryDocumentedOperationIsRegistered(@TempDir Path dir) {
        Set<String> registered = new TreeSet<>();
        try (ApiTestServer api = ApiTestServer.start(dir, ApiSettings.defaults())) {
            api.server.adminApi().registrations()
                    .forEach(r -> registered.add(r.method() + " " + r.path() + " " + r.role()));
        }
        Set<String> documented = new TreeSet<>();
        OpenApiOperations.all().forEach(o -> documented.add(o.method() + " " + o.path() + " " + o.role()));

        Set<String> undocumented = new TreeSet<>(registered);
        undocumented.removeAll(documented);
        Set<String> unregistered = new TreeSet<>(documented);
        unregistered.removeAll(registered);
        assertThat(undocumented).as("routes registered but missing from openapi.json (or with another "
                + "x-tandem-role)").isEmpty();
        assertThat(unregistered).as("operations in openapi.json that no route implements").isEmpty();
        assertThat(registered).contains("GET /status viewer", "GET /openapi.json public");
    }

    @Test
    void theServedDocumentIsTheResource(@TempDir Path dir) {
        try (ApiTestServer api = ApiTestServer.start(dir, ApiSettings.defaults())) {
            HttpResponse<String> r = api.get(AdminApi.OPENAPI_PATH, null);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(r.body()).isEqualTo(new String(AdminApi.openApiDocument(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theDocumentHasTheMembersOpenApi31Requires() {
        JsonNode doc = OpenApiOperations.document();

        assertThat(doc.path("openapi").asText()).matches("3\\.1\\.\\d+");
        assertThat(doc.path("info").path("title").asText()).isNotBlank();
        assertThat(doc.path("info").path("version").asText()).isNotBlank();
        assertThat(doc.path("servers").get(0).path("url").asText()).isEqualTo(AdminApi.BASE);
        JsonNode bearer = doc.path("components").path("securitySchemes").path("bearer");
        assertThat(bearer.path("type").asText()).isEqualTo("http");
        assertThat(bearer.path("scheme").asText()).isEqualTo("bearer");
        assertThat(doc.path("security").get(0).has("bearer")).isTrue();
        assertThat(doc.path("components").path("schemas").path("Problem").path("required"))
                .extracting(JsonNode::asText).contains("type", "title", "status");
        doc.path("paths").fieldNames().forEachRemaining(p -> assertThat(p).startsWith("/"));
    }

    @Test
    void everyOperationHasAnIdARoleResponsesAndItsPathParameters() {
        Set<String> ids = new HashSet<>();
        for (Operation op : OpenApiOperations.everyDocumented()) {
            JsonNode node = op.node();
            assertThat(ids.add(node.path("operationId").asText())).as(op + " has a unique operationId").isTrue();
            assertThat(node.path("operationId").asText()).as(op.toString()).isNotBlank();
            assertThat(ROLES).as(op + " x-tandem-role").contains(op.role());
            assertThat(node.path("responses").size()).as(op + " responses").isPositive();
            if (op.isPublic()) {
                assertThat(node.path("security").isArray() && node.path("security").isEmpty())
                        .as(op + " is public, so security: []").isTrue();
            } else {
                assertThat(node.path("responses").has("401")).as(op + " documents 401").isTrue();
                assertThat(node.path("responses").has("403")).as(op + " documents 403").isTrue();
                assertThat(node.path("responses").has("429")).as(op + " documents 429").isTrue();
            }
            Set<String> declared = new HashSet<>();
            for (JsonNode p : node.path("parameters")) {
                JsonNode param = OpenApiOperations.resolve(p);
                assertThat(param.path("name").asText()).as(op + " parameter name").isNotBlank();
                assertThat(param.path("in").asText()).isIn("query", "path", "header", "cookie");
                assertThat(param.has("schema")).as(op + " parameter " + param.path("name") + " has a schema").isTrue();
                if (param.path("in").asText().equals("path")) {
                    assertThat(param.path("required").asBoolean()).as(op + " path parameters are required").isTrue();
                    declared.add(param.path("name").asText());
                }
            }
            Matcher m = Pattern.compile("\\{([^}]+)}").matcher(op.path());
            Set<String> inTemplate = new HashSet<>();
            while (m.find()) {
                inTemplate.add(m.group(1));
            }
            assertThat(declared).as(op + " declares its path parameters").isEqualTo(inTemplate);
        }
    }

    @Test
    void everyReferenceResolves() {
        JsonNode doc = OpenApiOperations.document();
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);

        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref + " resolves").isFalse();
        }
    }

    @Test
    void everyComponentSchemaIsAValidJsonSchema202012() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        JsonSchema meta = factory.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        Iterator<Map.Entry<String, JsonNode>> schemas = OpenApiOperations.document().path("components")
                .path("schemas").fields();
        int checked = 0;
        while (schemas.hasNext()) {
            Map.Entry<String, JsonNode> schema = schemas.next();
            Set<ValidationMessage> errors = meta.validate(schema.getValue());
            assertThat(errors).as(schema.getKey()).isEmpty();
            checked++;
        }
        assertThat(checked).isPositive();
        // The check can fail: a schema with a wrongly typed keyword is refused.
        assertThat(meta.validate(ApiTestServer.JSON.createObjectNode().put("type", 12))).isNotEmpty();
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            if (node.has("$ref")) {
                refs.add(node.get("$ref").asText());
            }
            node.elements().forEachRemaining(child -> collectRefs(child, refs));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collectRefs(child, refs));
        }
    }
}
