package dev.tandem.sandbox.clarity;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a Clarity sandbox from the command line for demos:
 * {@code java dev.tandem.sandbox.clarity.ClaritySandboxMain --port=8081 --seed=42 --customers=50 --products=40
 * --user=tandem --password=tandem-sandbox --orders=10 --edge-case-rate=0.1 --inventory-locations=3
 * --read-only-user=viewer:viewer-password --latency-ms=50 --error-rate=0.05 --error-status=503}. It stops on Ctrl-C.
 */
public final class ClaritySandboxMain {

    private ClaritySandboxMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ClaritySandbox.Builder builder = ClaritySandbox.builder().port(8081);
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("Expected --name=value, got " + arg);
            }
            String value = pair[1];
            switch (pair[0]) {
                case "port" -> builder.port(Integer.parseInt(value));
                case "seed" -> builder.seed(Long.parseLong(value));
                case "customers" -> builder.customers(Integer.parseInt(value));
                case "products" -> builder.products(Integer.parseInt(value));
                case "user" -> builder.user(value);
                case "password" -> builder.password(value);
                case "webhook-retry-initial-ms" -> builder.webhookRetryInitial(Duration.ofMillis(Long.parseLong(value)));
                case "webhook-retry-max-ms" -> builder.webhookRetryMax(Duration.ofMillis(Long.parseLong(value)));
                case "orders" -> builder.orders(Integer.parseInt(value));
                case "edge-case-rate" -> builder.edgeCaseRate(Double.parseDouble(value));
                case "inventory-locations" -> builder.inventoryLocations(Integer.parseInt(value));
                case "read-only-user" -> {
                    String[] login = value.split(":", 2);
                    if (login.length != 2) {
                        throw new IllegalArgumentException("Expected --read-only-user=name:password");
                    }
                    builder.readOnlyUser(login[0], login[1]);
                }
                case "latency-ms" -> builder.latency(Duration.ofMillis(Long.parseLong(value)));
                case "error-rate" -> builder.errorRate(Double.parseDouble(value));
                case "error-status" -> builder.errorStatus(Integer.parseInt(value));
                default -> throw new IllegalArgumentException("Unknown option --" + pair[0]);
            }
        }
        ClaritySandbox sandbox = builder.build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }, "clarity-sandbox-shutdown"));
        System.out.println("Clarity sandbox: " + sandbox.baseUrl() + " (user " + sandbox.user() + "), control API: "
                + sandbox.controlUrl());
        stopped.await();
    }
}
