package dev.tandem.core.retry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigException;
import dev.tandem.core.error.ErrorClass;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code retry.classes.<class>.*}: a policy per error class, each key left out inherited from {@code retry.*}. */
class RetryPoliciesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static RetryPolicies parse(String yaml) {
        try {
            Config c = RetryPolicy.SPEC.parse(YAML.readTree(yaml), "retry");
            return RetryPolicies.from(c);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aClassWithItsOwnKeysOverridesOnlyThoseAndInheritsTheRest() {
        RetryPolicies p = parse("""
                maxAttempts: 6
                initialDelay: 2s
                classes:
                  lock: { maxAttempts: 20, initialDelay: 100ms }
                """);
        RetryPolicy lock = p.forCode("UNABLE_TO_LOCK_ROW");
        assertThat(lock.maxAttempts()).isEqualTo(20);
        assertThat(lock.initialDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(lock.maxDelay()).isEqualTo(RetryPolicy.DEFAULT_MAX_DELAY);
        assertThat(p.forCode("SERVER_UNAVAILABLE")).isSameAs(p.defaults());
        assertThat(p.defaults().maxAttempts()).isEqualTo(6);
        assertThat(p.byClass()).containsOnlyKeys(ErrorClass.LOCK);
    }

    @Test
    void classNamesAreLowerCamelCase() {
        RetryPolicies p = parse("""
                classes:
                  rateLimit: { maxAttempts: 50 }
                  businessRule: { maxAttempts: 1 }
                """);
        assertThat(p.forCode("REQUEST_LIMIT_EXCEEDED").maxAttempts()).isEqualTo(50);
        assertThat(p.forCode("FIELD_CUSTOM_VALIDATION_EXCEPTION").maxAttempts()).isEqualTo(1);
        assertThat(RetryPolicies.configName(ErrorClass.MISSING_FIELD)).isEqualTo("missingField");
    }

    @Test
    void noClassesMeansOnePolicyForEveryCode() {
        RetryPolicies p = parse("maxAttempts: 4");
        assertThat(p.byClass()).isEmpty();
        assertThat(p.forCode("ANYTHING").maxAttempts()).isEqualTo(4);
        assertThat(p.forCode(null).maxAttempts()).isEqualTo(4);
    }

    @Test
    void anUnknownClassOrKeyIsRefusedWithItsPath() {
        assertThatThrownBy(() -> parse("classes: { outage: { maxAttempts: 3 } }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("outage");
        assertThatThrownBy(() -> parse("classes: { lock: { attempts: 3 } }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("attempts");
    }

    @Test
    void aClassMaxDelayBelowItsInitialDelayIsRefused() {
        assertThatThrownBy(() -> parse("classes: { lock: { initialDelay: 1m, maxDelay: 1s } }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retry.classes.lock.maxDelay");
        assertThatThrownBy(() -> parse("maxDelay: 1s\nclasses: { lock: { initialDelay: 2s } }"))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void hostileValuesAreRefused() {
        assertThatThrownBy(() -> parse("classes: { lock: { maxAttempts: 100000 } }"))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> parse("classes: { lock: { jitter: 1.5 } }")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> parse("classes: { lock: [1, 2] }")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> parse("classes: 7")).isInstanceOf(ConfigException.class);
    }
}
