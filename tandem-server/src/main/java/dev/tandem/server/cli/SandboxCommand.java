package dev.tandem.server.cli;

import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = "Runs one emulator of an external system alone on 127.0.0.1.",
        subcommands = {SandboxCommand.Salesforce.class, SandboxCommand.Clarity.class, SandboxControlCommand.class})
public final class SandboxCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static void blockUntilStopped(AutoCloseable sandbox) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                sandbox.close();
            } catch (Exception e) {
                System.err.println("sandbox did not stop cleanly: " + e.getMessage());
            }
            stopped.countDown();
        }, "sandbox-shutdown"));
        stopped.await();
    }

    @Command(name = "salesforce", mixinStandardHelpOptions = true,
            description = "The Salesforce sandbox: OAuth 2.0 token endpoint and REST API under /services/data/.")
    static final class Salesforce implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "8081", description = "TCP port (0 = any free port; default ${DEFAULT-VALUE})")
        int port;
        @Option(names = "--client-id", defaultValue = "tandem-sandbox", description = "Connected-app consumer key (default ${DEFAULT-VALUE})")
        String clientId;
        @Option(names = "--client-secret", defaultValue = "sandbox-secret", description = "Connected-app consumer secret (default ${DEFAULT-VALUE})")
        String clientSecret;
        @Option(names = "--daily-api-limit", defaultValue = "100000", description = "API requests per day before 403 REQUEST_LIMIT_EXCEEDED (default ${DEFAULT-VALUE})")
        long dailyApiLimit;
        @Option(names = "--latency-ms", defaultValue = "0", description = "Latency added to every data call, in ms (default ${DEFAULT-VALUE})")
        long latencyMillis;
        @Option(names = "--error-rate", defaultValue = "0", description = "Share of data calls answered 503 (default ${DEFAULT-VALUE})")
        double errorRate;
        @Option(names = "--lock-error-rate", defaultValue = "0", description = "Share of writes failing with UNABLE_TO_LOCK_ROW (default ${DEFAULT-VALUE})")
        double lockErrorRate;
        @Option(names = "--user", defaultValue = "integration@tandem.sandbox", description = "Integration user name (the JWT sub) (default ${DEFAULT-VALUE})")
        String user;
        @Option(names = "--jwt-cert", paramLabel = "PEM", description = "Certificate or public key (PEM) that verifies JWT bearer assertions; without it the JWT flow is refused")
        java.nio.file.Path jwtCert;
        @Option(names = "--duplicate-rule", description = "Turn on the Contact-by-Email duplicate rule (DUPLICATES_DETECTED)")
        boolean duplicateRule;
        @Option(names = "--person-accounts", description = "An org with Person Accounts enabled (the PersonAccount record type, IsPersonAccount, Person* fields, the implicit person contact)")
        boolean personAccounts;
        @Option(names = "--currencies", split = ",", paramLabel = "ISO", description = "An org with multiple currencies, these active ISO 4217 codes, the corporate one first (e.g. USD,EUR,GBP): records carry CurrencyIsoCode, price book entries are per currency")
        java.util.List<String> currencies = java.util.List.of();
        @Option(names = "--pubsub-port", defaultValue = "0", description = "Port of the Pub/Sub API (gRPC) server for Change Data Capture and platform events (0 = any free port; default ${DEFAULT-VALUE})")
        int pubSubPort;
        @Option(names = "--pubsub-plaintext", description = "Serve the Pub/Sub API without TLS (tests); by default TLS with a self-signed certificate written to a file")
        boolean pubSubPlaintext;

        @Override
        public Integer call() throws InterruptedException, java.io.IOException {
            if (errorRate < 0 || errorRate > 1 || lockErrorRate < 0 || lockErrorRate > 1 || latencyMillis < 0 || dailyApiLimit < 1) {
                throw new IllegalArgumentException("--error-rate and --lock-error-rate must be in [0,1], --latency-ms >= 0, --daily-api-limit >= 1");
            }
            SalesforceSandbox.Builder builder = SalesforceSandbox.builder().port(port).clientId(clientId)
                    .clientSecret(clientSecret).dailyApiLimit(dailyApiLimit).user(user)
                    .contactDuplicateRuleByEmail(duplicateRule).personAccounts(personAccounts).currencies(currencies).pubSubPort(pubSubPort)
                    .pubSubPlaintext(pubSubPlaintext);
            if (jwtCert != null) {
                java.security.PublicKey key = dev.tandem.sandbox.salesforce.auth.JwtKeys.fromPem(jwtCert);
                if (!(key instanceof java.security.interfaces.RSAPublicKey rsa)) {
                    throw new IllegalArgumentException("--jwt-cert must hold an RSA key (RS256), got " + key.getAlgorithm());
                }
                builder.jwtPublicKey(rsa);
            }
            SalesforceSandbox sandbox = builder.build().start();
            sandbox.faults().setServerErrorRate(errorRate);
            sandbox.faults().setLockErrorRate(lockErrorRate);
            sandbox.faults().setLatency(java.time.Duration.ofMillis(latencyMillis));
            System.out.println("Salesforce sandbox at " + sandbox.baseUrl());
            System.out.println("  token:         POST " + sandbox.tokenUrl() + "  (grant_type=client_credentials)");
            System.out.println("  client id:     " + sandbox.clientId());
            System.out.println("  client secret: " + sandbox.clientSecret());
            System.out.println("  try: curl -s -u " + sandbox.clientId() + ":" + sandbox.clientSecret()
                    + " -d grant_type=client_credentials " + sandbox.tokenUrl());
            System.out.println("  user:          " + sandbox.username() + (jwtCert != null ? " (JWT bearer enabled)" : ""));
            if (personAccounts) {
                System.out.println("  org:           Person Accounts enabled (GET /_sandbox/person-accounts)");
            }
            if (!currencies.isEmpty()) {
                System.out.println("  org:           multiple currencies " + String.join(", ", currencies)
                        + " (corporate " + currencies.get(0) + ")");
            }
            sandbox.pubSub().ifPresent(pubSub -> {
                System.out.println("  pubsub:        " + pubSub.endpoint() + " (gRPC eventbus.v1.PubSub, "
                        + (pubSub.plaintext() ? "plaintext)" : "TLS)"));
                System.out.println("  pubsub port:   " + pubSub.port());
                pubSub.certificatePath().ifPresent(cert -> System.out.println("  pubsub cert:   " + cert));
            });
            System.out.println("  control: tandem sandbox control --url " + sandbox.baseUrl()
                    + " faults|revoke-tokens|exhaust-limit|refresh-token|reset|dump|stats");
            System.out.println("  cdc control:   cdc|cdc-events|cdc-entities|gap|expire-replay-ids|as-user|as-integration-user"
                    + "|pubsub|pause|resume|drop-stream");
            blockUntilStopped(sandbox);
            return 0;
        }
    }

    @Command(name = "clarity", mixinStandardHelpOptions = true,
            description = "The Clarity (CEF) sandbox: session login, the CEF REST routes and the webhook extension.")
    static final class Clarity implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "8082", description = "TCP port (0 = any free port; default ${DEFAULT-VALUE})")
        int port;
        @Option(names = "--user", defaultValue = "tandem", description = "Integration user name (default ${DEFAULT-VALUE})")
        String user;
        @Option(names = "--password", defaultValue = "tandem-sandbox", description = "Integration user password (default ${DEFAULT-VALUE})")
        String password;
        @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated catalog and customers (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--customers", defaultValue = "50", description = "Customers to generate (default ${DEFAULT-VALUE})")
        int customers;
        @Option(names = "--products", defaultValue = "40", description = "Products to generate (default ${DEFAULT-VALUE})")
        int products;
        @Option(names = "--orders", defaultValue = "0", description = "Orders to generate at start (default ${DEFAULT-VALUE})")
        int orders;
        @Option(names = "--edge-case-rate", defaultValue = "0", description = "Share of awkward data: missing last names, unicode and over-long names, odd phones, zero-quantity lines, discontinued products (default ${DEFAULT-VALUE})")
        double edgeCaseRate;
        @Option(names = "--inventory-locations", defaultValue = "3", description = "Warehouses, 1-4 (default ${DEFAULT-VALUE})")
        int inventoryLocations;
        @Option(names = "--read-only-user", paramLabel = "NAME:PASSWORD", description = "A second login that may only read (403 on writes)")
        String readOnlyUser;
        @Option(names = "--latency-ms", defaultValue = "0", description = "Latency added to every CEF route, in ms (default ${DEFAULT-VALUE})")
        long latencyMillis;
        @Option(names = "--error-rate", defaultValue = "0", description = "Share of CEF requests failing (default ${DEFAULT-VALUE})")
        double errorRate;
        @Option(names = "--error-status", defaultValue = "503", description = "Status of those failures: 500 or 503 (default ${DEFAULT-VALUE})")
        int errorStatus;

        @Override
        public Integer call() throws InterruptedException {
            if (orders < 0 || customers < 0 || products < 1) {
                throw new IllegalArgumentException("--orders and --customers must be >= 0, --products >= 1");
            }
            if (edgeCaseRate < 0 || edgeCaseRate > 1 || errorRate < 0 || errorRate > 1 || latencyMillis < 0
                    || (errorStatus != 500 && errorStatus != 503) || inventoryLocations < 1 || inventoryLocations > 4) {
                throw new IllegalArgumentException("--edge-case-rate and --error-rate must be in [0,1], --latency-ms >= 0, "
                        + "--error-status 500 or 503, --inventory-locations 1-4");
            }
            ClaritySandbox.Builder builder = ClaritySandbox.builder().port(port).user(user).password(password).seed(seed)
                    .customers(customers).products(products).orders(orders).edgeCaseRate(edgeCaseRate)
                    .inventoryLocations(inventoryLocations).errorRate(errorRate).errorStatus(errorStatus);
            if (latencyMillis > 0) {
                builder.latency(java.time.Duration.ofMillis(latencyMillis));
            }
            if (readOnlyUser != null) {
                int colon = readOnlyUser.indexOf(':');
                if (colon < 1 || colon == readOnlyUser.length() - 1) {
                    throw new IllegalArgumentException("--read-only-user must look like NAME:PASSWORD");
                }
                builder.readOnlyUser(readOnlyUser.substring(0, colon), readOnlyUser.substring(colon + 1));
            }
            ClaritySandbox sandbox = builder.build().start();
            System.out.println("Clarity sandbox at " + sandbox.baseUrl());
            System.out.println("  user:     " + sandbox.user());
            System.out.println("  password: " + sandbox.password());
            System.out.println("  try: curl -s -u " + sandbox.user() + ":" + sandbox.password() + " "
                    + sandbox.baseUrl() + "/Ordering/SalesOrders?Paging=%7BSize:5,StartIndex:1%7D");
            System.out.println("  control: tandem sandbox control --clarity --url http://127.0.0.1:" + sandbox.port()
                    + " faults|expire-sessions|reset|dump|stats");
            blockUntilStopped(sandbox);
            return 0;
        }
    }
}
