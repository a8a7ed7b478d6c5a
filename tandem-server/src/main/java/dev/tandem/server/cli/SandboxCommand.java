package dev.tandem.server.cli;

import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = "Runs one emulator of an external system alone on 127.0.0.1.",
        subcommands = {SandboxCommand.Salesforce.class, SandboxCommand.Clarity.class})
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

        @Override
        public Integer call() throws InterruptedException {
            if (errorRate < 0 || errorRate > 1 || lockErrorRate < 0 || lockErrorRate > 1 || latencyMillis < 0 || dailyApiLimit < 1) {
                throw new IllegalArgumentException("--error-rate and --lock-error-rate must be in [0,1], --latency-ms >= 0, --daily-api-limit >= 1");
            }
            SalesforceSandbox sandbox = SalesforceSandbox.builder().port(port).clientId(clientId).clientSecret(clientSecret)
                    .dailyApiLimit(dailyApiLimit).build().start();
            sandbox.faults().setServerErrorRate(errorRate);
            sandbox.faults().setLockErrorRate(lockErrorRate);
            sandbox.faults().setLatency(java.time.Duration.ofMillis(latencyMillis));
            System.out.println("Salesforce sandbox at " + sandbox.baseUrl());
            System.out.println("  token:         POST " + sandbox.tokenUrl() + "  (grant_type=client_credentials)");
            System.out.println("  client id:     " + sandbox.clientId());
            System.out.println("  client secret: " + sandbox.clientSecret());
            System.out.println("  try: curl -s -u " + sandbox.clientId() + ":" + sandbox.clientSecret()
                    + " -d grant_type=client_credentials " + sandbox.tokenUrl());
            System.out.println("  control: " + sandbox.baseUrl() + "/_sandbox/ (faults, revoke-tokens, reset, stats)");
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

        @Override
        public Integer call() throws InterruptedException {
            if (orders < 0 || customers < 0 || products < 1) {
                throw new IllegalArgumentException("--orders and --customers must be >= 0, --products >= 1");
            }
            ClaritySandbox sandbox = ClaritySandbox.builder().port(port).user(user).password(password).seed(seed)
                    .customers(customers).products(products).build().start();
            sandbox.orders().createRandomOrders(orders, dev.tandem.sandbox.clarity.BadData.NONE);
            System.out.println("Clarity sandbox at " + sandbox.baseUrl());
            System.out.println("  user:     " + sandbox.user());
            System.out.println("  password: " + sandbox.password());
            System.out.println("  try: curl -s -u " + sandbox.user() + ":" + sandbox.password() + " "
                    + sandbox.baseUrl() + "/Ordering/SalesOrders?Paging=%7BSize:5,StartIndex:1%7D");
            blockUntilStopped(sandbox);
            return 0;
        }
    }
}
