package io.incidenttracker.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.incidenttracker.launcher.support.EndToEndExtension;
import io.incidenttracker.launcher.support.RunningSystem;
import io.incidenttracker.query.webhook.WebhookSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Notifications and sharing on the running system: commands over HTTP reach a webhook receiver subscribed on the
 * query service (the default event list), signed; the incident's STIX bundle carries its techniques and findings.
 */
@ExtendWith(EndToEndExtension.class)
class NotificationEndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A delivery as the receiver got it. */
    record Delivery(String id, String timestamp, String signature, String body) {
    }

    @Test
    void commandsReachASubscribedReceiverSignedAndTheStixBundleCarriesTheFindings(RunningSystem system)
            throws Exception {
        List<Delivery> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        receiver.createContext("/hook", exchange -> {
            received.add(new Delivery(exchange.getRequestHeaders().getFirst("webhook-id"),
                    exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            HttpResponse<String> subscribed = system.send(RunningSystem.post(system.queryUri(), "/api/admin/webhooks",
                    "admin", "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\"}",
                    Map.of()));
            assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(201);
            String secret = JSON.readTree(subscribed.body()).get("secret").asText();

            HttpResponse<String> opened = system.postCommand("/api/incidents", "responder", """
                    {"title":"Ransomware at the hospital","attackType":"RANSOMWARE","severity":"HIGH",
                     "detectedAt":"2023-09-04T18:00:00Z","affectedSystems":["pbx"],"techniques":["T1486"]}""");
            assertThat(opened.statusCode()).as(opened.body()).isEqualTo(201);
            String id = JSON.readTree(opened.body()).get("incidentId").asText();
            assertThat(system.postCommand("/api/incidents/" + id + "/forensic-analyses", "responder",
                    "{\"analysisId\":\"pbx-disk\",\"startedAt\":\"2023-09-04T19:00:00Z\"}").statusCode())
                    .isEqualTo(200);
            assertThat(system.postCommand("/api/incidents/" + id + "/forensic-analyses/pbx-disk/findings",
                    "responder", """
                    {"foundAt":"2023-09-04T20:00:00Z","techniques":["T1486"],
                     "indicators":["198.51.100.23","c2.evil.example","an odd scheduled task"]}""").statusCode())
                    .isEqualTo(200);
            assertThat(system.postCommand("/api/incidents/" + id + "/severity", "responder", """
                    {"severity":"CRITICAL","reason":"spreading","changedAt":"2023-09-04T21:00:00Z"}""")
                    .statusCode()).isEqualTo(200);

            // the default list: the opening and the severity change, not the attack or the forensics
            await().atMost(Duration.ofSeconds(60)).until(() -> types(received, id).size() >= 2);
            assertThat(types(received, id)).containsExactly("io.incidenttracker.incident.incident-opened.v1",
                    "io.incidenttracker.incident.severity-changed.v1");
            for (Delivery delivery : received) {
                assertThat(delivery.signature()).isEqualTo(WebhookSignature.sign(secret, delivery.id(),
                        Long.parseLong(delivery.timestamp()), delivery.body()));
            }

            HttpRequest stixRequest = HttpRequest.newBuilder(system.queryUri().resolve("/api/incidents/" + id
                            + "/stix?tlp=green"))
                    .header("Authorization", RunningSystem.basicAuth("auditor", "auditor"))
                    .header("Accept", "application/stix+json;version=2.1")
                    .GET().build();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                HttpResponse<String> stix = system.send(stixRequest);
                return stix.statusCode() == 200 && stix.body().contains("c2.evil.example");
            });
            JsonNode bundle = JSON.readTree(system.send(stixRequest).body());
            List<String> patterns = new ArrayList<>();
            bundle.get("objects").forEach(o -> {
                if (o.get("type").asText().equals("indicator")) {
                    patterns.add(o.get("pattern").asText());
                }
            });
            assertThat(patterns).containsExactlyInAnyOrder("[ipv4-addr:value = '198.51.100.23']",
                                                           "[domain-name:value = 'c2.evil.example']");
            assertThat(bundle.toString()).contains("an odd scheduled task", "\"external_id\":\"T1486\"",
                                                   "\"incident--" + id + "\"");
        } finally {
            receiver.stop(0);
        }
    }

    private static List<String> types(List<Delivery> received, String incidentId) throws Exception {
        List<String> types = new ArrayList<>();
        for (Delivery delivery : received) {
            JsonNode event = JSON.readTree(delivery.body());
            if (event.get("subject").asText().equals(incidentId)) {
                types.add(event.get("type").asText());
            }
        }
        return types;
    }
}
