package dev.tandem.server.alerts;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A channel that keeps what it is sent, and delivers or fails as the test says. */
final class RecordingChannel implements AlertChannel {

    private final String name;
    final List<Alert> received = new CopyOnWriteArrayList<>();
    volatile String failWith;

    RecordingChannel(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Delivery send(Alert alert) {
        received.add(alert);
        return failWith == null ? Delivery.ok(name, "recorded") : Delivery.failed(name, failWith);
    }

    @Override
    public List<String> secrets() {
        return List.of();
    }
}
