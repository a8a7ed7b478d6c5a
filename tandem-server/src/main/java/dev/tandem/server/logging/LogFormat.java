package dev.tandem.server.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * How log lines are written to stderr: {@code text} (a line per event, ISO-8601 time with the zone's offset) or
 * {@code json} (an object per line, {@link IsoJsonEncoder}) for log stores. Chosen by {@code logging.format}, else
 * the environment variable {@code TANDEM_LOG_FORMAT}, else text; applied at start by swapping the encoder of
 * logback.xml's {@code STDERR} appender, so the levels and loggers of the file stay as they are.
 */
public enum LogFormat {
    TEXT, JSON;

    /** logback.xml's pattern, repeated here so a switch back from JSON gives the same lines. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";
    static final String APPENDER = "STDERR";
    public static final String ENVIRONMENT_VARIABLE = "TANDEM_LOG_FORMAT";

    /** {@code text} or {@code json}, any case; null or blank is text. */
    public static LogFormat parse(String value) {
        if (value == null || value.isBlank()) {
            return TEXT;
        }
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + " / logging.format must be text or json, not '"
                    + value + "'");
        }
    }

    /** The configured format when there is one, else {@code TANDEM_LOG_FORMAT}'s. */
    public static LogFormat choose(LogFormat configured, java.util.function.Function<String, String> environment) {
        return configured != null ? configured : parse(environment.apply(ENVIRONMENT_VARIABLE));
    }

    /**
     * Makes logback's {@code STDERR} appender write in this format from now on.
     *
     * @return false when there is no such appender (logback.xml replaced by the operator's own: theirs rules)
     */
    public boolean apply() {
        return LoggerFactory.getILoggerFactory() instanceof LoggerContext context && apply(context);
    }

    /** {@link #apply()} on a given logback context. */
    public boolean apply(LoggerContext context) {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (!(root.getAppender(APPENDER) instanceof OutputStreamAppender<ILoggingEvent> appender)) {
            return false;
        }
        Encoder<ILoggingEvent> encoder = encoder(context);
        encoder.start();
        // Swapped in place: stopping the appender would close its stream (stderr). Done once at start, before
        // the listener and the flows log anything that matters.
        Encoder<ILoggingEvent> old = appender.getEncoder();
        appender.setEncoder(encoder);
        if (old != null) {
            old.stop();
        }
        return true;
    }

    Encoder<ILoggingEvent> encoder(LoggerContext context) {
        if (this == JSON) {
            IsoJsonEncoder json = new IsoJsonEncoder();
            json.setContext(context);
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        return text;
    }
}
