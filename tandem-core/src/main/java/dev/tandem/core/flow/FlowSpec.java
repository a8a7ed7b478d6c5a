package dev.tandem.core.flow;

import dev.tandem.core.flow.model.FlowDefinitionFile;
import dev.tandem.core.mapping.JsonataMapping;
import dev.tandem.core.retry.RetryPolicy;

import java.util.Map;
import java.util.Objects;

/**
 * A flow file that loaded: its definition, every JSONata expression and mapping it names compiled, its redelivery
 * policies built, and its version — a content hash of the flow file and every file it names, stored with each
 * audit entry and dead letter so an operator knows which version handled a record.
 *
 * @param file     where it came from, e.g. {@code classpath:flows/clarity-order-to-salesforce.yaml}
 * @param version  12 hex digits of SHA-256 over the flow file and the files it names
 * @param enabled  whether the flow runs (the file's {@code enabled}, overridden by configuration)
 * @param mappingSources the text of each mapping file, by its name (to point at a line of it)
 * @param example  the text of the flow's sample source record, or empty
 * @param secrets  the values of the flow's {@code ${env:NAME}} credential references, read when it loaded
 */
public record FlowSpec(FlowDefinitionFile definition, String file, String version, boolean enabled,
                       Map<String, JsonataMapping> expressions, Map<String, JsonataMapping> mappings,
                       RetryPolicy defaultRedelivery, Map<String, RetryPolicy> redeliveryByCode,
                       Map<String, String> mappingSources, String example, Secrets secrets) {

    public FlowSpec {
        Objects.requireNonNull(definition, "definition");
        expressions = Map.copyOf(expressions);
        mappings = Map.copyOf(mappings);
        redeliveryByCode = Map.copyOf(redeliveryByCode);
        mappingSources = Map.copyOf(mappingSources);
        example = example == null ? "" : example;
        secrets = secrets == null ? Secrets.none() : secrets;
    }

    public String id() {
        return definition.id();
    }

    /** The compiled expression for a JSONata source text of this flow (compiled by the loader). */
    public JsonataMapping expression(String source) {
        JsonataMapping m = expressions.get(source);
        if (m == null) {
            throw new IllegalStateException("expression not compiled by the loader: " + source);
        }
        return m;
    }

    public JsonataMapping mapping(String file) {
        JsonataMapping m = mappings.get(file);
        if (m == null) {
            throw new IllegalStateException("mapping not loaded by the loader: " + file);
        }
        return m;
    }

    /**
     * The redelivery policy for an error code: the first {@code onErrors} entry naming it, else the flow's own
     * default; empty when the flow sets none (the runtime's policy from tandem.yaml applies).
     */
    public java.util.Optional<RetryPolicy> redeliveryFor(String errorCode) {
        RetryPolicy p = redeliveryByCode.get(errorCode);
        return java.util.Optional.ofNullable(p != null ? p : defaultRedelivery);
    }

    public FlowSpec withEnabled(boolean on) {
        return new FlowSpec(definition, file, version, on, expressions, mappings, defaultRedelivery, redeliveryByCode,
                mappingSources, example, secrets);
    }
}
