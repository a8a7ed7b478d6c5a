package dev.tandem.server.config;

/** A configuration file that cannot be used; the message names the key and what is wrong. */
public class ConfigException extends dev.tandem.core.config.ConfigException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
