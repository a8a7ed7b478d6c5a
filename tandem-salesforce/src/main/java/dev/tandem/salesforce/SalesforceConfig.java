package dev.tandem.salesforce;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;
import dev.tandem.salesforce.auth.AuthConfig;
import dev.tandem.salesforce.auth.OAuthFlow;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach one Salesforce org: the connection keys of {@code salesforce.*} in tandem.yaml ({@link #SPEC}).
 *
 * @param tokenUrl          the OAuth token endpoint of the org's My Domain, e.g.
 *                          {@code https://mydomain.my.salesforce.com/services/oauth2/token}; the client-credentials
 *                          flow is refused on login/test hosts (salesforce-api.md §1.1)
 * @param clientId          the external client app's consumer key
 * @param clientSecret      the consumer secret (never logged; {@link #toString()} redacts it); required by the
 *                          client-credentials flow, optional for the refresh-token flow, unused by JWT bearer
 *                          (null becomes empty text)
 * @param apiVersion        the REST API version without the {@code v}, e.g. {@code 64.0}; at least 50.0 because the
 *                          connector writes through Composite Graph, which exists from API 50.0 (§2.10)
 * @param callOptionsClient the value sent as {@code Sforce-Call-Options: client=<value>}; Salesforce copies it into
 *                          CDC {@code changeOrigin}, which is how Tandem recognises its own writes (§2.7, invariant 3)
 * @param requestTimeout    the timeout of every HTTP request (and of connecting)
 * @param auth              the OAuth flow and its settings; null means client credentials over HTTP Basic
 */
public record SalesforceConfig(URI tokenUrl, String clientId, String clientSecret, String apiVersion,
                               String callOptionsClient, Duration requestTimeout, AuthConfig auth) {

    public static final String DEFAULT_API_VERSION = "64.0";
    public static final String DEFAULT_CALL_OPTIONS_CLIENT = "tandem";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern API_VERSION_PATTERN = Pattern.compile("\\d{2}\\.\\d");
    /** Kept to a safe token alphabet: the value goes into a header whose options are separated by commas. */
    private static final Pattern CALL_OPTIONS_CLIENT = Pattern.compile("[A-Za-z0-9_.-]{1,80}");
    private static final double MIN_API_VERSION = 50.0;

    /** The connection keys of the {@code salesforce} section, {@code auth} included (the server adds the others). */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<URI> TOKEN_URL = SPEC.required("tokenUrl", Type.URL,
            "OAuth token endpoint of the org's My Domain, e.g. `https://acme.my.salesforce.com/services/oauth2/token` "
                    + "(the client-credentials flow is refused on login/test hosts)");
    private static final ConfigSpec.Key<String> CLIENT_ID = SPEC.required("clientId", Type.STRING,
            "consumer key of the connected app");
    private static final ConfigSpec.Key<String> CLIENT_SECRET = SPEC.optional("clientSecret", Type.STRING,
            "required for `client_credentials`", "consumer secret; use `${SF_CLIENT_SECRET}` (optional for the "
                    + "refresh-token flow, unused by JWT bearer)");
    private static final ConfigSpec.Key<String> API_VERSION = SPEC.define("apiVersion", Type.STRING,
            DEFAULT_API_VERSION, Validator.of("`NN.N` ≥ 50.0", (String v) -> API_VERSION_PATTERN.matcher(v.strip()).matches()
                    && Double.parseDouble(v.strip()) >= MIN_API_VERSION, "must look like 64.0 (at least 50.0)"),
            "REST API version; at least 50.0 because Tandem writes through Composite Graph");
    private static final ConfigSpec.Key<String> CALL_OPTIONS = SPEC.define("callOptionsClient", Type.STRING,
            DEFAULT_CALL_OPTIONS_CLIENT, Validator.of("of 1–80 `A-Za-z0-9_.-`", (String v) -> CALL_OPTIONS_CLIENT.matcher(v.strip()).matches(),
                    "must be 1-80 letters, digits, '_', '.' or '-'"),
            "sent as `Sforce-Call-Options: client=…` on every request, so Tandem's own changes can be recognised in CDC");
    private static final ConfigSpec.Key<Duration> REQUEST_TIMEOUT = SPEC.define("requestTimeout", Type.DURATION,
            DEFAULT_REQUEST_TIMEOUT, Validator.positive(), "timeout of one Salesforce request");

    static {
        SPEC.section("auth", AuthConfig.SPEC);
    }

    /** Null {@code apiVersion}, {@code callOptionsClient}, {@code requestTimeout} or {@code auth} take the defaults. */
    public SalesforceConfig {
        Objects.requireNonNull(tokenUrl, "tokenUrl");
        if (!"https".equalsIgnoreCase(tokenUrl.getScheme()) && !"http".equalsIgnoreCase(tokenUrl.getScheme())
                || tokenUrl.getHost() == null) {
            throw new IllegalArgumentException("tokenUrl must be an absolute http(s) URL, got: " + tokenUrl);
        }
        requireNonBlank(clientId, "clientId");
        auth = auth == null ? AuthConfig.clientCredentials() : auth;
        if (auth.flow() == OAuthFlow.CLIENT_CREDENTIALS) {
            requireNonBlank(clientSecret, "clientSecret");
        }
        clientSecret = clientSecret == null ? "" : clientSecret;
        apiVersion = apiVersion == null ? DEFAULT_API_VERSION : apiVersion.strip();
        if (!API_VERSION_PATTERN.matcher(apiVersion).matches()) {
            throw new IllegalArgumentException("apiVersion must look like NN.N (e.g. 64.0), got: " + apiVersion);
        }
        if (Double.parseDouble(apiVersion) < MIN_API_VERSION) {
            throw new IllegalArgumentException("apiVersion must be at least 50.0 (Composite Graph), got: " + apiVersion);
        }
        callOptionsClient = callOptionsClient == null ? DEFAULT_CALL_OPTIONS_CLIENT : callOptionsClient.strip();
        if (!CALL_OPTIONS_CLIENT.matcher(callOptionsClient).matches()) {
            throw new IllegalArgumentException(
                    "callOptionsClient must be 1-80 letters, digits, '_', '.' or '-', got: " + callOptionsClient);
        }
        requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, got: " + requestTimeout);
        }
    }

    /** The client-credentials configuration of earlier versions (HTTP Basic). */
    public SalesforceConfig(URI tokenUrl, String clientId, String clientSecret, String apiVersion,
                            String callOptionsClient, Duration requestTimeout) {
        this(tokenUrl, clientId, clientSecret, apiVersion, callOptionsClient, requestTimeout, null);
    }

    /** The configuration of a {@code salesforce} section parsed with a spec that includes {@link #SPEC}. */
    public static SalesforceConfig from(Config c) {
        AuthConfig auth = AuthConfig.from(c.section("auth"));
        String secret = c.get(CLIENT_SECRET);
        if (auth.flow() == OAuthFlow.CLIENT_CREDENTIALS && (secret == null || secret.isBlank())) {
            throw c.invalid(CLIENT_SECRET, "is required (for the client_credentials flow, the default)");
        }
        return c.build(() -> new SalesforceConfig(c.get(TOKEN_URL), c.get(CLIENT_ID), secret, c.get(API_VERSION),
                c.get(CALL_OPTIONS), c.get(REQUEST_TIMEOUT), auth));
    }

    /** A client-credentials configuration with the default API version, call-options client and timeout. */
    public static SalesforceConfig of(URI tokenUrl, String clientId, String clientSecret) {
        return new SalesforceConfig(tokenUrl, clientId, clientSecret, null, null, null, null);
    }

    /** A configuration with the given flow and the default API version, call-options client and timeout. */
    public static SalesforceConfig of(URI tokenUrl, String clientId, String clientSecret, AuthConfig auth) {
        return new SalesforceConfig(tokenUrl, clientId, clientSecret, null, null, null, auth);
    }

    public SalesforceConfig withApiVersion(String version) {
        return new SalesforceConfig(tokenUrl, clientId, clientSecret, version, callOptionsClient, requestTimeout, auth);
    }

    public SalesforceConfig withCallOptionsClient(String client) {
        return new SalesforceConfig(tokenUrl, clientId, clientSecret, apiVersion, client, requestTimeout, auth);
    }

    public SalesforceConfig withRequestTimeout(Duration timeout) {
        return new SalesforceConfig(tokenUrl, clientId, clientSecret, apiVersion, callOptionsClient, timeout, auth);
    }

    public SalesforceConfig withAuth(AuthConfig authConfig) {
        return new SalesforceConfig(tokenUrl, clientId, clientSecret, apiVersion, callOptionsClient, requestTimeout,
                authConfig);
    }

    /** The path prefix of every data-API resource, e.g. {@code /services/data/v64.0/} (§2). */
    public String dataPathPrefix() {
        return "/services/data/v" + apiVersion + "/";
    }

    /** Redacts the secret (architecture invariant 6: secrets never in logs). */
    @Override
    public String toString() {
        return "SalesforceConfig[tokenUrl=" + tokenUrl + ", clientId=" + clientId + ", clientSecret=<redacted>"
                + ", apiVersion=" + apiVersion + ", callOptionsClient=" + callOptionsClient
                + ", requestTimeout=" + requestTimeout + ", auth=" + auth + "]";
    }

    private static void requireNonBlank(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
