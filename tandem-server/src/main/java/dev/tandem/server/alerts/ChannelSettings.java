package dev.tandem.server.alerts;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of {@code alerts.channels}: where alerts go. Credentials are {@link Secret}s, so no {@code toString}
 * shows them; write them in tandem.yaml as {@code ${env:NAME}}.
 */
public sealed interface ChannelSettings {

    /** The channel's name, the key under {@code alerts.channels}. */
    String name();

    /** How long one delivery may take (connect, send, answer) before it counts as failed. */
    Duration timeout();

    /**
     * A generic HTTPS receiver: a JSON body signed with HMAC-SHA256 in {@code X-Tandem-Signature}, as Clarity
     * webhooks are signed (docs/operations.md, "Alerts").
     */
    record Webhook(String name, URI url, Secret secret, Duration timeout) implements ChannelSettings {
        public Webhook {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String toString() {
            return "Webhook[" + name + " → " + url.getScheme() + "://" + url.getHost() + "/…]";
        }
    }

    /** A Slack incoming webhook (https://api.slack.com/messaging/webhooks); its URL is the credential. */
    record Slack(String name, Secret url, Duration timeout) implements ChannelSettings {
        public Slack {
            Objects.requireNonNull(url, "url");
        }
    }

    /**
     * E-mail over SMTP.
     *
     * @param username null to send without authentication
     * @param password null exactly when {@code username} is
     * @param startTls upgrade the connection with STARTTLS, and refuse a server that does not offer it
     * @param ssl      TLS from the first byte (SMTPS, usually port 465)
     */
    record Email(String name, String host, int port, String from, List<String> to, String username, Secret password,
                 boolean startTls, boolean ssl, Duration timeout) implements ChannelSettings {
        public Email {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(from, "from");
            to = List.copyOf(to);
            if ((username == null) != (password == null)) {
                throw new IllegalArgumentException("username and password go together");
            }
        }
    }

    /**
     * Tandem's own log (logger {@code dev.tandem.alerts}, level WARN): for a machine without a receiver yet, such as
     * {@code tandem demo}, so rules can be tried and their alerts seen in the console's history.
     */
    record Log(String name, Duration timeout) implements ChannelSettings {
    }

    /** The kinds of channel. */
    enum Kind {
        WEBHOOK, SLACK, EMAIL, LOG
    }

    /** The keys of one entry of {@code alerts.channels}; which apply depends on {@code type}. */
    ConfigSpec SPEC = Keys.SPEC;

    /**
     * One channel as written.
     *
     * @throws dev.tandem.core.config.ConfigException naming the key, e.g. {@code alerts.channels.ops-mail.to}
     */
    static ChannelSettings from(String name, Config c) {
        Kind kind = c.get(Keys.TYPE);
        Set<String> applies = switch (kind) {
            case WEBHOOK -> Set.of("url", "secret");
            case SLACK -> Set.of("url");
            case EMAIL -> Set.of("host", "port", "from", "to", "username", "password", "startTls", "ssl");
            case LOG -> Set.of();
        };
        for (Map.Entry<String, ConfigSpec.Key<?>> key : Keys.BY_TYPE.entrySet()) {
            if (c.isSet(key.getValue()) && !applies.contains(key.getKey())) {
                throw c.invalid(key.getValue(), "does not apply to a channel of type " + kind.name().toLowerCase(
                        java.util.Locale.ROOT));
            }
        }
        Duration timeout = c.get(Keys.TIMEOUT);
        return switch (kind) {
            case WEBHOOK -> new Webhook(name, url(c), new Secret(required(c, Keys.SECRET, "webhook")), timeout);
            case SLACK -> {
                url(c);
                yield new Slack(name, new Secret(c.get(Keys.URL).strip()), timeout);
            }
            case EMAIL -> email(name, c, timeout);
            case LOG -> new Log(name, timeout);
        };
    }

    private static Email email(String name, Config c, Duration timeout) {
        String host = required(c, Keys.HOST, "email").strip();
        address(c, Keys.FROM, required(c, Keys.FROM, "email"));
        List<String> to = c.get(Keys.TO);
        if (to.isEmpty()) {
            throw c.invalid(Keys.TO, "is required for a channel of type email (at least one address)");
        }
        to.forEach(a -> address(c, Keys.TO, a));
        boolean ssl = c.get(Keys.SSL);
        if (ssl && c.isSet(Keys.START_TLS) && c.get(Keys.START_TLS)) {
            throw c.invalid(Keys.START_TLS, "cannot be combined with ssl: TLS from the first byte needs no upgrade");
        }
        boolean startTls = !ssl && c.get(Keys.START_TLS);
        String username = c.get(Keys.USERNAME);
        String password = c.get(Keys.PASSWORD);
        if (username != null && password == null) {
            throw c.invalid(Keys.PASSWORD, "is required with username");
        }
        if (password != null && username == null) {
            throw c.invalid(Keys.USERNAME, "is required with password");
        }
        int port = c.optional(Keys.PORT).orElse(ssl ? 465 : 587);
        return new Email(name, host, port, c.get(Keys.FROM).strip(), to.stream().map(String::strip).toList(), username,
                password == null ? null : new Secret(password), startTls, ssl, timeout);
    }

