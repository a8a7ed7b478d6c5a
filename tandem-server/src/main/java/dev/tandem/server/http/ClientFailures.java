package dev.tandem.server.http;

import org.eclipse.jetty.http.HttpException;

import java.io.EOFException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * Reading a request failed because of the client, not Tandem: it went away mid-body, or sent the body too slowly
 * ({@link HttpLimits#minRequestDataRate}, the idle timeout). Such a failure is one log line without a stack trace,
 * never a 500 with an ERROR: there is nothing for an operator to fix in Tandem.
 */
public final class ClientFailures {

    public enum Kind {
        /** The connection closed before the body was complete (Jetty's {@code EofException}, "Early EOF"). */
        DISCONNECTED,
        /** The body arrived slower than the minimum data rate, or not at all within the idle timeout. */
        TOO_SLOW,
        /** Anything else: Tandem's problem. */
        OTHER
    }

    private ClientFailures() {
    }

    public static Kind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException || t instanceof HttpException http && http.getCode() == 408) {
                return Kind.TOO_SLOW;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EOFException || t instanceof ClosedChannelException) {
                return Kind.DISCONNECTED;
            }
        }
        return Kind.OTHER;
    }

    /** The innermost message, for the one log line. */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
