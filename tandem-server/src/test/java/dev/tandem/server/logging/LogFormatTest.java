package dev.tandem.server.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogFormatTest {

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A context shaped like logback.xml: a root appender named STDERR, here writing to memory. */
    @BeforeEach
    void configure() {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName(LogFormat.APPENDER);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
        context.start();
    }

    @Test
    void theFixtureWrites() {
        context.getLogger("dev.tandem.x").info("plain");
        assertThat(written()).isEqualTo("plain" + System.lineSeparator());
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private String written() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonWritesOneObjectPerLineWithAnIsoTimeAndOffset() throws Exception {
        assertThat(LogFormat.JSON.apply(context)).isTrue();

        context.getLogger("dev.tandem.x").warn("Rejected {} webhooks", 3);

        String[] lines = written().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines[0]);
        assertThat(line.path("level").asText()).isEqualTo("WARN");
        assertThat(line.path("loggerName").asText()).isEqualTo("dev.tandem.x");
        assertThat(line.path("formattedMessage").asText()).isEqualTo("Rejected 3 webhooks");
        OffsetDateTime time = OffsetDateTime.parse(line.path("time").asText());
        assertThat(time.toInstant().toEpochMilli()).isEqualTo(line.path("timestamp").asLong());
    }

    @Test
    void textWritesAnIsoTimestampWithOffsetAndTheLevel() {
        LogFormat.JSON.apply(context);
        assertThat(LogFormat.TEXT.apply(context)).isTrue();

        context.getLogger("dev.tandem.x").info("hello");

        String line = written().strip();
        assertThat(line).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) INFO  \\[.*] dev\\.tandem\\.x - hello");
    }

    @Test
    void withoutTheStderrAppenderNothingIsChanged() {
        LoggerContext other = new LoggerContext();
        try {
            assertThat(LogFormat.JSON.apply(other)).isFalse();
        } finally {
            other.stop();
        }
    }

    @Test
    void theConfiguredFormatWinsOverTheEnvironmentWhichWinsOverText() {
        Map<String, String> env = Map.of(LogFormat.ENVIRONMENT_VARIABLE, "JSON");
        assertThat(LogFormat.choose(LogFormat.TEXT, env::get)).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.choose(null, env::get)).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.choose(null, name -> null)).isEqualTo(LogFormat.TEXT);
    }

    @Test
    void anUnknownFormatIsRefusedNamingTheChoices() {
        assertThatThrownBy(() -> LogFormat.parse("xml")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("text or json");
    }
}
