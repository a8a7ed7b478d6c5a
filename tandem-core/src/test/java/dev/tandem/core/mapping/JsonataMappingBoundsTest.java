package dev.tandem.core.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.mapping.JsonataMapping.Bound;
import dev.tandem.core.mapping.JsonataMapping.BoundsExceededException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class JsonataMappingBoundsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs the work on its own thread, as the preview does, and hands back what it threw and the thread. */
    private static Throwable onThread(Runnable work, AtomicReference<Thread> thread) {
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("bounded-test").start(() -> {
            try {
                work.run();
                done.complete(null);
            } catch (Throwable e) {
                done.complete(e);
            }
        });
        thread.set(t);
        try {
            // a generous wait, not a threshold: without the bounds the work would never end
            return done.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the bounded work did not end", e);
        }
    }

    @Test
    void aLoopThatNeverEndsIsStoppedAtTheTimeBoundAndItsThreadEnds() {
        // tail recursion: JSONata runs it as a loop (no growing depth), so only the time bound can stop it
        JsonataMapping loop = JsonataMapping.compile("loop", "($f := function($n) { $f($n + 1) }; $f(0))");
        AtomicReference<Thread> thread = new AtomicReference<>();
        Throwable e = onThread(() -> JsonataMapping.withinBounds(Duration.ofMillis(300), 1_000,
                () -> loop.evaluate(null, Map.of())), thread);
        assertThat(e).isInstanceOf(BoundsExceededException.class).hasMessage(
                "the expression ran longer than 300 ms; look for a loop or a very large range");
        assertThat(((BoundsExceededException) e).bound()).isEqualTo(Bound.TIME);
        await().atMost(Duration.ofSeconds(10)).until(() -> !thread.get().isAlive());
    }

    @Test
    void aFlowRunBoundsEachEvaluationOnItsOwnAndFailsALoopAsAMappingFailure() {
        JsonataMapping loop = JsonataMapping.compile("loop", "($f := function($n) { $f($n + 1) }; $f(0))");
        JsonataMapping fine = JsonataMapping.compile("fine", "'ok ' & Name");
        AtomicReference<Thread> thread = new AtomicReference<>();
        AtomicReference<Object> after = new AtomicReference<>();
        Throwable e = onThread(() -> JsonataMapping.eachEvaluationWithin(Duration.ofMillis(300), () -> {
            try {
                return loop.evaluate(null, Map.of());
            } finally {
                // the next evaluation has its own 300 ms, not what the loop left of a shared deadline (none)
                after.set(fine.evaluate(Map.of("Name", "A"), Map.of()));
            }
        }), thread);
        assertThat(e).isInstanceOf(MappingException.class).isNotInstanceOf(BoundsExceededException.class)
                .hasMessage("mapping loop stopped: the expression ran longer than 300 ms; look for a loop or a very large range");
        assertThat(after.get()).isEqualTo("ok A");
        await().atMost(Duration.ofSeconds(10)).until(() -> !thread.get().isAlive());
        // outside, evaluations are unbounded again; inside a preview's bounds those win
        assertThat(fine.evaluate(Map.of("Name", "B"), Map.of())).isEqualTo("ok B");
        assertThatThrownBy(() -> JsonataMapping.eachEvaluationWithin(Duration.ofMinutes(5),
                () -> JsonataMapping.withinBounds(Duration.ofMillis(200), 1_000, () -> loop.evaluate(null, Map.of()))))
                .isInstanceOf(BoundsExceededException.class).hasMessageContaining("ran longer than 200 ms");
        assertThatThrownBy(() -> JsonataMapping.eachEvaluationWithin(Duration.ZERO, () -> 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recursionWithoutEndIsStoppedAtTheDepthBound() {
        JsonataMapping deep = JsonataMapping.compile("deep", "($f := function($n) { 1 + $f($n + 1) }; $f(0))");
        AtomicReference<Thread> thread = new AtomicReference<>();
        Throwable e = onThread(() -> JsonataMapping.withinBounds(Duration.ofMinutes(5), 500,
                () -> deep.evaluate(null, Map.of())), thread);
        assertThat(e).isInstanceOf(BoundsExceededException.class).hasMessage(
                "the expression nested deeper than 500 levels: a function that calls itself without end?");
        assertThat(((BoundsExceededException) e).bound()).isEqualTo(Bound.DEPTH);
        await().atMost(Duration.ofSeconds(10)).until(() -> !thread.get().isAlive());
    }

    @Test
    void aFailureTheWorkSwallowsStillReportsTheBound() {
        // a flow turns a mapping failure into a failed outcome; the bound must not disappear behind it
        JsonataMapping deep = JsonataMapping.compile("deep", "($f := function($n) { 1 + $f($n + 1) }; $f(0))");
        assertThatThrownBy(() -> JsonataMapping.withinBounds(Duration.ofMinutes(5), 200, () -> {
            try {
                return deep.evaluate(null, Map.of());
            } catch (MappingException swallowed) {
                assertThat(swallowed).hasMessageStartingWith("mapping deep stopped: the expression nested deeper than 200");
                return "dead-letter";
            }
        })).isInstanceOf(BoundsExceededException.class);
    }

    @Test
    void withinBoundsAMappingGivesWhatItGivesWithout() throws Exception {
        // the shipped order mapping with its functions and a variable bound, well within the preview's bounds
        JsonataMapping m = JsonataMapping.compile("m", "($t := function($v) { $trim($v) }; {\"N\": $t(Name) & $event,"
                + " \"S\": $sum(Items.(Q * P)), \"J\": $join(Items.Sku, \",\")})");
        Object in = JSON.readValue("{\"Name\": \" A \", \"Items\": [{\"Q\": 2, \"P\": 1.5, \"Sku\": \"x\"},"
                + " {\"Q\": 1, \"P\": 3, \"Sku\": \"y\"}]}", Object.class);
        Object plain = m.evaluate(in, Map.of("event", "!"));
        Object bounded = JsonataMapping.withinBounds(Duration.ofSeconds(10), 1_000, () -> m.evaluate(in, Map.of("event", "!")));
        assertThat(JsonataMapping.toJson(bounded)).isEqualTo(JsonataMapping.toJson(plain));
        assertThat(JsonataMapping.toJson(bounded).toString()).isEqualTo("{\"N\":\"A!\",\"S\":6,\"J\":\"x,y\"}");
        // and after the bounded run the thread evaluates unbounded again: the loop's test would hang otherwise,
        // so a failing mapping shows the plain failure, not a bound
        JsonataMapping failing = JsonataMapping.compile("f", "$error(\"no\")");
        assertThatThrownBy(() -> failing.evaluate(null, Map.of())).isInstanceOf(MappingException.class)
                .hasMessage("mapping f failed: no");
    }

    @Test
    void nestingTooDeepToParseIsACompileError() {
        assertThatThrownBy(() -> JsonataMapping.compile("n", "[".repeat(200_000) + "1" + "]".repeat(200_000)))
                .isInstanceOf(MappingException.class).hasMessage("mapping n does not compile: it is nested too deeply");
    }

    @Test
    void nonsenseBoundsAreRefused() {
        assertThatThrownBy(() -> JsonataMapping.withinBounds(Duration.ZERO, 10, () -> 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonataMapping.withinBounds(Duration.ofSeconds(1), 0, () -> 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
