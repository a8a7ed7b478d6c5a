package dev.tandem.core.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.ConnectorParts;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.connector.RecordWriter;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.FlowCatalog;
import dev.tandem.core.flow.FlowFileException;
import dev.tandem.core.flow.FlowLoader;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code from.key}: a flow keys its events by a JSONata expression on {@code $event}, e.g. the stock changes of a
 * product's several stock rows by the product, and a batch's events of one key are one exchange (one read, one write,
 * the last state).
 */
class CorrelationKeyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLOW = """
            id: stock
            from:
              system: src
              events: [Stock.Changed]
              key: "$exists($event.payload.ProductID) ? 'Product/' & $string($event.payload.ProductID)"
            steps:
              - fetch: { system: src, entity: Product, id: "$event.payload.ProductID" }
              - transform: { mapping: m.jsonata }
              - to: { system: dst }
            """;
    private static final String MAPPING = """
            { "records": [ { "ref": "p", "entity": "Product", "keyField": "Key__c", "key": Key, "fields": { "Qty": Qty } } ] }
            """;

    private final Map<String, ObjectNode> products = new LinkedHashMap<>();
    private final List<Collection<String>> reads = new ArrayList<>();
    private final List<WriteGroup> written = new ArrayList<>();

    private static FlowSpec load(String yaml) {
        return new FlowLoader(new FlowCatalog(Set.of("src"), Set.of("dst"), Set.of()))
                .load("stock.yaml", yaml, f -> Optional.ofNullable(Map.of("m.jsonata", MAPPING).get(f)));
    }

    private FlowPipeline pipeline() {
        RecordReader reader = new RecordReader() {
            @Override
            public Optional<ObjectNode> fetch(String entity, String id) {
                throw new AssertionError("the pipeline reads batches");
            }

            @Override
            public Map<String, ObjectNode> fetchAll(String entity, Collection<String> ids) {
                reads.add(List.copyOf(ids));
                Map<String, ObjectNode> found = new LinkedHashMap<>();
                ids.forEach(id -> Optional.ofNullable(products.get(id)).ifPresent(r -> found.put(id, r)));
                return found;
            }
        };
        RecordWriter writer = new RecordWriter() {
            @Override
            public CompletableFuture<WriteOutcome> write(WriteGroup group) {
                written.add(group);
                return CompletableFuture.completedFuture(new WriteOutcome.Written(Map.of("p", "ID"), false, "test"));
            }

            @Override
            public void flush() {
            }
        };
        IdMap links = new IdMap() {
            @Override
            public void putId(String objectType, String sourceKey, String targetId) {
            }

            @Override
            public Optional<String> targetId(String objectType, String sourceKey) {
                return Optional.empty();
            }

            @Override
            public Optional<String> sourceKey(String objectType, String targetId) {
                return Optional.empty();
            }

            @Override
            public long countIds(String objectType) {
                return 0;
            }
        };
        return new FlowPipeline(load(FLOW), Map.of(
                "src", new ConnectorParts("src", Optional.of(reader), Optional.empty(), Map.of()),
                "dst", new ConnectorParts("dst", Optional.empty(), Optional.of(writer), Map.of())),
                links, Clock.systemUTC());
    }

    private static InboundEvent rowChanged(String rowId, String payload) {
        return new InboundEvent("src", "e-" + rowId + "-" + payload.hashCode(), "Stock.Changed", "StockRow", rowId, "",
                Instant.now(), payload);
    }

    private static final FlowState NO_STATE = new FlowState() {
        @Override
        public void audit(AuditEntry entry) {
        }

        @Override
        public void link(String entity, String sourceKey, String targetId) {
        }
    };

    @Test
    void theChangesOfOneProductInSeveralRowsAreOneExchangeWithOneReadAndOneWrite() {
        products.put("301", JSON.createObjectNode().put("Key", "WID-1").put("Qty", 7));
        products.put("302", JSON.createObjectNode().put("Key", "WID-2").put("Qty", 3));
        List<LoggedEvent> batch = List.of(
                new LoggedEvent(1, rowChanged("88", "{\"ProductID\":301}"), Instant.now()),
                new LoggedEvent(2, rowChanged("89", "{\"ProductID\":301}"), Instant.now()),
                new LoggedEvent(3, rowChanged("90", "{\"ProductID\":302}"), Instant.now()),
                new LoggedEvent(4, rowChanged("88", "{\"ProductID\":301}"), Instant.now()));

        List<FlowOutcome> out = pipeline().process(batch, NO_STATE);

        assertThat(out).hasSize(4).allSatisfy(o -> assertThat(o).isInstanceOf(FlowOutcome.Synced.class));
        assertThat(reads).containsExactly(List.of("301", "302"));
        assertThat(written).extracting(g -> g.rootRecord().key()).containsExactly("WID-1", "WID-2");
    }

    @Test
    void theRuntimeOrdersByTheKeyAndAnEventTheKeyGivesNoValueForKeepsItsRecordsKey() {
        FlowPipeline flow = pipeline();

        assertThat(flow.recordKey(rowChanged("88", "{\"ProductID\":301}"))).isEqualTo("Product/301");
        assertThat(flow.recordKey(rowChanged("89", "{\"ProductID\":\"301\"}"))).isEqualTo("Product/301");
        assertThat(flow.recordKey(rowChanged("90", "{}"))).isEqualTo("StockRow/90");
        assertThat(flow.recordKey(rowChanged("91", "not json"))).isEqualTo("StockRow/91");
    }

    @Test
    void aKeyThatIsNoJsonataIsAProblemOfTheFlowFileAtItsLine() {
        Throwable thrown = catchThrowable(() -> load(FLOW.replace("key: \"$exists(", "key: \"$exists((")));

        assertThat(thrown).isInstanceOf(FlowFileException.class);
        FlowFileException e = (FlowFileException) thrown;
        assertThat(e.problems()).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.message()).contains("key");
        });
    }
}
