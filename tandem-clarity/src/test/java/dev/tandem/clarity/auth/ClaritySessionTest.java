package dev.tandem.clarity.auth;

import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.clarity.testing.FakeClarity;
import dev.tandem.clarity.testing.FakeHttpServer.Response;
import dev.tandem.core.error.IntegrationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ClaritySessionTest {

    private final FakeClarity clarity = new FakeClarity();
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpClient http = ClarityRestClient.newHttpClient(clarity.config());
    private final ClaritySession session = new ClaritySession(clarity.config(), http);

    @AfterEach
    void stop() {
        release.countDown();
        http.close();
        clarity.close();
    }

    @Test
    void keepsThePermanentAndTemporarySessionIdsFromTheCookies() {
        SessionToken token = session.current();

        assertThat(token).isEqualTo(new SessionToken("pid-1", "id-1"));
        assertThat(token.toString()).doesNotContain("pid-1").doesNotContain("id-1");
    }

    @Test
    void invalidatingTheCurrentSessionLogsInAgain() {
        SessionToken first = session.current();

        session.invalidate(first);

        assertThat(session.current().permanentId()).isEqualTo("pid-2");
    }

    @Test
    void invalidatingAnAlreadyReplacedSessionKeepsTheNewOne() {
        SessionToken first = session.current();
        session.invalidate(first);
        SessionToken second = session.current();

        session.invalidate(first);

        assertThat(session.current()).isEqualTo(second);
        assertThat(clarity.logins()).isEqualTo(2);
    }

    @Test
    void concurrentCallersShareOneLogin() throws Exception {
        clarity.http().on("POST", FakeClarity.LOGIN_PATH, r -> {
            release.await(10, TimeUnit.SECONDS);
            return Response.json(200, "{\"SessionId\":\"shared-id\"}").withHeader("Set-Cookie", "ss-pid=shared; path=/");
        });
        List<Future<SessionToken>> callers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                callers.add(threads.submit(session::current));
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> clarity.http().requests("POST", FakeClarity.LOGIN_PATH).size() == 1);
            release.countDown();
            for (Future<SessionToken> caller : callers) {
                assertThat(caller.get(5, TimeUnit.SECONDS).permanentId()).isEqualTo("shared");
            }
        }
        assertThat(clarity.http().requests("POST", FakeClarity.LOGIN_PATH)).hasSize(1);
    }

    @Test
    void aLoginAnswerWithoutSessionIsAPermanentFailure() {
        clarity.http().on("POST", FakeClarity.LOGIN_PATH, r -> Response.json(200, "{\"UserId\":\"42\"}"));

        assertThatThrownBy(session::current)
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("CLARITY_LOGIN_FAILED");
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void aLoginServerErrorIsRetryable() {
        clarity.http().on("POST", FakeClarity.LOGIN_PATH, r -> Response.json(502, "{}"));

        assertThatThrownBy(session::current)
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(502);
                    assertThat(e.retryable()).isTrue();
                });
    }
}
