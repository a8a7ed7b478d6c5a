package dev.tandem.core.flow.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.Step;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.mapping.JsonataMapping;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validation rules in JSONata. A broken error rule settles the exchange as a permanent failure with the rule's
 * code (bad data is never sent and never retried); warnings are audited and the exchange goes on. Rules see the
 * body, {@code $event}, {@code $plan} once transformed, and with {@code each}: the element, {@code $index}
 * (1-based) and {@code $root} (the body).
 */
public final class Validate implements Step {

    private static final Pattern TEMPLATE = Pattern.compile("\\{\\{(.+?)}}");

    /** A compiled rule; {@code parts} are the message's {@code {{expr}}} expressions. */
    public record Rule(JsonataMapping rule, String code, String message, JsonataMapping each, boolean warning,
                       Map<String, JsonataMapping> parts) {
    }

    private final List<Rule> rules;
    private final ProfileCheck profile;

    public Validate(List<Rule> rules) {
        this(rules, null);
    }

    /** @param profile the profile rule, or null */
    public Validate(List<Rule> rules, ProfileCheck profile) {
        this.rules = List.copyOf(rules);
        this.profile = profile;
    }

    /** The profile rule, when the step has one: the pipeline tells it which exchanges synced. */
    public java.util.Optional<ProfileCheck> profile() {
        return java.util.Optional.ofNullable(profile);
    }

    @Override
    public String kind() {
        return "validate";
    }

    @Override
    public List<Exchange> apply(List<Exchange> batch, StepContext ctx) {
        List<Exchange> out = new ArrayList<>(batch.size());
        Map<String, dev.tandem.core.profile.FieldProfile> profiles = profile == null ? Map.of() : profile.profiles(ctx);
        for (Exchange x : batch) {
            List<String> errors = new ArrayList<>();
            String firstCode = null;
            List<String> warnings = new ArrayList<>();
            for (Rule r : rules) {
                for (String broken : check(r, x.bodyValue(), x.bindings())) {
                    if (r.warning()) {
                        warnings.add(r.code() + ": " + broken);
                    } else {
                        errors.add(broken);
                        if (firstCode == null) {
                            firstCode = r.code();
                        }
                    }
                }
            }
            List<String> held = new ArrayList<>();
            List<String> heldFields = new ArrayList<>();
            List<String> blocked = new ArrayList<>();
            if (profile != null && errors.isEmpty()) {
                List<ProfileCheck.Violation> violations = profile.check(x, profiles);
                List<ProfileCheck.Violation> toHold = violations.stream()
                        .filter(v -> v.action() == dev.tandem.core.flow.model.ValidateStep.Action.hold).toList();
                java.util.Set<ProfileCheck.Violation> released = profile.released(x, toHold, ctx);
                for (ProfileCheck.Violation v : violations) {
                    if (released.contains(v)) {
                        warnings.add(ProfileCheck.CODE + ": " + v.text() + " (released by an operator's retry)");
                        continue;
                    }
                    switch (v.action()) {
                        case warn -> warnings.add(ProfileCheck.CODE + ": " + v.text());
                        case hold -> {
                            held.add(v.text());
                            heldFields.add(v.path());
                        }
                        case block -> blocked.add(v.text());
                    }
                }
            }
            if (!warnings.isEmpty()) {
                ctx.audit(x, kind(), "rules", 0, "WARNING", String.join("; ", warnings), 0);
            }
            if (errors.isEmpty() && !blocked.isEmpty()) {
                String reason = "blocked by the profile rule: " + String.join("; ", blocked);
                ctx.audit(x, kind(), "profile", 0, "SKIPPED", ProfileCheck.CODE + ": " + String.join("; ", blocked), 0);
                out.add(x.settle(new FlowOutcome.Skipped(0, reason)));
            } else if (errors.isEmpty() && !held.isEmpty()) {
                String message = String.join("; ", held);
                ctx.audit(x, kind(), "profile", 0, "DEAD_LETTER", ProfileCheck.CODE + ": " + message, 0);
                out.add(x.settle(new FlowOutcome.Failed(0, ProfileCheck.CODE, message, false, Duration.ZERO, x.payload(),
                        new FlowOutcome.FailureDetails(kind(), 0, heldFields, null, List.of()))));
            } else if (errors.isEmpty()) {
                ctx.audit(x, kind(), "rules", 0, "OK", rules.size() + " rules passed"
                        + (profile == null ? "" : ", profile checked"), 0);
                out.add(x);
            } else {
                String message = String.join("; ", errors);
                ctx.audit(x, kind(), "rules", 0, "DEAD_LETTER", firstCode + ": " + message, 0);
                out.add(x.settle(new FlowOutcome.Failed(0, firstCode, message, false, Duration.ZERO, x.payload())));
            }
        }
        return out;
    }

    private static List<String> check(Rule r, Object body, Map<String, Object> bindings) {
        List<String> broken = new ArrayList<>();
        if (r.each() == null) {
            if (!r.rule().testValue(body, bindings)) {
                broken.add(render(r, body, bindings));
            }
            return broken;
        }
        Object items = r.each().evaluate(body, bindings);
        List<?> elements = items == null ? List.of() : items instanceof List<?> l ? l : List.of(items);
        for (int i = 0; i < elements.size(); i++) {
            Map<String, Object> b = new LinkedHashMap<>(bindings);
            b.put("index", i + 1);
            b.put("root", body);
            if (!r.rule().testValue(elements.get(i), b)) {
                broken.add(render(r, elements.get(i), b));
            }
        }
        return broken;
    }

    private static String render(Rule r, Object input, Map<String, Object> bindings) {
        Matcher m = TEMPLATE.matcher(r.message());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode v = JsonataMapping.toJson(r.parts().get(m.group(1).trim()).evaluate(input, bindings));
            String text = v.isMissingNode() ? "(none)" : v.isTextual() ? v.textValue() : v.toString();
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }
}
