package dev.tandem.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.dataformat.JsonLibrary;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;

/**
 * The Apache Camel peer of {@code OrderSyncLoad --target camel} (issue 7 item 9): the same work as Tandem's order
 * sync, as a Camel developer would write it, in memory and non-durable (a crash loses what is queued or in flight).
 *
 * <pre>
 * platform-http (Vert.x) POST /webhooks/clarity → verify X-Clarity-Signature (HMAC-SHA256) → seda:orders (InOnly) → 202
 * seda:orders?concurrentConsumers=N → direct:fetchOrder (camel-http GET the order from Clarity, X-ss-pid session)
 *   → Jackson → map to ONE Composite Graph (Account, Contact, Order upserted by Clarity key, one OrderItem per line and
 *     per charge, as flows/clarity-order-to-salesforce.jsonata; PricebookEntry ids from a cache loaded by SOQL at start,
 *     a missing product created once) → direct:postGraph (camel-http POST /composite/graph, OAuth client credentials)
 * errors: the default error handler redelivers the failed sub-route 5 times (200 ms, ×2), in memory
 * </pre>
 *
 * Started by the harness as {@code java -cp benchmarks.jar dev.tandem.bench.peers.CamelOrderSyncPeer --port ...}.
 */
public final class CamelOrderSyncPeer {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String V = "/services/data/v64.0";

    private CamelOrderSyncPeer() {
    }

