package dev.tandem.server.http;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadinessTest {

    private final Readiness readiness = new Readiness();

    @Test
    void readyWhenEveryCheckIsUpWithEachDetailUnderItsName() {
        readiness.register("store", Readiness.Check::up)
                .register("salesforceCdc", () -> Readiness.Check.up(Map.of("/data/OrderChangeEvent", "UP")));

        Readiness.Report report = readiness.check();

        assertThat(report.up()).isTrue();
        assertThat(report.body()).containsExactly(Map.entry("status", "UP"), Map.entry("store", "UP"),
                Map.entry("salesforceCdc", Map.of("/data/OrderChangeEvent", "UP")));
    }

    @Test
    void oneDownCheckMakesTheWholeReportDown() {
        AtomicBoolean loggedIn = new AtomicBoolean(true);
        readiness.register("store", Readiness.Check::up)
                .register("clarityLogin", () -> loggedIn.get() ? Readiness.Check.up()
                        : Readiness.Check.down("401 from /Authentication/CurrentUser"));
        assertThat(readiness.check().up()).isTrue();

        loggedIn.set(false);
        Readiness.Report report = readiness.check();

        assertThat(report.up()).isFalse();
        assertThat(report.body()).containsEntry("status", "DOWN")
                .containsEntry("clarityLogin", "DOWN: 401 from /Authentication/CurrentUser");
    }

    @Test
    void aCheckThatThrowsIsDownWithItsMessage() {
        readiness.register("broken", () -> {
            throw new IllegalStateException("pool closed");
        });

        assertThat(readiness.check().body()).containsEntry("broken", "DOWN: pool closed").containsEntry("status", "DOWN");
    }

    @Test
    void aNameIsRegisteredOnceAndStatusIsReserved() {
        readiness.register("store", Readiness.Check::up);

        assertThatThrownBy(() -> readiness.register("store", Readiness.Check::up)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> readiness.register("status", Readiness.Check::up)).isInstanceOf(IllegalArgumentException.class);
    }
}
