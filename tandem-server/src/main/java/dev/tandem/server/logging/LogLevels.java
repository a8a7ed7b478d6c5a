package dev.tandem.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Log levels changed while Tandem runs (the admin API's {@code /api/v1/log-levels}): list the loggers with their
 * configured and effective levels, set one logger's level (it and the loggers below it that have none of their
 * own), and reset it to what logback.xml gave it. Nothing is persisted: a restart reads logback.xml again, so a
 * forgotten DEBUG does not survive.
 *
 * <p>Logger names are free (logback creates a logger on first use, so {@code dev.tandem.salesforce} can be set
 * before any class of it logged); {@code ROOT} is the root logger. Thread-safe.
 */
public final class LogLevels {

    /**
     * @param name       the logger's name ({@code ROOT} for the root)
     * @param configured its own level, empty when it inherits
     * @param effective  the level it logs at
     */
    public record LoggerLevel(String name, Optional<String> configured, String effective) {
    }

    private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
    /** What a logger's own level was before the first {@link #set}: a null value means it had none. */
    private final Map<String, Optional<Level>> originals = new ConcurrentHashMap<>();
    private final LoggerContext context;

    public LogLevels(LoggerContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /** Over the logback context SLF4J is bound to. */
    public static LogLevels ofLogback() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            throw new IllegalStateException("SLF4J is not bound to logback: " + LoggerFactory.getILoggerFactory());
        }
        return new LogLevels(context);
    }

    /** Every logger logback knows, by name (the root first). */
    public List<LoggerLevel> list() {
        return context.getLoggerList().stream().map(LogLevels::describe).toList();
    }

    public LoggerLevel get(String name) {
        return describe(logger(name));
    }

    /**
     * Sets {@code name}'s level.
     *
     * @param level TRACE, DEBUG, INFO, WARN, ERROR or OFF, any case
     * @throws IllegalArgumentException for another level or a blank name
     */
    public LoggerLevel set(String name, String level) {
        Logger logger = logger(name);
        Level parsed = parse(level);
        originals.computeIfAbsent(logger.getName(), n -> Optional.ofNullable(logger.getLevel()));
        logger.setLevel(parsed);
        return describe(logger);
    }

    /** Gives {@code name} back the level it had before the first {@link #set}; a logger never set is unchanged. */
    public LoggerLevel reset(String name) {
        Logger logger = logger(name);
        Optional<Level> original = originals.remove(logger.getName());
        if (original != null) {
            logger.setLevel(original.orElse(null));
        }
        return describe(logger);
    }

    private Logger logger(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a logger name is required (ROOT for the root logger)");
        }
        return context.getLogger(name.equalsIgnoreCase(org.slf4j.Logger.ROOT_LOGGER_NAME)
                ? org.slf4j.Logger.ROOT_LOGGER_NAME : name);
    }

    private static Level parse(String level) {
        String upper = level == null ? "" : level.strip().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(upper)) {
            throw new IllegalArgumentException("not a log level: '" + level + "' (one of " + LEVELS + ")");
        }
        return Level.toLevel(upper);
    }

    private static LoggerLevel describe(Logger logger) {
        return new LoggerLevel(logger.getName(), Optional.ofNullable(logger.getLevel()).map(Level::toString),
                logger.getEffectiveLevel().toString());
    }
}
