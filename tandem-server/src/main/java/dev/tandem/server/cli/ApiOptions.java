package dev.tandem.server.cli;

import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;

/** The options of every command that talks to a running Tandem over its admin API (a picocli mixin). */
public final class ApiOptions {

    @Option(names = "--url", paramLabel = "URL",
            description = "Tandem's base URL, e.g. http://tandem.internal:8080 (default: $TANDEM_URL, else server.host/port of --config, else http://127.0.0.1:8080)")
    URI url;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "a file holding the API token (default: $TANDEM_TOKEN)")
    Path tokenFile;

    @Option(names = "--config", paramLabel = "FILE", description = "tandem.yaml, for server.host and server.port")
    Path config;

    @Option(names = "--json", description = "print the API's JSON instead of a table")
    boolean json;

    /** The client these options name, with the process environment. */
    public ApiClient client() {
        return ApiClient.from(url, tokenFile, config, System::getenv);
    }

    public boolean json() {
        return json;
    }
}
