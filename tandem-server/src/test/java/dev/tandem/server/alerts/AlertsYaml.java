package dev.tandem.server.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;

/** The {@code alerts} section of a test, written as YAML and read by its spec. */
final class AlertsYaml {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private AlertsYaml() {
    }

    static AlertsSettings parse(String yaml) {
        try {
            return AlertsSettings.from(AlertsSettings.SPEC.parse(YAML.readTree(yaml), "alerts"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
