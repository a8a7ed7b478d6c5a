package dev.tandem.core.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.ConnectorParts;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.connector.RecordWriter;
import dev.tandem.core.error.ApiError;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.FlowCatalog;
import dev.tandem.core.flow.FlowFileException;
import dev.tandem.core.flow.FlowLoader;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.profile.ProfileStore;
import dev.tandem.core.spi.DeadLetterQueue;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The validate step's profile rule through the pipeline: learned from synced records only, then each action. */
class ProfileRuleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLOW = """
            id: orders
            from: { system: src, events: [Order.Created] }
            steps:
              - fetch: { system: src, entity: Order }
              - validate:
                  profile:
                    minObservations: 20
                    action: hold
                    fields: { Totals.Total: hold, Email: hold, "Lines[].Quantity": hold, Country: warn, Status: block }
              - transform: { mapping: m.jsonata }
              - to: { system: dst }
            """;
    private static final String MAPPING = """
            { "records": [ { "ref": "o", "entity": "Order", "keyField": "Key__c", "key": Key, "fields": { "Total": Totals.Total } } ] }
            """;
    private static final String[] COUNTRIES = {"US", "CA", "GB"};

    private final Map<String, ObjectNode> orders = new LinkedHashMap<>();
    private final Set<String> rejected = new HashSet<>();
    private final List<AuditEntry> audit = new ArrayList<>();
    private final List<WriteGroup> written = new ArrayList<>();
    private final ProfileStore profiles = ProfileStore.memory();
    private final List<DeadLetter> retrying = new ArrayList<>();
    private long offset = 1;
    private FlowPipeline pipeline;
    private String flowText = FLOW;

    private FlowPipeline pipeline() {
        if (pipeline != null) {
            return pipeline;
        }
        FlowSpec spec = new FlowLoader(new FlowCatalog(Set.of("src"), Set.of("dst"), Set.of()))
                .load("orders.yaml", flowText, f -> Optional.ofNullable(Map.of("m.jsonata", MAPPING).get(f)));
        RecordReader reader = new RecordReader() {
            @Override
            public Optional<ObjectNode> fetch(String entity, String id) {
                return Optional.ofNullable(orders.get(id));
            }

            @Override
            public Map<String, ObjectNode> fetchAll(String entity, Collection<String> ids) {
                Map<String, ObjectNode> found = new LinkedHashMap<>();
                ids.forEach(id -> Optional.ofNullable(orders.get(id)).ifPresent(r -> found.put(id, r)));
                return found;
            }
        };
        RecordWriter writer = new RecordWriter() {
            @Override
            public CompletableFuture<WriteOutcome> write(WriteGroup group) {
                written.add(group);
                if (rejected.contains(group.rootRecord().key())) {
                    return CompletableFuture.completedFuture(new WriteOutcome.Rejected("o",
                            new ApiError("FIELD_CUSTOM_VALIDATION_EXCEPTION", "no", List.of(), false), "test"));
                }
                return CompletableFuture.completedFuture(new WriteOutcome.Written(Map.of("o", "ID-" + group.rootRecord().key()), false, "test"));
            }

            @Override
            public void flush() {
            }
        };
        // The state store as the server passes it: links, profiles and dead letters in one object.
        Object store = Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{IdMap.class, ProfileStore.class, DeadLetterQueue.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == ProfileStore.class) {
                        return method.invoke(profiles, args);
                    }
                    return switch (method.getName()) {
                        case "targetId", "sourceKey" -> Optional.empty();
                        case "findDeadLetters" -> List.copyOf(retrying);
                        case "countIds" -> 0L;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "store";
                        default -> null;
                    };
                });
        pipeline = new FlowPipeline(spec, Map.of(
                "src", new ConnectorParts("src", Optional.of(reader), Optional.empty(), Map.of()),
                "dst", new ConnectorParts("dst", Optional.empty(), Optional.of(writer), Map.of())),
                (IdMap) store, Clock.systemUTC());
        return pipeline;
    }

    private ObjectNode order(String id, int i) {
        ObjectNode o = JSON.createObjectNode().put("ID", id).put("Key", "SO-" + id)
                .put("Email", "buyer" + i + "@example.com").put("Country", COUNTRIES[i % COUNTRIES.length])
                .put("Status", i % 2 == 0 ? "Paid" : "Pending");
        o.putObject("Totals").put("Total", 20 + (i * 37) % 480);
        o.putArray("Lines").addObject().put("Quantity", 1 + i % 5);
        orders.put(id, o);
        return o;
    }

    private List<FlowOutcome> run(String... ids) {
        List<LoggedEvent> batch = new ArrayList<>();
        for (String id : ids) {
            batch.add(new LoggedEvent(offset++, new InboundEvent("src", "e" + offset, "Order.Created", "Order", id,
                    "SO-" + id, Instant.now(), "{}"), Instant.now()));
        }
        FlowState state = new FlowState() {
            @Override
            public void audit(AuditEntry entry) {
                audit.add(entry);
            }

            @Override
            public void link(String entity, String sourceKey, String targetId) {
            }
        };
        return pipeline().process(batch, state);
    }

    private void learnGood(int n) {
        for (int i = 0; i < n; i += 10) {
            List<String> ids = new ArrayList<>();
            for (int k = i; k < Math.min(n, i + 10); k++) {
                order("g" + k, k);
                ids.add("g" + k);
            }
            assertThat(run(ids.toArray(String[]::new))).allSatisfy(o -> assertThat(o).isInstanceOf(FlowOutcome.Synced.class));
        }
    }

    private static FlowOutcome.Failed failed(FlowOutcome o) {
        assertThat(o).isInstanceOf(FlowOutcome.Failed.class);
        return (FlowOutcome.Failed) o;
    }

    @Test
    void aNewFlowFlagsNothingUntilItHasLearnedEnough() {
        learnGood(5);
        order("bad", 1).putObject("Totals").put("Total", "abc");
        assertThat(run("bad")).singleElement().isInstanceOf(FlowOutcome.Synced.class);
    }

    @Test
    void badOrdersAreHeldWithTheFieldAndReasonAndGoodOnesAreNot() {
        learnGood(60);
        order("t", 1).putObject("Totals").put("Total", "abc");
        order("e", 2).put("Email", "buyer.example.com");
        order("q", 3).putArray("Lines").addObject().put("Quantity", 2).put("X", 1);
        ((ObjectNode) orders.get("q").withArray("Lines").addObject()).put("Quantity", 3000);
        order("ok", 4);

        List<FlowOutcome> out = run("t", "e", "q", "ok");

        assertThat(failed(out.get(0)).errorCode()).isEqualTo("PROFILE_VIOLATION");
        assertThat(failed(out.get(0)).message()).startsWith("Totals.Total: expected a number (all 60 values seen), got \"abc\"");
        assertThat(failed(out.get(0)).retryable()).isFalse();
        assertThat(failed(out.get(0)).details().step()).isEqualTo("validate");
        assertThat(failed(out.get(0)).details().fields()).as("the dead letter names the field").containsExactly("Totals.Total");
        assertThat(failed(out.get(1)).message()).startsWith("Email: expected an e-mail address").endsWith("got \"buyer.example.com\"");
        assertThat(failed(out.get(2)).message()).startsWith("Lines[].Quantity: expected a magnitude up to about 5").endsWith("got 3000");
        assertThat(out.get(3)).isInstanceOf(FlowOutcome.Synced.class);
        assertThat(written).extracting(g -> g.rootRecord().key()).doesNotContain("SO-t", "SO-e", "SO-q");
    }

    @Test
    void aCountryNeverSeenIsWarnedAndSentAndABlockedStatusIsNotSent() {
        learnGood(60);
        order("c", 1).put("Country", "ZZ");
        order("s", 2).put("Status", "Fraud");

        List<FlowOutcome> out = run("c", "s");

        assertThat(out.get(0)).isInstanceOf(FlowOutcome.Synced.class);
        assertThat(audit).anySatisfy(a -> assertThat(a.outcome() + " " + a.detail()).isEqualTo(
                "WARNING PROFILE_VIOLATION: Country: expected one of the 3 values seen (CA, GB, US), got \"ZZ\""));
        assertThat(out.get(1)).isInstanceOfSatisfying(FlowOutcome.Skipped.class, s -> assertThat(s.reason())
                .isEqualTo("blocked by the profile rule: Status: expected one of the 2 values seen (Paid, Pending), got \"Fraud\""));
        assertThat(written).extracting(g -> g.rootRecord().key()).contains("SO-c").doesNotContain("SO-s");
    }

    @Test
    void onlyRecordsWrittenSuccessfullyAreLearnedFrom() {
        learnGood(30);
        for (int i = 0; i < 40; i++) {
            order("r" + i, i).put("Country", "FR");
            rejected.add("SO-r" + i);
            assertThat(run("r" + i).getFirst()).isInstanceOf(FlowOutcome.Failed.class);
        }
        for (int i = 0; i < 40; i++) {
            order("h" + i, i).putObject("Totals").put("Total", "n/a");
            assertThat(failed(run("h" + i).getFirst()).errorCode()).isEqualTo("PROFILE_VIOLATION");
        }
        assertThat(profiles.profiles("orders").get("Country").count()).isEqualTo(30);
        order("fr", 1).put("Country", "FR");
        audit.clear();
        run("fr");
        assertThat(audit).anySatisfy(a -> assertThat(a.detail()).contains("Country: expected one of the 3 values seen"));
    }

    @Test
    void anOperatorsRetryReleasesTheSameValueButNotAnotherBadOne() {
        learnGood(60);
        order("t", 1).putObject("Totals").put("Total", "abc");
        ((ObjectNode) orders.get("t").withArray("Lines").get(0)).put("Quantity", 3000);
        FlowOutcome.Failed held = failed(run("t").getFirst());
        assertThat(held.message()).as("two violations, one message").contains("Totals.Total: ", "; Lines[].Quantity: ");
        retrying.add(new DeadLetter(1, 61, "orders", "", "Order", "SO-t", "Order/t", "validate", held.errorCode(),
                null, held.message(), 0, List.of(), "{}", null, List.of(), 1, 1, DeadLetter.State.RETRYING, null, null,
                Instant.now(), Instant.now()));

        assertThat(run("t").getFirst()).as("released: sent with a warning").isInstanceOf(FlowOutcome.Synced.class);
        assertThat(audit).anySatisfy(a -> assertThat(a.detail()).contains("released by an operator's retry"));

        orders.get("t").putObject("Totals").put("Total", "def");
        assertThat(failed(run("t").getFirst()).message()).endsWith("got \"def\"");
    }

    @Test
    void aResetForgetsWhatWasLearned() {
        learnGood(60);
        assertThat(profiles.resetProfiles("orders", "Totals.Total")).isEqualTo(1);
        order("t", 1).putObject("Totals").put("Total", "abc");
        assertThat(run("t").getFirst()).isInstanceOf(FlowOutcome.Synced.class);
        assertThat(profiles.resetProfiles("orders", null)).isEqualTo(5);
    }

    @Test
    void withoutFieldsEveryLeafIsProfiledWithTheDefaultAction() {
        flowText = FLOW.replaceAll("(?m)^ *(minObservations|fields):.*\n", "");
        assertThat(flowText).doesNotContain("fields:");
        learnGood(60);
        order("e", 2).put("Email", "buyer.example.com");
        order("q", 3).withArray("Lines").addObject().put("Quantity", 4000);
        order("ok", 4);

        List<FlowOutcome> out = run("e", "q", "ok");

        assertThat(failed(out.get(0)).message()).startsWith("Email: expected an e-mail address");
        assertThat(failed(out.get(1)).message()).startsWith("Lines[].Quantity: expected a magnitude");
        assertThat(out.get(2)).isInstanceOf(FlowOutcome.Synced.class);
        assertThat(profiles.profiles("orders").keySet()).containsExactlyInAnyOrder("ID", "Key", "Email", "Country",
                "Status", "Totals.Total", "Lines[].Quantity");
    }

    @Test
    void badProfileRulesAreLoadErrorsWithTheirPlace() {
        FlowLoader loader = new FlowLoader(new FlowCatalog(Set.of("src"), Set.of("dst"), Set.of()));
        String bad = FLOW.replace("minObservations: 20", "minObservations: 0")
                .replace("Country: warn", "\"Bad path!\": warn").replace("Status: block", "Status: explode");
        assertThatThrownBy(() -> loader.load("orders.yaml", bad, f -> Optional.of(MAPPING)))
                .isInstanceOf(FlowFileException.class)
                .hasMessageContaining("orders.yaml:9:")
                .hasMessageContaining("does not have a value in the enumeration [\"warn\", \"hold\", \"block\"]");
        String bad2 = FLOW.replace("minObservations: 20", "minObservations: 0").replace("Country: warn", "\"Bad path!\": warn");
        assertThatThrownBy(() -> loader.load("orders.yaml", bad2, f -> Optional.of(MAPPING)))
                .isInstanceOf(FlowFileException.class)
                .hasMessageContaining("orders.yaml:7:9: minObservations")
                .hasMessageContaining("minObservations must be between 1 and 1000000000, got 0")
                .hasMessageContaining("orders.yaml:9:78: 'Bad path!' is not a field path");
        String empty = FLOW.replace("""
                      profile:
                        minObservations: 20
                        action: hold
                        fields: { Totals.Total: hold, Email: hold, "Lines[].Quantity": hold, Country: warn, Status: block }
                """, "      {}\n");
        assertThatThrownBy(() -> loader.load("orders.yaml", empty, f -> Optional.of(MAPPING)))
                .isInstanceOf(FlowFileException.class)
                .hasMessageContaining("a validate step needs rules, a profile, or both");
    }
}
