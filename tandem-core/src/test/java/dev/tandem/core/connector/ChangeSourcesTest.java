package dev.tandem.core.connector;

import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeSourcesTest {

    /** A source that records its lifecycle; fails to start or to close when told to. */
    private static class Recording implements ChangeSource {
        final String name;
        final List<String> journal;
        final RuntimeException startFailure;
        final RuntimeException closeFailure;
        Ingest ingest;
        int closes;

        Recording(String name, List<String> journal, RuntimeException startFailure, RuntimeException closeFailure) {
            this.name = name;
            this.journal = journal;
            this.startFailure = startFailure;
            this.closeFailure = closeFailure;
        }

        Recording(String name, List<String> journal) {
            this(name, journal, null, null);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start(Ingest ingest) {
            journal.add("start " + name);
            if (startFailure != null) {
                throw startFailure;
            }
            this.ingest = ingest;
        }

        @Override
        public SourceHealth health() {
            return closes > 0 ? SourceHealth.of(SourceHealth.State.STOPPED)
                    : ingest == null ? SourceHealth.of(SourceHealth.State.NEW)
                    : SourceHealth.up().withDetails(Map.of("part", "FINE"));
        }

        @Override
        public void close() {
            closes++;
            journal.add("close " + name);
            if (closeFailure != null) {
                throw closeFailure;
            }
        }
    }

    private static final Ingest NOWHERE = events -> events.stream().map(e -> new AppendResult(1, false)).toList();

    @Test
    void aSourceThatFailsToStartIsReportedFailedAndTheOthersStillStart() {
        List<String> journal = new ArrayList<>();
        Recording poll = new Recording("a.poll", journal);
        Recording broken = new Recording("b.cdc", journal, new IllegalStateException("no channel"), null);
        Recording hook = new Recording("a.webhook", journal);
        ChangeSources sources = new ChangeSources(List.of(poll, broken, hook));

        sources.start(NOWHERE);

        assertThat(journal).containsExactly("start a.poll", "start b.cdc", "close b.cdc", "start a.webhook");
        assertThat(poll.ingest).isSameAs(NOWHERE);
        assertThat(hook.ingest).isSameAs(NOWHERE);
        assertThat(sources.allStarted()).isFalse();
        Map<String, SourceHealth> health = sources.health();
        assertThat(health.keySet()).containsExactly("a.poll", "b.cdc", "a.webhook");
        assertThat(health.get("b.cdc").state()).isEqualTo(SourceHealth.State.FAILED);
        assertThat(health.get("b.cdc").summary()).isEqualTo("FAILED: IllegalStateException: no channel");
        assertThat(health.get("a.poll").state()).isEqualTo(SourceHealth.State.UP);
        assertThat(health.get("a.poll").details()).containsEntry("part", "FINE");
    }

    @Test
    void everySourceStartedIsAllStarted() {
        ChangeSources sources = new ChangeSources(List.of(new Recording("x", new ArrayList<>())));
        assertThat(sources.health().get("x").state()).isEqualTo(SourceHealth.State.NEW);
        sources.start(NOWHERE);
        assertThat(sources.allStarted()).isTrue();
        assertThat(sources.health().get("x").state()).isEqualTo(SourceHealth.State.UP);
    }

    @Test
    void closeClosesEachSourceOnceInReverseOrderEvenWhenOneThrows() {
        List<String> journal = new ArrayList<>();
        Recording first = new Recording("first", journal);
        Recording throwing = new Recording("second", journal, null, new IllegalStateException("stuck"));
        Recording third = new Recording("third", journal);
        ChangeSources sources = new ChangeSources(List.of(first, throwing, third));
        sources.start(NOWHERE);
        journal.clear();

        sources.close();
        sources.close();

        assertThat(journal).containsExactly("close third", "close second", "close first");
        assertThat(List.of(first.closes, throwing.closes, third.closes)).containsOnly(1);
        assertThat(sources.health().get("first").state()).isEqualTo(SourceHealth.State.STOPPED);
        assertThatThrownBy(() -> sources.start(NOWHERE)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingSourcesThatNeverStartedIsFine() {
        List<String> journal = new ArrayList<>();
        try (ChangeSources sources = new ChangeSources(List.of(new Recording("only", journal)))) {
            assertThat(sources.all()).hasSize(1);
        }
        assertThat(journal).containsExactly("close only");
    }

    @Test
    void startingTwiceIsRefused() {
        ChangeSources sources = new ChangeSources(List.of(new Recording("x", new ArrayList<>())));
        sources.start(NOWHERE);
        assertThatThrownBy(() -> sources.start(NOWHERE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already started");
    }

    @Test
    void namesAndWebhookPathsMustBeUnique() {
        List<String> journal = new ArrayList<>();
        assertThatThrownBy(() -> new ChangeSources(List.of(new Recording("x", journal), new Recording("x", journal))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("named x");
        assertThatThrownBy(() -> new ChangeSources(List.of(webhook("a", "/hook"), webhook("b", "/hook"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/hook");
    }

    @Test
    void webhooksAreTheWebhookSourcesInOrder() {
        WebhookSource a = webhook("a", "/a");
        WebhookSource b = webhook("b", "/b");
        ChangeSources sources = new ChangeSources(List.of(a, new Recording("poll", new ArrayList<>()), b));
        assertThat(sources.webhooks()).containsExactly(a, b);
    }

    @Test
    void aHealthThatThrowsIsReportedDegradedNotPropagated() {
        ChangeSource flaky = new Recording("flaky", new ArrayList<>()) {
            @Override
            public SourceHealth health() {
                throw new IllegalStateException("lock timeout");
            }
        };
        ChangeSources sources = new ChangeSources(List.of(flaky));
        sources.start(NOWHERE);
        assertThat(sources.health().get("flaky").summary()).startsWith("DEGRADED: health unavailable")
                .contains("lock timeout");
        assertThat(sources.allStarted()).isTrue();
    }

    private static WebhookSource webhook(String name, String path) {
        return new WebhookSource() {
            @Override
            public String path() {
                return path;
            }

            @Override
            public int maxBodyBytes() {
                return 1024;
            }

            @Override
            public WebhookReply receive(String remoteAddress, WebhookHeaders headers, byte[] body) {
                return WebhookReply.ok(202, "accepted", Map.of());
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public void start(Ingest ingest) {
            }

            @Override
            public SourceHealth health() {
                return SourceHealth.up();
            }

            @Override
            public void close() {
            }

            @Override
            public Optional<WebhookReply> admit(String remoteAddress) {
                return Optional.empty();
            }
        };
    }

    static InboundEvent event(String id) {
        return new InboundEvent("test", id, "Thing.Created", "Thing", "1", "", Instant.EPOCH, "{}");
    }
}
