package dev.tandem.server.e2e;

import dev.tandem.server.config.TandemConfig;
import dev.tandem.server.demo.Demo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs one of tandem-console's browser scripts ({@code e2e/NAME.mjs}, built on {@code e2e/lib.mjs}) with node:
 * playwright-core driving Debian's headless Chromium against a running server. Fails with the way to get what is
 * missing (Chromium, the console's node_modules), and with the script's log when a check fails. Screenshots go to
 * {@code target/console-screenshots/}.
 */
final class BrowserScript {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    static final Path CONSOLE = Path.of("..", "tandem-console").toAbsolutePath().normalize();
    static final Path FIREFOX = Path.of(System.getenv().getOrDefault("FIREFOX", "/usr/bin/firefox-esr"));
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots").toAbsolutePath();

    private BrowserScript() {
    }

    /**
     * A {@code tandem demo} for a browser test, run until its first {@code orders} orders are synced (webhook
     * ingest, the data's random seed {@code seed}, no faults, its output discarded); the caller closes it.
     */
    static Demo startDemo(Path dataDir, int orders, long seed) throws Exception {
        Demo demo = new Demo(new Demo.Options(orders, 50, seed, 0, 0, dataDir, Duration.ofSeconds(60),
                TandemConfig.Ingest.WEBHOOK), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                false);
        try {
            demo.run(true);
            return demo;
        } catch (Exception | Error e) {
            demo.close();
            throw e;
        }
    }

    /** A REST client of the demo's Salesforce sandbox, signed in as the demo's connected app. */
    static SalesforceRest salesforce(Demo demo) {
        return new SalesforceRest(demo.salesforce().baseUrl(), demo.salesforce().tokenUrl(),
                demo.salesforce().clientId(), demo.salesforce().clientSecret());
    }

    /** Fails the test (not skips: CI installs Chromium) when the browser or playwright-core is missing. */
    static void requireBrowser() {
        if (!Files.isExecutable(CHROMIUM)) {
            fail("The console's browser tests need Chromium at " + CHROMIUM + ", and there is none: install it with "
                    + "`apt-get update && apt-get install -y chromium` (Debian's package; .ci/run does this), or "
                    + "set CHROMIUM to another Chromium binary");
        }
        if (!Files.isDirectory(CONSOLE.resolve("node_modules/playwright-core"))) {
            fail("The console's browser tests run scripts in " + CONSOLE.resolve("e2e") + " with playwright-core, "
                    + "which is not installed: build tandem-console first (`./mvnw -pl tandem-console package` runs "
                    + "npm ci)");
        }
    }

    /** Fails the test when Debian's Firefox ESR or puppeteer-core (which drives it over WebDriver BiDi) is missing. */
    static void requireFirefox() {
        if (!Files.isExecutable(FIREFOX)) {
            fail("The console's Firefox test needs Firefox at " + FIREFOX + ", and there is none: install it with "
                    + "`apt-get update && apt-get install -y firefox-esr` (Debian's package; .ci/run does this), or "
                    + "set FIREFOX to another Firefox binary");
        }
        if (!Files.isDirectory(CONSOLE.resolve("node_modules/puppeteer-core"))) {
            fail("The console's Firefox test runs " + CONSOLE.resolve("e2e/firefox-e2e.mjs") + " with puppeteer-core, "
                    + "which is not installed: build tandem-console first (`./mvnw -pl tandem-console package` runs "
                    + "npm ci)");
        }
    }

    /** As {@link #run}, for a Firefox script (FIREFOX in its environment). */
    static String runFirefox(String script, Map<String, String> environment, int timeoutSeconds) throws Exception {
        requireFirefox();
        Map<String, String> withFirefox = new java.util.HashMap<>(environment);
        withFirefox.put("FIREFOX", FIREFOX.toString());
        return exec(script, withFirefox, timeoutSeconds);
    }

    /**
     * Runs {@code e2e/<script>} with the environment given plus SCREENSHOTS and CHROMIUM; asserts that it finished
     * within the timeout with exit code 0 and printed {@code "ok":true}. Returns its log.
     */
    static String run(String script, Map<String, String> environment, int timeoutSeconds) throws Exception {
        requireBrowser();
        return exec(script, environment, timeoutSeconds);
    }

    private static String exec(String script, Map<String, String> environment, int timeoutSeconds) throws Exception {
        Path logFile = Path.of("target", script.replace(".mjs", "") + ".log").toAbsolutePath();
        Files.createDirectories(logFile.getParent());
        ProcessBuilder pb = new ProcessBuilder("node", "e2e/" + script).directory(CONSOLE.toFile())
                .redirectErrorStream(true).redirectOutput(logFile.toFile());
        pb.environment().putAll(environment);
        pb.environment().put("SCREENSHOTS", SCREENSHOTS.toString());
        pb.environment().put("CHROMIUM", CHROMIUM.toString());
        Process node = pb.start();
        boolean finished = node.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            node.destroyForcibly();
        }
        String log = Files.readString(logFile);
        assertThat(finished).as("the browser test " + script + " finished within " + timeoutSeconds + " s:\n" + log)
                .isTrue();
        assertThat(node.exitValue()).as("the browser test " + script + ":\n" + log).isZero();
        assertThat(log).contains("\"ok\":true");
        return log;
    }
}
