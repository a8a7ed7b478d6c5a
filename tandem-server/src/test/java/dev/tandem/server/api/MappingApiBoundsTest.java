package dev.tandem.server.api;

import dev.tandem.core.mapping.JsonataMapping;
import dev.tandem.core.mapping.MappingException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The preview's runner ({@link MappingApi#bounded}) with a short time bound, so the loop's case does not wait the
 * preview's 10 s: JSONata's runtime bounds stop the evaluation itself, the answer says which bound, and the thread
 * that evaluated ends (its permit comes back).
 */
class MappingApiBoundsTest {

    private static final JsonataMapping LOOP = JsonataMapping.compile("loop", "($f := function($n) { $f($n + 1) }; $f(0))");

    @Test
    void aMappingThatLoopsForeverStopsAtTheBoundAndItsThreadEnds() {
        Semaphore permits = new Semaphore(MappingApi.CONCURRENT_PREVIEWS);
        AtomicReference<Thread> thread = new AtomicReference<>();
        assertThatThrownBy(() -> MappingApi.bounded(() -> {
            thread.set(Thread.currentThread());
            try {
                return LOOP.evaluate(null, Map.of());
            } catch (MappingException e) {
                return "dead-letter"; // what a flow makes of a failed mapping: the bound is still said
            }
        }, Duration.ofMillis(300), MappingApi.PREVIEW_DEPTH, permits))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(422);
                    assertThat(e.problem().code()).isEqualTo("preview_too_slow");
                    assertThat(e.problem().detail()).isEqualTo(
                            "the expression ran longer than 300 ms; look for a loop or a very large range on this record");
                });
        await().atMost(Duration.ofSeconds(10)).until(() -> thread.get() != null && !thread.get().isAlive());
        assertThat(permits.availablePermits()).isEqualTo(MappingApi.CONCURRENT_PREVIEWS);
    }

    @Test
    void recursionStopsAtTheDepthBoundAndTooManyPreviewsAreRefused() throws Exception {
        JsonataMapping deep = JsonataMapping.compile("deep", "($f := function($n) { 1 + $f($n + 1) }; $f(0))");
        Semaphore permits = new Semaphore(1);
        assertThatThrownBy(() -> MappingApi.bounded(() -> deep.evaluate(null, Map.of()), Duration.ofMinutes(1),
                MappingApi.PREVIEW_DEPTH, permits))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().code()).isEqualTo("preview_too_deep"));
        await().atMost(Duration.ofSeconds(10)).until(() -> permits.availablePermits() == 1);
        assertThat(MappingApi.bounded(() -> "ok", Duration.ofSeconds(1), 10, permits)).isEqualTo("ok");

        permits.acquire();
        assertThatThrownBy(() -> MappingApi.bounded(() -> "ok", Duration.ofSeconds(1), 10, permits))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(429));
    }
}
