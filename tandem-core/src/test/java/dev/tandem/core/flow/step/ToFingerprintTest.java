package dev.tandem.core.flow.step;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.RecordWriter;
import dev.tandem.core.echo.ChangeNotice;
import dev.tandem.core.echo.EchoPolicy;
import dev.tandem.core.echo.WriteFingerprint;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.spi.WriteFingerprints;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code to} step fingerprints a write before sending it: a change feed may report the write before the call
 * returns. A record the plan names by the target's own record id is fingerprinted under that id at once.
 */
class ToFingerprintTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MemoryFingerprints store = new MemoryFingerprints();
    private final EchoPolicy policy = new EchoPolicy(store, Set.of("tandem"), Set.of(), Duration.ofHours(1),
            Clock.systemUTC());
    /** The change event of the write, as the feed reports it: by record id, with the value written. */
    private final ChangeNotice echo = new ChangeNotice("target", "Contact", "003A", "tandem", "",
            Map.of("Key__c", "K-1"));

    @Test
    void aWriteByTheTargetsRecordIdIsAnEchoEvenBeforeTheWriteReturns() {
        Boolean seenDuringWrite = write(true);
        assertThat(seenDuringWrite).as("judged while the write was in flight").isTrue();
    }

    @Test
    void aWriteByAnotherKeyIsKnownByIdOnlyOnceTheWriteReturned() {
        Boolean seenDuringWrite = write(false);
        assertThat(seenDuringWrite).isFalse();
        assertThat(policy.judge(echo).echo()).as("after the write, by the id it returned").isTrue();
    }

    /** Runs one group through {@code to}; returns whether the write's echo was recognised while it was sent. */
    private Boolean write(boolean keysById) {
        Boolean[] seen = new Boolean[1];
        RecordWriter writer = new RecordWriter() {
            @Override
            public CompletableFuture<WriteOutcome> write(WriteGroup group) {
                seen[0] = policy.judge(echo).echo();
                return CompletableFuture.completedFuture(new WriteOutcome.Written(Map.of("r", "003A"), false, "PATCH"));
            }

            @Override
            public void flush() {
            }

            @Override
            public boolean keysByRecordId(String keyField) {
                return keysById && keyField.equals("Id");
            }
        };
        ObjectNode fields = JSON.createObjectNode().put("Key__c", "K-1");
        String keyField = keysById ? "Id" : "Other__c";
        String key = keysById ? "003A" : "X-1";
        WriteGroup plan = new WriteGroup("g1", List.of(new RecordWrite("r", "Contact", keyField, key, fields)), "r");
        Exchange x = Exchange.of(List.of(new LoggedEvent(1, new InboundEvent("src", "e1", "Thing.Created", "Thing",
                "1", "", Instant.now(), "{}"), Instant.now()))).withPlan(plan);
        StepContext ctx = new StepContext("f", "v1", Clock.systemUTC(), IdMap.none(), new FlowState() {
            @Override
            public void audit(AuditEntry entry) {
            }

            @Override
            public void link(String entity, String sourceKey, String targetId) {
            }
        });
        List<Exchange> out = new To("target", writer, () -> Optional.of(policy)).apply(List.of(x), ctx);
        assertThat(out.getFirst().outcome()).get().isInstanceOf(FlowOutcome.Synced.class);
        return seen[0];
    }

    private static final class MemoryFingerprints implements WriteFingerprints {
        private final Map<String, WriteFingerprint> rows = new ConcurrentHashMap<>();

        @Override
        public void remember(WriteFingerprint f) {
            rows.put(f.system() + "/" + f.entity() + "/" + f.recordId(), f);
        }

        @Override
        public Optional<WriteFingerprint> lastWrite(String system, String entity, String recordId, Instant now) {
            return Optional.ofNullable(rows.get(system + "/" + entity + "/" + recordId))
                    .filter(f -> f.expiresAt().isAfter(now));
        }

        @Override
        public int purgeExpired(Instant now) {
            int before = rows.size();
            rows.values().removeIf(f -> !f.expiresAt().isAfter(now));
            return before - rows.size();
        }
    }
}