    private static String required(Config c, ConfigSpec.Key<String> key, String type) {
        String value = c.get(key);
        if (value == null || value.isBlank()) {
            throw c.invalid(key, "is required for a channel of type " + type);
        }
        return value;
    }

    /** An http(s) URL, checked without repeating it: it may hold a token (Slack's does). */
    private static URI url(Config c) {
        String text = c.get(Keys.URL);
        if (text == null || text.isBlank()) {
            throw c.invalid(Keys.URL, "is required for a channel of type " + c.get(Keys.TYPE).name()
                    .toLowerCase(java.util.Locale.ROOT));
        }
        try {
            URI uri = new URI(text.strip());
            if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, without the value
        }
        throw c.invalid(Keys.URL, "must be an http(s) URL with a host (the value is not shown: it may hold a token)");
    }

    private static void address(Config c, ConfigSpec.Key<?> key, String address) {
        try {
            new InternetAddress(address.strip(), true).validate();
        } catch (AddressException e) {
            throw c.invalid(key, "holds '" + (address.length() > 80 ? address.substring(0, 80) + "…" : address)
                    + "', which is not an e-mail address (" + e.getMessage() + ")");
        }
    }

    /** The declarations (an interface cannot have private static fields). */
    final class Keys {
        static final ConfigSpec SPEC = new ConfigSpec();
        static final ConfigSpec.Key<Kind> TYPE = SPEC.required("type", Type.oneOf(Kind.class),
                "`webhook`: signed JSON to any HTTPS receiver; `slack`: a Slack incoming webhook; `email`: SMTP; "
                        + "`log`: Tandem's own log (logger `dev.tandem.alerts`, WARN), e.g. to try rules out");
        static final ConfigSpec.Key<String> URL = SPEC.optional("url", Type.STRING, "required for webhook and slack",
                "webhook, slack: where to POST (for Slack the incoming-webhook URL, itself a secret: write "
                        + "`${env:NAME}`)");
        static final ConfigSpec.Key<String> SECRET = SPEC.optional("secret", Type.STRING, "required for webhook",
                Validator.quiet("", s -> s.strip().length() >= 16, "must be at least 16 characters (the value is not shown)"),
                "webhook: the HMAC-SHA256 key of `X-Tandem-Signature`, shared with the receiver; write `${env:NAME}`");
        static final ConfigSpec.Key<Duration> TIMEOUT = SPEC.define("timeout", Type.DURATION, Duration.ofSeconds(10),
                Validator.positive(), "how long one delivery may take (connect, send, answer) before it counts as failed");
        static final ConfigSpec.Key<String> HOST = SPEC.optional("host", Type.STRING, "required for email",
                "email: the SMTP server");
        static final ConfigSpec.Key<Integer> PORT = SPEC.optional("port", Type.INT, "`587`; `465` with `ssl`",
                Validator.between(1, 65535), "email: the SMTP port");
        static final ConfigSpec.Key<Boolean> START_TLS = SPEC.define("startTls", Type.BOOLEAN, true,
                "email: upgrade the connection with STARTTLS and refuse a server that does not offer it (off for a "
                        + "local relay without TLS)");
        static final ConfigSpec.Key<Boolean> SSL = SPEC.define("ssl", Type.BOOLEAN, false,
                "email: TLS from the first byte (SMTPS), instead of STARTTLS");
        static final ConfigSpec.Key<String> FROM = SPEC.optional("from", Type.STRING, "required for email",
                "email: the sender address");
        static final ConfigSpec.Key<List<String>> TO = SPEC.define("to", Type.listOf(Type.STRING), List.of(),
                "email: the recipients (at least one)");
        static final ConfigSpec.Key<String> USERNAME = SPEC.optional("username", Type.STRING, "no authentication",
                "email: the SMTP login");
        static final ConfigSpec.Key<String> PASSWORD = SPEC.optional("password", Type.STRING, "required with username",
                Validator.quiet("", s -> true, ""), "email: the SMTP password; write `${env:NAME}`");

        /** The keys that apply to some types only. */
        static final Map<String, ConfigSpec.Key<?>> BY_TYPE = Map.of("url", URL, "secret", SECRET, "host", HOST,
                "port", PORT, "startTls", START_TLS, "ssl", SSL, "from", FROM, "to", TO, "username", USERNAME,
                "password", PASSWORD);

        private Keys() {
        }
    }
}
