package dev.tandem.clarity.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.testing.FakeClarity;
import dev.tandem.clarity.testing.FakeHttpServer;
import dev.tandem.clarity.testing.FakeHttpServer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static dev.tandem.clarity.testing.FakeClarity.BASE_PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ClarityRestClient#fetchByIds}: repeated IDs, one list call per chunk of 100, retries, missing ids absent. */
class ClarityFetchByIdsTest {

    private static final String LIST = BASE_PATH + "/Ordering/SalesOrders";

    private final FakeClarity clarity = new FakeClarity();
    private final FakeHttpServer http = clarity.http();
    private final ClarityRestClient client = clarity.client();

    @AfterEach
    void stop() {
        client.close();
        clarity.close();
    }

    private static List<String> ids(FakeHttpServer.Request request) {
        List<String> ids = new ArrayList<>();
        for (String part : request.rawQuery().split("&")) {
            if (part.startsWith("IDs=")) {
                ids.add(part.substring(4));
            }
        }
        return ids;
    }

    private static String paging(FakeHttpServer.Request request) {
        for (String part : request.rawQuery().split("&")) {
            if (part.startsWith("Paging=")) {
                return URLDecoder.decode(part.substring(7), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** A list route answering the asked-for ids that are even (odd ones "do not exist"). */
    private FakeHttpServer.Handler evenOrders() {
        return clarity.authenticated(request -> {
            List<String> rows = ids(request).stream().filter(id -> Integer.parseInt(id) % 2 == 0)
                    .map(id -> "{\"ID\":" + id + ",\"CustomKey\":\"SO-" + id + "\",\"SalesItems\":[]}").toList();
            return Response.json(200, "{\"TotalPages\":1,\"CurrentPage\":1,\"TotalCount\":" + rows.size()
                    + ",\"CurrentCount\":" + rows.size() + ",\"Results\":[" + String.join(",", rows) + "]}");
        });
    }

    @Test
    void twoHundredFiftyIdsTakeThreeListCallsOfAtMostAHundredIds() {
        http.on("GET", LIST, evenOrders());
        List<String> wanted = IntStream.rangeClosed(5001, 5250).mapToObj(Integer::toString).toList();

        Map<String, ObjectNode> found = client.fetchByIds("SalesOrder", wanted);

        List<FakeHttpServer.Request> calls = http.requests("GET", LIST);
        assertThat(calls).hasSize(3);
        assertThat(calls).extracting(c -> ids(c).size()).containsExactly(100, 100, 50);
        assertThat(calls).extracting(ClarityFetchByIdsTest::paging)
                .containsExactly("{Size:100,StartIndex:1}", "{Size:100,StartIndex:1}", "{Size:50,StartIndex:1}");
        assertThat(found).hasSize(125);
        assertThat(found.keySet()).allSatisfy(id -> assertThat(Integer.parseInt(id) % 2).isZero());
        assertThat(found.keySet()).first().isEqualTo("5002");
        assertThat(found.get("5100").path("CustomKey").asText()).isEqualTo("SO-5100");
    }

    @Test
    void duplicateAndZeroPaddedIdsAreAskedForOnce() {
        http.on("GET", LIST, evenOrders());

        Map<String, ObjectNode> found = client.fetchByIds("SalesOrder", List.of("5002", "05002", "5002", "5003"));

        assertThat(ids(http.requests("GET", LIST).getFirst())).containsExactly("5002", "5003");
        assertThat(found).containsOnlyKeys("5002");
    }

    @Test
    void noIdsMeansNoCall() {
        assertThat(client.fetchByIds("SalesOrder", List.of())).isEmpty();
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void rowsNotAskedForAreIgnored() {
        http.on("GET", LIST, clarity.authenticated(r -> Response.json(200, "{\"TotalPages\":1,\"CurrentPage\":1,"
                + "\"TotalCount\":2,\"CurrentCount\":2,\"Results\":[{\"ID\":1},{\"ID\":2}]}")));

        assertThat(client.fetchByIds("SalesOrder", List.of("2"))).containsOnlyKeys("2");
    }

    @Test
    void aServiceUnavailableAnswerIsRetriedLikeFetch() {
        AtomicInteger calls = new AtomicInteger();
        FakeHttpServer.Handler even = evenOrders();
        http.on("GET", LIST, request -> calls.incrementAndGet() == 1
                ? new Response(503, "<html>Service Unavailable</html>", List.of()) : even.handle(request));

        Map<String, ObjectNode> found = client.fetchByIds("SalesOrder", List.of("2", "4"));

        assertThat(found).containsOnlyKeys("2", "4");
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void aNonNumericIdOrUnknownEntityIsRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> client.fetchByIds("SalesOrder", List.of("1", "SO-1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.fetchByIds("Invoice", List.of("1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(http.requests()).isEmpty();
    }
}
