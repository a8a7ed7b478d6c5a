package dev.tandem.server.alerts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Writes alerts to Tandem's own log (logger {@code dev.tandem.alerts}, WARN): one line with the title and the
 * summary. It has nowhere to fail to, so every delivery succeeds; it exists so that rules can be defined and watched
 * (firing, history in the console) before a real receiver is set up, as {@code tandem demo} does.
 */
public final class LogChannel implements AlertChannel {

    private static final Logger LOG = LoggerFactory.getLogger("dev.tandem.alerts");

    private final String name;

    public LogChannel(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Delivery send(Alert alert) {
        LOG.warn("{}: {}", AlertText.title(alert), alert.summary());
        return Delivery.ok(name, "written to Tandem's log");
    }

    @Override
    public List<String> secrets() {
        return List.of();
    }
}
