package io.incidenttracker.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The harness's client against a server on a real socket that answers as scripted, byte for byte. */
class BlockingHttpClientTest {

    private final BlockingHttpClient client = new BlockingHttpClient(5_000);
    private Server server;

    @AfterEach
    void stop() throws IOException {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void readsAnAnswerOfAGivenLengthWithItsHeaders() throws IOException {
        server = new Server((connection, request) ->
                "HTTP/1.1 200 OK\r\nETag: \"v7\"\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
                        + "{\"ok\":true}");

        BlockingHttpClient.Answer answer = client.get(server.port(), "/api/services", "Authorization: Basic dg==");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("etag")).isEqualTo("\"v7\"");
        assertThat(answer.text()).isEqualTo("{\"ok\":true}");
        assertThat(server.requests()).singleElement().satisfies(request -> {
            assertThat(request).startsWith("GET /api/services HTTP/1.1\r\n");
            assertThat(request).contains("\r\nHost: 127.0.0.1:" + server.port() + "\r\n");
            assertThat(request).contains("\r\nAuthorization: Basic dg==\r\n");
        });
    }

    @Test
    void readsAChunkedAnswer() throws IOException {
        server = new Server((connection, request) ->
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n7;note=x\r\n, world\r\n0\r\n\r\n");

        assertThat(client.get(server.port(), "/").text()).isEqualTo("hello, world");
        // the connection is clean after the last chunk: the next answer is read whole from it
        assertThat(client.get(server.port(), "/").text()).isEqualTo("hello, world");
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void keepsTheConnectionAfterAnAnswerWithoutBody() throws IOException {
        server = new Server((connection, request) -> request.contains("If-None-Match")
                ? "HTTP/1.1 304 Not Modified\r\nETag: \"v7\"\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        assertThat(client.get(server.port(), "/", "If-None-Match: \"v7\"").status()).isEqualTo(304);
        assertThat(client.get(server.port(), "/").text()).isEqualTo("ok");
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void sendsAJsonBodyWithItsLength() throws IOException {
        server = new Server((connection, request) -> "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");

        String json = "{\"note\":\"é\"}";
        BlockingHttpClient.Answer answer = client.postJson(server.port(), "/api/incidents", json);

        assertThat(answer.status()).isEqualTo(201);
        assertThat(server.requests()).singleElement().satisfies(request -> {
            assertThat(request).startsWith("POST /api/incidents HTTP/1.1\r\n");
            assertThat(request).contains("\r\nContent-Type: application/json\r\n");
            assertThat(request).contains("\r\nContent-Length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n");
            assertThat(request).endsWith("\r\n\r\n" + json);
        });
    }

    @Test
    void opensANewConnectionAfterTheServerSaidItClosesIt() throws IOException {
        server = new Server((connection, request) ->
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");

        client.get(server.port(), "/");
        client.get(server.port(), "/");

        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void sendsAGetOnceMoreWhenItsReusedConnectionTurnsOutClosed() throws IOException {
        // the server drops every connection after its first answer, without saying so
        server = new Server((connection, request) -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true);

        assertThat(client.get(server.port(), "/").text()).isEqualTo("ok");
        assertThat(client.get(server.port(), "/").text()).isEqualTo("ok");

        assertThat(server.connections()).isEqualTo(2);
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void neverSendsAPostTwice() throws IOException {
        server = new Server((connection, request) -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true);
        client.get(server.port(), "/");

        assertThatThrownBy(() -> client.postJson(server.port(), "/api/incidents", "{}"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed before an answer");
        assertThat(server.requests()).noneMatch(request -> request.startsWith("POST"));
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void failsOnAnAnswerCutShort() throws IOException {
        server = new Server((connection, request) -> "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true);

        assertThatThrownBy(() -> client.get(server.port(), "/"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("5 of 10 bytes");
    }

    @Test
    void readsABodyThatEndsWithTheConnectionAndOpensANewOneAfterIt() throws IOException {
        server = new Server((connection, request) -> "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
                true);

        assertThat(client.get(server.port(), "/").text()).isEqualTo("until the end");
        assertThat(client.get(server.port(), "/").text()).isEqualTo("until the end");
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void skipsAnInterimAnswerAndKeepsTheConnectionInStep() throws IOException {
        server = new Server((connection, request) -> request.startsWith("GET /first ")
                ? "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"
                : "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");

        assertThat(client.get(server.port(), "/first").text()).isEqualTo("first");
        assertThat(client.get(server.port(), "/second").text()).isEqualTo("second");
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void closesTheConnectionAfterAnHttp10AnswerThatDidNotSayKeepAlive() throws IOException {
        server = new Server((connection, request) -> "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");

        client.get(server.port(), "/");
        client.get(server.port(), "/");

        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void neverSendsAGetAgainAfterItTimedOut() throws IOException {
        server = new Server((connection, request) -> request.startsWith("GET /slow ")
                ? null : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        try (BlockingHttpClient impatient = new BlockingHttpClient(300)) {
            impatient.get(server.port(), "/");

            assertThatThrownBy(() -> impatient.get(server.port(), "/slow"))
                    .isInstanceOf(java.net.SocketTimeoutException.class);
        }
        assertThat(server.requests()).filteredOn(request -> request.startsWith("GET /slow ")).hasSize(1);
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void givesEachOfManyThreadsTheAnswerToItsOwnRequest() throws Exception {
        // the answer names the path asked for: an answer read on a connection another thread still used would not
        server = new Server((connection, request) -> {
            String path = request.substring(4, request.indexOf(' ', 4));
            return "HTTP/1.1 200 OK\r\nContent-Length: " + path.length() + "\r\n\r\n" + path;
        });
        int threads = 16;
        int calls = 200;
        List<Thread> running = new ArrayList<>();
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread caller = new Thread(() -> {
                for (int c = 0; c < calls; c++) {
                    String path = "/thread/" + thread + "/call/" + c;
                    try {
                        String body = client.get(server.port(), path).text();
                        if (!body.equals(path)) {
                            wrong.add(path + " answered " + body);
                        }
                    } catch (IOException e) {
                        wrong.add(path + " failed: " + e);
                    }
                }
            });
            caller.start();
            running.add(caller);
        }
        for (Thread thread : running) {
            thread.join();
        }

        assertThat(wrong).isEmpty();
        assertThat(server.requests()).hasSize(threads * calls);
        assertThat(server.connections()).isBetween(1, threads);
    }

    /**
     * What the server answers on connection number {@code connection} (from 1) to a request (head and body); null to
     * answer nothing and hold the connection until the client closes it.
     */
    @FunctionalInterface
    interface Script {
        String answer(int connection, String request);
    }

    /** A server on a loopback port: each connection on a thread of its own, each request answered by the script. */
    static final class Server implements AutoCloseable {

        private final ServerSocket socket;
        private final Script script;
        private final boolean oneAnswerPerConnection;
        private final AtomicInteger connections = new AtomicInteger();
        private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

        Server(Script script) throws IOException {
            this(script, false);
        }

        Server(Script script, boolean oneAnswerPerConnection) throws IOException {
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.script = script;
            this.oneAnswerPerConnection = oneAnswerPerConnection;
            Thread acceptor = new Thread(this::accept, "scripted-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        List<String> requests() {
            return List.copyOf(requests);
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    int number = connections.incrementAndGet();
                    Thread serving = new Thread(() -> serve(connection, number), "scripted-connection-" + number);
                    serving.setDaemon(true);
                    serving.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket connection, int number) {
            try (connection) {
                InputStream in = connection.getInputStream();
                OutputStream out = connection.getOutputStream();
                while (true) {
                    String request = readRequest(in);
                    if (request == null) {
                        return;
                    }
                    requests.add(request);
                    String answer = script.answer(number, request);
                    if (answer == null) {
                        in.transferTo(OutputStream.nullOutputStream());
                        return;
                    }
                    out.write(answer.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    if (oneAnswerPerConnection) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        /** A request's head and its body (by Content-Length), or null at the end of the connection. */
        private static String readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] bytes = head.toByteArray();
                int n = bytes.length;
                if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r'
                        && bytes[n - 1] == '\n') {
                    String text = head.toString(StandardCharsets.UTF_8);
                    int length = 0;
                    for (String line : text.split("\r\n")) {
                        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
