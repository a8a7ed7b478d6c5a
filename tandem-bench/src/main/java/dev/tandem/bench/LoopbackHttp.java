package dev.tandem.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The load harnesses' HTTP side: {@code clients} java.net.http clients speaking HTTP/1.1 with keep-alive (each
 * pools its own connections and has its own selector thread), and a worker-to-client assignment. Refuses any URL
 * that is not on 127.0.0.1: benchmarks talk to the in-process sandboxes over loopback only.
 */
final class LoopbackHttp implements AutoCloseable {

    private final List<HttpClient> clients = new ArrayList<>();
    private final List<ExecutorService> executors = new ArrayList<>();

    /**
     * @param count       how many independent clients to spread the workers over
     * @param virtualPool run each client's internal tasks on virtual threads instead of its default cached pool
     */
    LoopbackHttp(int count, boolean virtualPool) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one HTTP client is needed");
        }
        for (int i = 0; i < count; i++) {
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(HttpClient.Redirect.NEVER);
            if (virtualPool) {
                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
                executors.add(executor);
                builder.executor(executor);
            }
            clients.add(builder.build());
        }
    }

    /** The client a worker uses: workers are spread round-robin, so each keeps its connections warm. */
    HttpClient forWorker(int worker) {
        return clients.get(worker % clients.size());
    }

    static URI loopback(String url) {
        URI uri = URI.create(url);
        if (!"127.0.0.1".equals(uri.getHost())) {
            throw new IllegalArgumentException("benchmarks only talk to 127.0.0.1, not " + uri.getHost());
        }
        return uri;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        clients.forEach(HttpClient::close);
        executors.forEach(ExecutorService::close);
    }
}
