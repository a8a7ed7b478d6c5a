package dev.tandem.core.flow.step;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.mapping.JsonataMapping;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.state.AuditEntry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The fetch step's related records searched by a field ({@code by}) instead of read by id. */
class FetchRelatedByTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<AuditEntry> audit = new ArrayList<>();
    private final List<String> searches = new ArrayList<>();

    private final Map<String, ObjectNode> contacts = Map.of(
            "7", JSON.createObjectNode().put("ID", 7).put("TypeKey", "Account Address"),
            "8", JSON.createObjectNode().put("ID", 8).put("TypeKey", "Store"));

    private RecordReader reader(boolean canSearch) {
        return new RecordReader() {
            @Override
            public Optional<ObjectNode> fetch(String entity, String id) {
                return entity.equals("Contact") ? Optional.ofNullable(contacts.get(id)).map(ObjectNode::deepCopy)
                        : Optional.empty();
            }

            @Override
            public Map<String, ObjectNode> findAllBy(String entity, String field, Collection<String> values) {
                if (!canSearch) {
                    return RecordReader.super.findAllBy(entity, field, values);
                }
                searches.add(entity + "." + field + "=" + values);
                Map<String, ObjectNode> found = new LinkedHashMap<>();
                if (values.contains("7")) {
                    found.put("7", JSON.createObjectNode().put("ID", 31).put("MasterID", 5).put("SlaveID", 7));
                }
                return found;
            }
        };
    }

    private List<Exchange> run(boolean canSearch, String... ids) {
        Fetch fetch = new Fetch("shop", "Contact", null, List.of(new Fetch.Related("AccountContact", "AccountContact",
                JsonataMapping.compile("id", "ID"), null, "SlaveID")), reader(canSearch));
        List<Exchange> batch = new ArrayList<>();
        for (String id : ids) {
            batch.add(Exchange.of(List.of(new LoggedEvent(Long.parseLong(id), new InboundEvent("shop", "e" + id,
                    "Customer.Updated", "Contact", id, "", Instant.now(), "{}"), Instant.now()))));
        }
        StepContext ctx = new StepContext("f", "v1", Clock.systemUTC(), IdMap.none(), new FlowState() {
            @Override
            public void audit(AuditEntry entry) {
                audit.add(entry);
            }

            @Override
            public void link(String entity, String sourceKey, String targetId) {
            }
        });
        return fetch.apply(batch, ctx);
    }

    @Test
    void theWholeBatchIsSearchedInOneCallAndARecordWithoutAMatchStaysWithoutIt() {
        List<Exchange> out = run(true, "7", "8");

        assertThat(searches).containsExactly("AccountContact.SlaveID=[7, 8]");
        assertThat(out.get(0).body().path("AccountContact").path("MasterID").asInt()).isEqualTo(5);
        assertThat(out.get(1).body().has("AccountContact")).isFalse();
        assertThat(out).allMatch(x -> x.outcome().isEmpty());
        assertThat(audit).anyMatch(a -> a.detail().equals("AccountContact = AccountContact 31"))
                .anyMatch(a -> a.detail().contains("has no active AccountContact with SlaveID 8"));
    }

    @Test
    void aSystemThatCannotSearchFailsTheRecordsWithoutRetryAndSaysWhy() {
        List<Exchange> out = run(false, "7");

        assertThat(out.getFirst().outcome()).get().isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> {
            assertThat(f.retryable()).isFalse();
            assertThat(f.errorCode()).isEqualTo("FLOW_ERROR");
            assertThat(f.message()).contains("related AccountContact", "cannot search AccountContact by SlaveID");
        });
    }
}
