package dev.tandem.sandbox.clarity;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Jetty's debug chatter out of test output. Done in code because the module's shared test resources are not
 * this suite's to configure.
 */
final class QuietLogging {

    static {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        ((Logger) LoggerFactory.getLogger("org.eclipse.jetty")).setLevel(Level.WARN);
        ((Logger) LoggerFactory.getLogger("io.javalin")).setLevel(Level.WARN);
    }

    private QuietLogging() {
    }

    static void install() {
        // the static initialiser does the work, once
    }
}
