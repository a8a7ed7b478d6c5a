package dev.tandem.sandbox.salesforce;

import static dev.tandem.sandbox.salesforce.SandboxClient.V;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Starts a fresh sandbox org per test and logs a raw HTTP client in. */
abstract class SandboxTestSupport {

    static {
        TestLogging.quietServerLogs();
    }

    protected SalesforceSandbox sandbox;
    protected SandboxClient client;

    protected SalesforceSandbox.Builder configure(SalesforceSandbox.Builder builder) {
        return builder;
    }

    @BeforeEach
    void startSandbox() {
        sandbox = configure(SalesforceSandbox.builder().randomSeed(42)).build().start();
        client = new SandboxClient(sandbox);
        client.login();
    }

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    protected String account(String key) {
        return client.create("Account", Map.of("Name", "Account " + key, "Clarity_Account_Key__c", key));
    }

    protected static String sobject(String type) {
        return V + "/sobjects/" + type;
    }
}
