package dev.tandem.server.http;

import dev.tandem.core.logging.RateLimitedLog;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose first request has not finished its headers within {@code timeout}: the classic
 * slowloris, headers sent a byte at a time, resets the idle timeout with every byte and is bounded only by the
 * header size, so without this ten such clients hold ten connections for as long as they like. Jetty 12 has no
 * header deadline of its own ({@code HttpConfiguration.setMinRequestDataRate} covers bodies only).
 *
 * <p>Added to a connector as a bean, it hears every connection open ({@link Connection.Listener}) and schedules one
 * check on the connector's scheduler, cancelled when the connection closes. "Headers complete" is Jetty's request
 * count ({@code HttpConnection.getMessagesIn()}, incremented at header completion). Later requests on a kept-alive
 * connection are bounded by the idle timeout and the header size only.
 */
public final class HeaderDeadline implements Connection.Listener {

    private final Scheduler scheduler;
    private final Duration timeout;
    private final RateLimitedLog log;
    private final Map<Connection, Scheduler.Task> pending = new ConcurrentHashMap<>();

    public HeaderDeadline(Scheduler scheduler, Duration timeout, RateLimitedLog log) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public void onOpened(Connection connection) {
        pending.put(connection, scheduler.schedule(() -> expire(connection), timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public void onClosed(Connection connection) {
        Scheduler.Task task = pending.remove(connection);
        if (task != null) {
            task.cancel();
        }
    }

    private void expire(Connection connection) {
        pending.remove(connection);
        if (connection.getMessagesIn() == 0 && connection.getEndPoint().isOpen()) {
            log.log("header_timeout", "Closed a connection from {}: its request headers were not complete after {} "
                    + "(server.requestHeaderTimeout)", connection.getEndPoint().getRemoteSocketAddress(), timeout);
            connection.getEndPoint().close();
        }
    }
}
