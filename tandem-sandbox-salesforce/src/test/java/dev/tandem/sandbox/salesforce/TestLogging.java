package dev.tandem.sandbox.salesforce;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Without a logback-test.xml logback logs everything at DEBUG, and Jetty's per-request debug output slows the
 * HTTP tests down by an order of magnitude.
 */
final class TestLogging {

    private TestLogging() {
    }

    static void quietServerLogs() {
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof Logger root && root.getLevel() == Level.DEBUG) {
            ((Logger) LoggerFactory.getLogger("org.eclipse.jetty")).setLevel(Level.INFO);
            ((Logger) LoggerFactory.getLogger("io.javalin")).setLevel(Level.INFO);
        }
    }
}
