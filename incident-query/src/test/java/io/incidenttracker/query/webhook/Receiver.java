package io.incidenttracker.query.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A webhook receiver on loopback, as a customer would write one with the JDK: it checks the Standard Webhooks
 * signature with its secrets (any one of the space-separated signatures may match) and the timestamp's freshness,
 * and answers what {@code answer} decides for each request. Everything it receives is kept.
 */
final class Receiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received. */
    record Received(String webhookId, long timestamp, String signatureHeader, String body, boolean signatureValid,
                    JsonNode event) {
        long sequence() {
            return Long.parseLong(event.get("sequence").asText());
        }

        String incidentId() {
            return event.get("subject").asText();
        }
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    final List<String> secrets = new CopyOnWriteArrayList<>();
    private final Function<Received, Integer> answer;
    private volatile HttpServer server;
    private final int port;

    Receiver(Function<Received, Integer> answer) throws IOException {
        this(answer, 0);
    }

    private Receiver(Function<Received, Integer> answer, int port) throws IOException {
        this.answer = answer;
        this.server = start(port);
        this.port = server.getAddress().getPort();
    }

    private HttpServer start(int onPort) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/hook", this::handle);
        http.start();
        return http;
    }

    String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    /** Stops answering: connections are refused until {@link #restart}. */
    void stop() {
        server.stop(0);
    }

    void restart() throws IOException {
        server = start(port);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
        String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Received request = new Received(id, Long.parseLong(timestamp), signature, body,
                                        verifies(id, timestamp, body, signature), JSON.readTree(body));
        received.add(request);
        int status = answer.apply(request);
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** The receiver's check, as docs/api.md shows it: any signature computed with any of our secrets. */
    boolean verifies(String id, String timestamp, String body, String header) {
        if (Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp)) > 300) {
            return false;
        }
        for (String secret : secrets) {
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            byte[] expected;
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            for (String candidate : header.split(" ")) {
                if (candidate.startsWith("v1,") && MessageDigest.isEqual(expected,
                        Base64.getDecoder().decode(candidate.substring(3)))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The sequences received for one incident, in arrival order, each once (retries collapsed by webhook-id). */
    List<Long> sequencesOf(String incidentId) {
        List<String> seen = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        for (Received r : received) {
            if (r.incidentId().equals(incidentId) && !seen.contains(r.webhookId())) {
                seen.add(r.webhookId());
                sequences.add(r.sequence());
            }
        }
        return sequences;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
