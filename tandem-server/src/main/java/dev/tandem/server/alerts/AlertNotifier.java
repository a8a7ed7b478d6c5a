package dev.tandem.server.alerts;

import dev.tandem.core.flow.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Sends alerts to channels and remembers what became of them: the history (bounded, newest first), and one WARN
 * line per channel and reason while a channel keeps failing the same way (then one INFO line when it works again),
 * so a receiver that is down for a day does not fill the log. Every text that leaves it, alert summary and delivery
 * detail alike, has the channels' credentials taken out first.
 *
 * <p>Thread-safe; sends run on the caller's thread, one channel after the other.
 */
public final class AlertNotifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertNotifier.class);

    private final Map<String, AlertChannel> channels;
    private final Secrets redactor;
    private final AlertLinks links;
    private final Clock clock;
    private final int historySize;
    private final Deque<SentAlert> history = new ArrayDeque<>();
    /** Channel → the reason of its last logged failure, while it keeps failing. */
    private final Map<String, String> failing = new HashMap<>();

    /**
     * @param channels by name; the notifier closes them
     */
    AlertNotifier(Map<String, AlertChannel> channels, AlertLinks links, int historySize, Clock clock) {
        this.channels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(channels));
        Map<String, String> secrets = new HashMap<>();
        for (AlertChannel channel : channels.values()) {
            List<String> values = channel.secrets();
            for (int i = 0; i < values.size(); i++) {
                if (!values.get(i).isEmpty()) {
                    secrets.put(channel.name() + "#" + i, values.get(i));
                }
            }
        }
        this.redactor = Secrets.of(secrets);
        this.links = links;
        this.historySize = historySize;
        this.clock = clock;
    }

    /** The channels of {@code settings}, built for sending. */
    public static AlertNotifier fromSettings(AlertsSettings settings, Clock clock) {
        Map<String, AlertChannel> channels = new LinkedHashMap<>();
        for (ChannelSettings c : settings.channels().values()) {
            channels.put(c.name(), switch (c) {
                case ChannelSettings.Webhook w -> new WebhookChannel(w, clock);
                case ChannelSettings.Slack s -> new SlackChannel(s);
                case ChannelSettings.Email e -> new EmailChannel(e);
                case ChannelSettings.Log l -> new LogChannel(l.name());
            });
        }
        return new AlertNotifier(channels, new AlertLinks(settings.publicUrl()), settings.historySize(), clock);
    }

    AlertLinks links() {
        return links;
    }

    /** Sends {@code alert} to each of {@code channelNames} and records it in the history. */
    public SentAlert send(Alert alert, List<String> channelNames) {
        Alert clean = alert.withSummary(redactor.redact(alert.summary()));
        List<Delivery> deliveries = new ArrayList<>();
        for (String name : channelNames) {
            AlertChannel channel = channels.get(name);
            Delivery d;
            if (channel == null) {
                d = Delivery.failed(name, "no channel of that name in alerts.channels");
            } else {
                try {
                    d = channel.send(clean);
                } catch (RuntimeException e) { // a channel must not throw; if one does, the others still get theirs
                    d = Delivery.failed(name, "channel failed (" + e.getClass().getSimpleName() + ")");
                }
            }
            d = new Delivery(d.channel(), d.delivered(), redactor.redact(d.detail()));
            deliveries.add(d);
            logOutcome(clean, d);
        }
        SentAlert sent = new SentAlert(clean, deliveries);
        synchronized (history) {
            history.addFirst(sent);
            while (history.size() > historySize) {
                history.removeLast();
            }
        }
        return sent;
    }

    /** A TEST alert of {@code rule}, to its channels: what {@code tandem alerts test --rule NAME} sends. */
    public SentAlert test(AlertRule rule) {
        java.time.Instant now = clock.instant();
        Alert alert = new Alert(UUID.randomUUID().toString(), rule.name(), rule.condition(), rule.severity(),
                Alert.State.TEST, rule.flow(), null, null, AlertEngine.threshold(rule), now, now,
                "TEST alert of rule " + rule.describe() + ": nothing is wrong", links.flow(rule.flow()));
        return send(alert, rule.channels());
    }

    /** The alerts sent, newest first. */
    public List<SentAlert> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    private void logOutcome(Alert alert, Delivery d) {
        synchronized (failing) {
            if (d.delivered()) {
                if (failing.remove(d.channel()) != null) {
                    log.info("Alert channel {} delivers again ({})", d.channel(), d.detail());
                }
                log.debug("Alert {} {} of rule {} delivered to {}: {}", alert.id(), alert.state(), alert.rule(),
                        d.channel(), d.detail());
            } else if (!d.detail().equals(failing.put(d.channel(), d.detail()))) {
                log.warn("Alert channel {} failed: {} ({} alert {} of rule {}; the same failure is not logged again "
                        + "until the channel works)", d.channel(), d.detail(), alert.state(), alert.id(), alert.rule());
            }
        }
    }

    @Override
    public void close() {
        for (AlertChannel channel : channels.values()) {
            try {
                channel.close();
            } catch (Exception e) {
                log.debug("Closing alert channel {} failed", channel.name(), e);
            }
        }
    }
}
