package dev.tandem.clarity.webhook;

import com.sun.net.httpserver.HttpServer;
import dev.tandem.core.connector.Ingest;
import dev.tandem.core.connector.WebhookHeaders;
import dev.tandem.core.connector.WebhookReply;
import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.RecordRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The customer events of the Clarity sandbox's webhook extension (written separately from the same spec,
 * clarity-api.md §11), signed and posted for real, through {@link ClarityWebhookSource}: they land as
 * {@link InboundEvent}s with the CEF entity, its ID and its CustomKey, so a retry of dead letters can find the
 * records that name them.
 */
class ClarityCustomerWebhookSandboxTest {

    private static final String SECRET = "whsec_customers_42";

    private final List<InboundEvent> appended = new CopyOnWriteArrayList<>();
    private final List<Integer> statuses = new CopyOnWriteArrayList<>();
    private final Ingest ingest = events -> events.stream().map(e -> {
        appended.add(e);
        return new AppendResult(appended.size(), false);
    }).toList();
    private ClaritySandbox sandbox;
    private HttpServer receiver;

    @BeforeEach
    void start() throws IOException {
        ClarityWebhookSource source = new ClarityWebhookSource(CidrAllowlist.parse(List.of()),
                new WebhookSignatureVerifier(List.of(SECRET), Duration.ofMinutes(5), Clock.systemUTC()),
                new ClarityWebhookParser());
        source.start(ingest);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext(ClarityWebhookSource.PATH, exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            WebhookReply reply = source.receive("127.0.0.1", WebhookHeaders.of(exchange.getRequestHeaders()), body);
            statuses.add(reply.status());
            exchange.sendResponseHeaders(reply.status(), -1);
            exchange.close();
        });
        receiver.start();
        sandbox = ClaritySandbox.builder().seed(3).customers(3).products(2).build().start();
        sandbox.webhooks().subscribe("http://127.0.0.1:" + receiver.getAddress().getPort()
                + ClarityWebhookSource.PATH, SECRET, "Customer.*");
    }

    @AfterEach
    void stop() {
        sandbox.close();
        receiver.stop(0);
    }

    @Test
    void aContactsFixedLastNameArrivesAsCustomerUpdatedAboutThatContact() {
        RecordRef contact = sandbox.customers().renameContact(9002, null, "Lovelace");

        await().atMost(Duration.ofSeconds(10)).until(() -> appended.size() == 1);
        assertThat(statuses).containsExactly(202);
        assertThat(appended).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo("clarity");
            assertThat(e.type()).isEqualTo("Customer.Updated");
            assertThat(e.entity()).isEqualTo("Contact");
            assertThat(e.entityId()).isEqualTo(Integer.toString(contact.id()));
            assertThat(e.entityKey()).isEqualTo(contact.customKey());
            assertThat(e.payload()).contains("\"Entity\":\"Contact\"");
        });
    }

    @Test
    void aNewCustomerArrivesAsCustomerCreatedForItsAccountAndItsUser() {
        RecordRef account = sandbox.customers().createRandomCustomer();

        await().atMost(Duration.ofSeconds(10)).until(() -> appended.size() == 2);
        assertThat(statuses).containsOnly(202);
        assertThat(appended).extracting(InboundEvent::type).containsOnly("Customer.Created");
        assertThat(appended).extracting(InboundEvent::entity).containsExactlyInAnyOrder("Account", "User");
        assertThat(appended).filteredOn(e -> e.entity().equals("Account")).singleElement().satisfies(e -> {
            assertThat(e.entityId()).isEqualTo(Integer.toString(account.id()));
            assertThat(e.entityKey()).isEqualTo(account.customKey());
        });
    }
}
