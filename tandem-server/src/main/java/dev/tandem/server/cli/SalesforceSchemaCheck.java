package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowProblem;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.model.ToStep;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.AccessTokenProviders;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.server.config.ConfigLoader;
import dev.tandem.server.config.TandemConfig;
import dev.tandem.server.flows.PlanPreview;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code tandem flows validate --against salesforce}: runs each flow that writes to Salesforce on its example record
 * (no writes), and checks every object and field of the write plan against the org's describe
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm,
 * "sObject Describe"): an unknown object or field, or one the integration user cannot write, is an error that names
 * the mapping file and the line where the field is written.
 */
final class SalesforceSchemaCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path config;

    SalesforceSchemaCheck(Path config) {
        this.config = config;
    }

    List<FlowProblem> check(List<FlowSpec> flows) {
        TandemConfig cfg = ConfigLoader.fromSystemEnvironment().load(config);
        TandemConfig.Salesforce sf = cfg.salesforce();
        SalesforceConfig sfConfig = new SalesforceConfig(sf.tokenUrl(), sf.clientId(), sf.clientSecret(), sf.apiVersion(),
                sf.callOptionsClient(), sf.requestTimeout()).withAuth(sf.auth());
        List<FlowProblem> problems = new ArrayList<>();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            SalesforceRestClient salesforce = new SalesforceRestClient(sfConfig,
                    AccessTokenProviders.forConfig(sfConfig, http), http, new SimpleMeterRegistry());
            Map<String, Map<String, JsonNode>> fieldsByObject = new HashMap<>();
            for (FlowSpec flow : flows) {
                boolean writesSalesforce = flow.definition().steps().stream()
                        .anyMatch(s -> s instanceof ToStep t && t.system().equals("salesforce"));
                if (!writesSalesforce) {
                    continue;
                }
                if (flow.example().isEmpty()) {
                    problems.add(new FlowProblem(flow.file(), 0, 0, "flow " + flow.id()
                            + " names no example record; --against needs one (example: FILE) to see what it writes"));
                    continue;
                }
                PlanPreview.Result result;
                try {
                    result = PlanPreview.run(flow, (ObjectNode) JSON.readTree(flow.example()));
                } catch (java.io.IOException | ClassCastException e) {
                    problems.add(new FlowProblem(flow.definition().example(), 0, 0, "the example record is not a JSON object"));
                    continue;
                }
                if (result.plan().isEmpty()) {
                    String why = result.outcome() instanceof FlowOutcome.Failed f ? f.errorCode() + ": " + f.message()
                            : result.outcome().toString();
                    problems.add(new FlowProblem(flow.file(), 0, 0, "the example record does not reach the write step ("
                            + why + "); give the flow an example that does"));
                    continue;
                }
                for (RecordWrite r : result.plan().get().records()) {
                    Map<String, JsonNode> fields = fieldsByObject.computeIfAbsent(r.entity(), o -> describe(salesforce, o));
                    if (fields.isEmpty()) {
                        problems.add(located(flow, r.entity(), "the org has no object " + r.entity()
                                + " (or the integration user cannot see it)"));
                        continue;
                    }
                    Set<String> names = new HashSet<>();
                    names.add(r.keyField());
                    // salesforce.personAccounts' marker is no field: the enricher removes it or merges the pair.
                    r.fields().properties().stream()
                            .filter(f -> !f.getValue().asText("").equals("(enriched: personAccount)"))
                            .forEach(f -> names.add(f.getKey()));
                    for (String name : names.stream().sorted().toList()) {
                        JsonNode field = fields.get(name);
                        // Id names the record, it is not written: as the key field (an upsert on Id, which only
                        // updates), or among the fields, where SalesforceRecordWriter takes it as the link to an
                        // existing record and writes the record by its Id (an enricher's adoption or match).
                        if (field == null) {
                            problems.add(located(flow, name, r.entity() + " has no field " + name));
                        } else if (!name.equals("Id")
                                && !field.path("createable").asBoolean(false) && !field.path("updateable").asBoolean(false)) {
                            problems.add(located(flow, name, r.entity() + "." + name
                                    + " cannot be written (neither createable nor updateable for the integration user)"));
                        } else if (name.equals(r.keyField()) && !field.path("externalId").asBoolean(false)
                                && !name.equals("Id")) {
                            problems.add(located(flow, name, r.entity() + "." + name
                                    + " is not an External ID field, so records cannot be upserted by it"));
                        }
                    }
                }
            }
        }
        return problems;
    }

    private static Map<String, JsonNode> describe(SalesforceRestClient salesforce, String sobject) {
        Map<String, JsonNode> byName = new HashMap<>();
        try {
            for (JsonNode f : salesforce.describe(sobject).path("fields")) {
                byName.put(f.path("name").asText(), f);
            }
        } catch (IntegrationException e) {
            if (!e.errorCode().equals("NOT_FOUND") && e.httpStatus() != 404) {
                throw e;
            }
        }
        return byName;
    }

    /** The first place a mapping file of the flow writes the name (as a JSON key or a string), else the flow file. */
    private static FlowProblem located(FlowSpec flow, String name, String message) {
        for (Map.Entry<String, String> mapping : flow.mappingSources().entrySet()) {
            String text = mapping.getValue();
            int at = text.indexOf("\"" + name + "\"");
            if (at >= 0) {
                int line = 1;
                int col = 1;
                for (int i = 0; i < at; i++) {
                    if (text.charAt(i) == '\n') {
                        line++;
                        col = 1;
                    } else {
                        col++;
                    }
                }
                return new FlowProblem(mapping.getKey(), line, col, message);
            }
        }
        return new FlowProblem(flow.file(), 0, 0, message);
    }
}
