package dev.tandem.server.cli;

import dev.tandem.server.TandemServer;
import dev.tandem.server.config.ConfigLoader;
import dev.tandem.server.config.TandemConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Runs Tandem against the Clarity and Salesforce endpoints named in the config file "
                + "(see docs/configuration.md). Stops cleanly on SIGTERM or Ctrl-C.")
public final class ServerCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "tandem.yaml")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        TandemConfig cfg = ConfigLoader.fromSystemEnvironment().load(config);
        cfg.logging().format().apply();
        TandemServer server = TandemServer.start(cfg);
        System.out.println("Tandem is running: webhooks at " + server.webhookUrl() + ", admin API at "
                + server.baseUrl().resolve("/api/v1") + " (tokens: tandem tokens create), health at "
                + server.baseUrl().resolve("/health") + ", metrics at " + server.baseUrl().resolve("/metrics"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "tandem-shutdown"));
        stopped.await();
        return 0;
    }
}
