package dev.tandem.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogLevelsTest {

    private final LoggerContext context = new LoggerContext();
    private final LogLevels levels = new LogLevels(context);

    /** As logback.xml: root WARN, dev.tandem INFO. */
    @BeforeEach
    void configure() {
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        context.getLogger("dev.tandem").setLevel(Level.INFO);
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void listsLoggersWithTheirOwnAndEffectiveLevels() {
        context.getLogger("dev.tandem.salesforce.write");

        assertThat(levels.list()).contains(
                new LogLevels.LoggerLevel("ROOT", Optional.of("WARN"), "WARN"),
                new LogLevels.LoggerLevel("dev.tandem", Optional.of("INFO"), "INFO"),
                new LogLevels.LoggerLevel("dev.tandem.salesforce.write", Optional.empty(), "INFO"));
    }

    @Test
    void settingALevelChangesItAndTheLoggersBelowThatHaveNoneOfTheirOwn() {
        LogLevels.LoggerLevel set = levels.set("dev.tandem.salesforce", "debug");

        assertThat(set).isEqualTo(new LogLevels.LoggerLevel("dev.tandem.salesforce", Optional.of("DEBUG"), "DEBUG"));
        assertThat(context.getLogger("dev.tandem.salesforce.write").isDebugEnabled()).isTrue();
        assertThat(context.getLogger("dev.tandem.clarity").isDebugEnabled()).isFalse();
    }

    @Test
    void resetGivesBackTheLevelFromBeforeTheFirstChange() {
        levels.set("dev.tandem", "DEBUG");
        levels.set("dev.tandem", "TRACE");

        assertThat(levels.reset("dev.tandem")).isEqualTo(new LogLevels.LoggerLevel("dev.tandem", Optional.of("INFO"), "INFO"));
    }

    @Test
    void resetOfALoggerThatHadNoLevelMakesItInheritAgain() {
        levels.set("dev.tandem.clarity", "ERROR");

        assertThat(levels.reset("dev.tandem.clarity"))
                .isEqualTo(new LogLevels.LoggerLevel("dev.tandem.clarity", Optional.empty(), "INFO"));
    }

    @Test
    void theRootLoggerIsNamedRootInAnyCase() {
        levels.set("root", "ERROR");

        assertThat(levels.get("ROOT").effective()).isEqualTo("ERROR");
    }

    @Test
    void anUnknownLevelOrABlankNameIsRefusedAndChangesNothing() {
        assertThatThrownBy(() -> levels.set("dev.tandem", "LOUD")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a log level");
        assertThatThrownBy(() -> levels.set(" ", "INFO")).isInstanceOf(IllegalArgumentException.class);
        assertThat(levels.get("dev.tandem").effective()).isEqualTo("INFO");
    }
}
