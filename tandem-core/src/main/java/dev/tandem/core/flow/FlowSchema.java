package dev.tandem.core.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.tandem.core.flow.model.FlowDefinitionFile;

/**
 * The JSON Schema of flow files, generated from the {@link FlowDefinitionFile} records and their Jackson
 * annotations (victools jsonschema-generator), the way Camel generates {@code camelYamlDsl.json} from its model: the
 * loader validates against it, {@code tandem flows schema} prints it for editors and the visual designer, and
 * neither can drift from the records the engine binds.
 */
public final class FlowSchema {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile ObjectNode schema;
    private static volatile JsonSchema validator;

    private FlowSchema() {
    }

    /** The schema (JSON Schema 2020-12). */
    public static ObjectNode schema() {
        ObjectNode s = schema;
        if (s == null) {
            synchronized (FlowSchema.class) {
                if (schema == null) {
                    schema = generate();
                }
                s = schema;
            }
        }
        return s.deepCopy();
    }

    static JsonSchema validator() {
        JsonSchema v = validator;
        if (v == null) {
            synchronized (FlowSchema.class) {
                if (validator == null) {
                    validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema());
                }
                v = validator;
            }
        }
        return v;
    }

    private static ObjectNode generate() {
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(JSON, SchemaVersion.DRAFT_2020_12,
                OptionPreset.PLAIN_JSON)
                .with(new JacksonModule(JacksonOption.RESPECT_JSONPROPERTY_REQUIRED))
                .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
                .with(Option.DEFINITIONS_FOR_ALL_OBJECTS)
                .with(Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES)
                .without(Option.SCHEMA_VERSION_INDICATOR);
        ObjectNode generated = new SchemaGenerator(config.build()).generateSchema(FlowDefinitionFile.class);
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$id", "https://tandem.dev/schema/flow.schema.json");
        root.put("title", "Tandem flow file");
        root.setAll(generated);
        return root;
    }

    /** Pretty-printed, for {@code tandem flows schema} and {@code docs/flow.schema.json}. */
    public static String text() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(schema()) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode asNode(Object o) {
        return JSON.valueToTree(o);
    }
}