    record Config(int port, String clarityUrl, String clarityUser, String clarityPassword, String sfUrl,
                  String sfClientId, String sfClientSecret, String secret, int consumers) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Config config = new Config(Integer.parseInt(a.getOrDefault("port", "8080")), a.get("clarity-url"),
                a.get("clarity-user"), a.get("clarity-password"), a.get("sf-url"), a.get("sf-client-id"),
                a.get("sf-client-secret"), a.get("secret"), Integer.parseInt(a.getOrDefault("consumers", "50")));
        Main main = new Main();
        main.configure().withName("tandem-peer-camel").withJmxEnabled(false);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport m) {
                CamelContext context = m.getCamelContext();
                // what camel-platform-http-main does for camel.server.*: one Vert.x HTTP server for platform-http
                VertxPlatformHttpServerConfiguration server = new VertxPlatformHttpServerConfiguration();
                server.setBindHost("127.0.0.1");
                server.setBindPort(config.port());
                try {
                    context.addService(new VertxPlatformHttpServer(server), true, true);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                // camel-http's pool: 20 connections per host by default, fewer than the consumers
                HttpComponent http = context.getComponent("http", HttpComponent.class);
                http.setConnectionsPerRoute(Math.max(20, config.consumers() * 2));
                http.setMaxTotalConnections(Math.max(200, config.consumers() * 4));
            }
        });
        main.configure().addRoutesBuilder(new OrderRoutes(config));
        main.run();
    }

    /** The routes. */
    static final class OrderRoutes extends RouteBuilder {
        private final Config config;
        private final Sessions sessions = new Sessions();
        private final Map<String, CompletableFuture<String>> entries = new ConcurrentHashMap<>();
        private volatile String pricebookId;
        private volatile Map<String, String> recordTypes;
        private volatile boolean ready;
        private ProducerTemplate template;

        /** One producer template for the set-up calls and the product creations (thread-safe). */
        private synchronized ProducerTemplate template() {
            if (template == null) {
                template = getContext().createProducerTemplate();
            }
            return template;
        }

        OrderRoutes(Config config) {
            this.config = config;
        }

        @Override
        public void configure() {
            errorHandler(defaultErrorHandler().maximumRedeliveries(5).redeliveryDelay(200).backOffMultiplier(2)
                    .retryAttemptedLogLevel(org.apache.camel.LoggingLevel.DEBUG)
                    .onRedelivery(e -> {
                        // a 401 means the Clarity session or the Salesforce token expired: log in again
                        if (e.getException() instanceof HttpOperationFailedException f && f.getStatusCode() == 401) {
                            sessions.invalidate();
                        }
                    }));

            from("timer:setup?repeatCount=1&delay=0").routeId("setup").process(this::setUp);

            from("platform-http:/health?httpMethodRestrict=GET").routeId("health")
                    .process(e -> {
                        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, ready ? 200 : 503);
                        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                        e.getMessage().setBody(ready ? "{\"status\":\"UP\"}" : "{\"status\":\"STARTING\"}");
                    });

            from("platform-http:/webhooks/clarity?httpMethodRestrict=POST").routeId("webhook")
                    .process(this::verify)
                    .choice()
                        .when(exchangeProperty("valid").isEqualTo(false))
                            .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(401))
                            .setBody(constant("{\"error\":\"invalid signature\"}"))
                        .otherwise()
                            .to(ExchangePattern.InOnly, "seda:orders?waitForTaskToComplete=Never&size=1000000")
                            .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(202))
                            .setBody(constant("{\"accepted\":true}"))
                    .end()
                    .removeHeaders("*", Exchange.HTTP_RESPONSE_CODE)
                    .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));

            from("seda:orders?concurrentConsumers=" + config.consumers() + "&size=1000000").routeId("sync")
                    .removeHeaders("*")
                    .to("direct:fetchOrder")
                    .unmarshal().json(JsonLibrary.Jackson, JsonNode.class)
                    .process(this::toGraph)
                    .to("direct:postGraph");

            from("direct:fetchOrder").routeId("fetchOrder").errorHandler(noErrorHandler())
                    .process(e -> {
                        e.getMessage().setHeader("X-ss-pid", sessions.clarity(template()));
                        e.getMessage().setHeader("X-ss-opt", "perm");
                        e.getMessage().setHeader("Accept", "application/json");
                        e.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
                        e.getMessage().setBody(null);
                    })
                    .toD(config.clarityUrl() + "/Ordering/SalesOrder/ID/${exchangeProperty.orderId}");

            from("direct:postGraph").routeId("postGraph").errorHandler(noErrorHandler())
                    .process(e -> {
                        e.getMessage().setBody(e.getProperty("graph", String.class));
                        e.getMessage().setHeader("Authorization", sessions.salesforce(template()));
                        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                        e.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
                    })
                    .to(config.sfUrl() + V + "/composite/graph")
                    .process(e -> {
                        JsonNode graphs = JSON.readTree(e.getMessage().getBody(String.class)).path("graphs");
                        for (JsonNode g : graphs) {
                            if (!g.path("isSuccessful").asBoolean()) {
                                throw new IllegalStateException("graph failed: " + g.path("graphResponse"));
                            }
                        }
                    });
        }

        // ------------------------------------------------------------------------------------------ the steps

        private void setUp(Exchange exchange) throws Exception {
            ProducerTemplate template = template();
            sessions.clarity(template);
            String auth = sessions.salesforce(template);
            pricebookId = query(template, auth, "SELECT Id FROM Pricebook2 WHERE IsStandard = true").get(0).path("Id").asText();
            Map<String, String> types = new HashMap<>();
            for (JsonNode r : query(template, auth, "SELECT Id, DeveloperName FROM RecordType WHERE SobjectType = 'Account'")) {
                types.put(r.path("DeveloperName").asText(), r.path("Id").asText());
            }
            recordTypes = types;
            for (JsonNode r : query(template, auth, "SELECT Id, Product2.Clarity_Product_Key__c FROM PricebookEntry"
                    + " WHERE Pricebook2Id = '" + pricebookId + "' AND IsActive = true")) {
                String key = r.path("Product2").path("Clarity_Product_Key__c").asText("");
                if (!key.isEmpty()) {
                    entries.put(key, CompletableFuture.completedFuture(r.path("Id").asText()));
                }
            }
            ready = true;
        }

        private List<JsonNode> query(ProducerTemplate template, String auth, String soql) throws Exception {
            List<JsonNode> rows = new ArrayList<>();
            String path = V + "/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8);
            while (path != null) {
                String body = template.requestBodyAndHeaders(config.sfUrl() + path, null,
                        Map.of("Authorization", auth, Exchange.HTTP_METHOD, "GET"), String.class);
                JsonNode page = JSON.readTree(body);
                page.path("records").forEach(rows::add);
                path = page.hasNonNull("nextRecordsUrl") ? page.path("nextRecordsUrl").asText() : null;
            }
            return rows;
        }

        /** {@code t=<unix s>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>}, 5 minutes of tolerance. */
        private void verify(Exchange e) throws Exception {
            byte[] body = e.getMessage().getBody(byte[].class);
            String header = e.getMessage().getHeader("X-Clarity-Signature", "", String.class);
            String t = null;
            List<String> v1 = new ArrayList<>();
            for (String part : header.split(",")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    String k = part.substring(0, eq).strip();
                    if (k.equals("t")) {
                        t = part.substring(eq + 1).strip();
                    } else if (k.equals("v1")) {
                        v1.add(part.substring(eq + 1).strip());
                    }
                }
            }
            boolean valid = false;
            if (body != null && t != null && t.matches("[0-9]{1,12}")
                    && Math.abs(Instant.now().getEpochSecond() - Long.parseLong(t)) <= 300) {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(config.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
                byte[] expected = mac.doFinal(body);
                for (String h : v1) {
                    if (h.length() == 64 && h.chars().allMatch(c -> Character.digit(c, 16) >= 0)
                            && MessageDigest.isEqual(HexFormat.of().parseHex(h), expected)) {
                        valid = true;
                    }
                }
            }
            if (valid) {
                JsonNode event = JSON.readTree(body);
                String type = event.path("EventType").asText();
                valid = type.equals("SalesOrder.Created") || type.equals("SalesOrder.Updated");
                e.setProperty("orderId", event.path("ID").asText());
                e.getMessage().setBody(event);
            }
            e.setProperty("valid", valid);
        }

        /** One product's standard PricebookEntry id: cached; created once (Product2 upsert + entry) when missing. */
        private String entry(String key, String name, String sku, BigDecimal listPrice) {
            CompletableFuture<String> mine = new CompletableFuture<>();
            CompletableFuture<String> existing = entries.putIfAbsent(key, mine);
            if (existing != null) {
                try {
                    return existing.join();
                } catch (CompletionException e) {
                    entries.remove(key, existing);
                    throw e;
                }
            }
            try {
                ObjectNode product = JSON.createObjectNode().put("Name", name).put("IsActive", true);
                if (sku != null && !sku.isBlank()) {
                    product.put("ProductCode", sku);
                }
                ObjectNode entry = JSON.createObjectNode().put("Pricebook2Id", pricebookId)
                        .put("Product2Id", "@{product.id}").put("UnitPrice", listPrice).put("IsActive", true);
                ObjectNode request = JSON.createObjectNode();
                ArrayNode nodes = request.putArray("graphs").addObject().put("graphId", "product").putArray("compositeRequest");
                nodes.addObject().put("method", "PATCH").put("url", V + "/sobjects/Product2/Clarity_Product_Key__c/" + enc(key))
                        .put("referenceId", "product").set("body", product);
                nodes.addObject().put("method", "POST").put("url", V + "/sobjects/PricebookEntry")
                        .put("referenceId", "entry").set("body", entry);
                String reply = template().requestBodyAndHeaders(
                        config.sfUrl() + V + "/composite/graph", JSON.writeValueAsString(request),
                        Map.of("Authorization", sessions.salesforce(template()),
                                Exchange.CONTENT_TYPE, "application/json", Exchange.HTTP_METHOD, "POST"), String.class);
                JsonNode g = JSON.readTree(reply).path("graphs").path(0);
                if (!g.path("isSuccessful").asBoolean()) {
                    throw new IllegalStateException("product " + key + " not created: " + g);
                }
                String id = "";
                for (JsonNode r : g.path("graphResponse").path("compositeResponse")) {
                    if (r.path("referenceId").asText().equals("entry")) {
                        id = r.path("body").path("id").asText();
                    }
                }
                mine.complete(id);
                return id;
            } catch (Exception e) {
                entries.remove(key, mine);
                mine.completeExceptionally(e);
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
        }

        /** clarity-order-to-salesforce.jsonata as Java: ONE Composite Graph per order. */
        private void toGraph(Exchange e) throws Exception {
            JsonNode o = e.getMessage().getBody(JsonNode.class);
            String orderKey = text(o, "CustomKey", "SO-" + o.path("ID").asText());
            JsonNode contact = o.hasNonNull("BillingContact") ? o.path("BillingContact") : o.path("ShippingContact");
            JsonNode a = contact.path("Address");
            String fullName = String.join(" ", java.util.stream.Stream.of(text(contact, "FirstName", null),
                    text(contact, "LastName", null)).filter(s -> s != null && !s.isEmpty()).toList()).strip();
            String accountName = text(o, "AccountName", null);
            boolean b2b = !text(a, "Company", "").isEmpty() || (accountName != null && !accountName.equals(fullName));
            String accountKey = text(o, "AccountKey", "CEF-ACCOUNT-" + o.path("AccountID").asText());
            String contactKey = text(contact, "CustomKey", text(o, "BillingContactKey", "CEF-CONTACT-"
                    + (contact.hasNonNull("ID") ? contact.path("ID").asText() : o.path("BillingContactID").asText())));

            ObjectNode request = JSON.createObjectNode();
            ArrayNode nodes = request.putArray("graphs").addObject().put("graphId", "order").putArray("compositeRequest");
            ObjectNode account = fields("Name", accountName != null ? accountName : fullName.isEmpty() ? null : fullName,
                    "RecordTypeId", recordTypes.get(b2b ? "Business" : "Consumer"), "Phone", text(contact, "Phone1", null),
                    "BillingStreet", text(a, "Street1", null), "BillingCity", text(a, "City", null),
                    "BillingState", text(a, "RegionCode", null), "BillingPostalCode", text(a, "PostalCode", null),
                    "BillingCountry", text(a, "CountryCode", null));
            upsert(nodes, "account", "Account/Clarity_Account_Key__c/" + enc(accountKey), account);
            ObjectNode contactFields = fields("AccountId", "@{account.id}", "FirstName", text(contact, "FirstName", null),
                    "LastName", text(contact, "LastName", null),
                    "Email", text(contact, "Email1", text(o, "UserContactEmail", null)), "Phone", text(contact, "Phone1", null),
                    "MailingStreet", text(a, "Street1", null), "MailingCity", text(a, "City", null),
                    "MailingState", text(a, "RegionCode", null), "MailingPostalCode", text(a, "PostalCode", null),
                    "MailingCountry", text(a, "CountryCode", null));
            upsert(nodes, "contact", "Contact/Clarity_Contact_Key__c/" + enc(contactKey), contactFields);
            String created = text(o, "CreatedDate", "");
            ObjectNode order = fields("AccountId", "@{account.id}", "BillToContactId", "@{contact.id}",
                    "Pricebook2Id", pricebookId, "Name", orderKey,
                    "EffectiveDate", created.length() >= 10 ? created.substring(0, 10) : created, "Status", "Draft",
                    "PoNumber", text(o, "PurchaseOrderNumber", null),
                    "Description", "Clarity order " + orderKey + (o.hasNonNull("TypeKey") ? " (" + o.path("TypeKey").asText() + ")" : ""),
                    "BillingStreet", text(a, "Street1", null), "BillingCity", text(a, "City", null),
                    "BillingState", text(a, "RegionCode", null), "BillingPostalCode", text(a, "PostalCode", null),
                    "BillingCountry", text(a, "CountryCode", null));
            upsert(nodes, "order", "Order/Clarity_Order_Key__c/" + enc(orderKey), order);
            for (JsonNode it : o.path("SalesItems")) {
                String productKey = text(it, "ProductKey", text(it, "Sku", null));
                JsonNode list = it.hasNonNull("UnitCorePrice") && it.path("UnitCorePrice").decimalValue().signum() != 0
                        ? it.path("UnitCorePrice") : it.path("UnitSoldPrice");
                ObjectNode item = fields("OrderId", "@{order.id}", "Description", text(it, "Name", null),
                        "PricebookEntryId", entry(productKey, text(it, "ProductName", text(it, "Name", productKey)),
                                text(it, "Sku", ""), list.decimalValue()));
                item.set("Quantity", it.path("Quantity"));
                item.set("UnitPrice", it.path("UnitSoldPrice"));
                upsert(nodes, "item" + it.path("ID").asText(), "OrderItem/Clarity_Order_Item_Key__c/"
                        + enc(text(it, "CustomKey", orderKey + "-" + it.path("ID").asText())), item);
            }
            JsonNode t = o.path("Totals");
            Map<String, Object[]> charges = new LinkedHashMap<>();
            charges.put("TAX", new Object[] {"Tax", t.path("Tax").decimalValue()});
            charges.put("SHIPPING", new Object[] {"Shipping", t.path("Shipping").decimalValue()});
            charges.put("HANDLING", new Object[] {"Handling", t.path("Handling").decimalValue()});
            charges.put("FEES", new Object[] {"Fees", t.path("Fees").decimalValue()});
            charges.put("DISCOUNT", new Object[] {"Discounts", t.path("Discounts").decimalValue().negate()});
            int n = 0;
            for (Map.Entry<String, Object[]> c : charges.entrySet()) {
                n++;
                BigDecimal amount = (BigDecimal) c.getValue()[1];
                if (amount.signum() == 0) {
                    continue;
                }
                String label = (String) c.getValue()[0];
                ObjectNode item = fields("OrderId", "@{order.id}", "Description", label + " (Clarity order " + orderKey + ")",
                        "PricebookEntryId", entry("CLARITY-" + c.getKey(), label, "CLARITY-" + c.getKey(), BigDecimal.ZERO));
                item.put("Quantity", 1).put("UnitPrice", amount);
                upsert(nodes, "charge" + n, "OrderItem/Clarity_Order_Item_Key__c/" + enc(orderKey + "-" + c.getKey()), item);
            }
            e.setProperty("graph", JSON.writeValueAsString(request));
        }

        private static void upsert(ArrayNode nodes, String ref, String path, ObjectNode body) {
            nodes.addObject().put("method", "PATCH").put("url", V + "/sobjects/" + path).put("referenceId", ref)
                    .set("body", body);
        }

        private static ObjectNode fields(String... pairs) {
            ObjectNode node = JSON.createObjectNode();
            for (int i = 0; i + 1 < pairs.length; i += 2) {
                if (pairs[i + 1] != null) {
                    node.put(pairs[i], pairs[i + 1]);
                }
            }
            return node;
        }

        private static String text(JsonNode node, String field, String fallback) {
            JsonNode v = node.path(field);
            return v.isNull() || v.isMissingNode() || v.asText().isEmpty() ? fallback : v.asText();
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }

        /** The Clarity session (POST /auth/identity) and the Salesforce token (client credentials), cached. */
        final class Sessions {
            private volatile String clarity;
            private volatile String salesforce;

            String clarity(ProducerTemplate template) throws Exception {
                String s = clarity;
                if (s == null) {
                    synchronized (this) {
                        if (clarity == null) {
                            Exchange reply = template.request(config.clarityUrl() + "/auth/identity", x -> {
                                x.getMessage().setBody(JSON.writeValueAsString(Map.of("Username", config.clarityUser(),
                                        "Password", config.clarityPassword(), "RememberMe", true)));
                                x.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                                x.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
                            });
                            if (reply.getException() != null) {
                                throw reply.getException();
                            }
                            clarity = JSON.readTree(reply.getMessage().getBody(String.class)).path("SessionId").asText();
                        }
                        s = clarity;
                    }
                }
                return s;
            }

            String salesforce(ProducerTemplate template) throws Exception {
                String s = salesforce;
                if (s == null) {
                    synchronized (this) {
                        if (salesforce == null) {
                            String form = "grant_type=client_credentials&client_id="
                                    + URLEncoder.encode(config.sfClientId(), StandardCharsets.UTF_8) + "&client_secret="
                                    + URLEncoder.encode(config.sfClientSecret(), StandardCharsets.UTF_8);
                            String body = template.requestBodyAndHeaders(config.sfUrl() + "/services/oauth2/token", form,
                                    Map.of(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded",
                                            Exchange.HTTP_METHOD, "POST"), String.class);
                            salesforce = "Bearer " + JSON.readTree(body).path("access_token").asText();
                        }
                        s = salesforce;
                    }
                }
                return s;
            }

            void invalidate() {
                clarity = null;
                salesforce = null;
            }
        }
    }
}
