package io.incidenttracker.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The harness's HTTP/1.1 client: blocking calls over keep-alive connections to the services on this machine, each
 * call on a connection of its own for its duration, the connections kept per port for the next call.
 *
 * <p>The load's clients run on the same two cores as the services they measure, so what a client spends per call is
 * taken from the services. The JDK's {@code HttpClient} hands every call to its selector thread and back through
 * futures and an executor: in steady reads it spent as much CPU per call as the query service's request threads did
 * to answer it. A blocking call writes the request and reads the answer on the calling thread, as {@code wrk} does
 * on its event loop, and takes the time the service took plus a few system calls.
 *
 * <p>What it speaks is what the services answer: a status line, headers, and a body framed by
 * {@code Content-Length}, by chunks, or (with {@code Connection: close}) by the end of the connection; no body for
 * {@code 204} and {@code 304} answers; interim {@code 1xx} answers are skipped. A connection the server said it closes
 * (Tomcat closes a keep-alive connection after its 100th request, saying so) is not used again, nor one left idle for
 * 5 s (Tomcat closes idle ones without a word, after far longer). A GET whose reused connection turns out to be
 * closed before any byte of the answer is sent again once on a new connection. Other methods are never sent twice,
 * and neither is a call that timed out: their failure is the caller's.
 */
final class BlockingHttpClient implements AutoCloseable {

    /** An answer: its status, its headers by lower-case name (the last of repeated ones), its body. */
    record Answer(int status, Map<String, String> headers, byte[] body, boolean http10) {

        /**
         * Whether the connection may carry the next request: not when the server said {@code Connection: close}
         * (among other tokens, too), nor after an HTTP/1.0 answer that did not say {@code keep-alive}, nor after a
         * body that ended with the connection.
         */
        boolean keepsConnection() {
            String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
            for (String token : connection.split(",")) {
                if (token.trim().equals("close")) {
                    return false;
                }
            }
            return !http10 || connection.contains("keep-alive");
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A connection idle for longer than this may have been closed by the server; it is not reused. */
    private static final long IDLE_NANOS = 5_000_000_000L;
    private static final byte[] NO_BODY = new byte[0];

    private final int timeoutMillis;
    private final Map<Integer, Deque<Connection>> idle = new ConcurrentHashMap<>();

    BlockingHttpClient(int timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /** A GET with these extra header lines ({@code name: value}, none may be null). */
    Answer get(int port, String path, String... headers) throws IOException {
        return exchange(port, "GET", path, null, headers);
    }

    /** A POST of a JSON body with these extra header lines. */
    Answer postJson(int port, String path, String json, String... headers) throws IOException {
        String[] all = new String[headers.length + 1];
        System.arraycopy(headers, 0, all, 0, headers.length);
        all[headers.length] = "Content-Type: application/json";
        return exchange(port, "POST", path, json.getBytes(StandardCharsets.UTF_8), all);
    }

    Answer exchange(int port, String method, String path, byte[] body, String... headers) throws IOException {
        byte[] request = request(port, method, path, body, headers);
        Connection connection = take(port);
        try {
            return exchange(connection, port, request);
        } catch (StaleConnection stale) {
            if (!method.equals("GET")) {
                throw new IOException(method + " " + path + ": the connection was closed before an answer", stale);
            }
            return exchange(Connection.open(port, timeoutMillis), port, request);
        }
    }

    private Answer exchange(Connection connection, int port, byte[] request) throws IOException {
        boolean keep = false;
        try {
            connection.out.write(request);
            connection.out.flush();
            Answer answer = connection.read();
            keep = answer.keepsConnection();
            return answer;
        } catch (SocketTimeoutException e) {
            // the server is slow, not gone: the request may be under way, so it is never sent again
            throw e;
        } catch (IOException e) {
            if (connection.reused && !connection.answered) {
                throw new StaleConnection(e);
            }
            throw e;
        } finally {
            if (keep) {
                connection.release();
                idle.computeIfAbsent(port, p -> new ConcurrentLinkedDeque<>()).offerFirst(connection);
            } else {
                connection.close();
            }
        }
    }

    private Connection take(int port) throws IOException {
        Deque<Connection> connections = idle.get(port);
        if (connections == null) {
            return Connection.open(port, timeoutMillis);
        }
        long now = System.nanoTime();
        // the most recently used first; those left unused for long (after a busier phase) are closed from the back
        Connection oldest;
        while ((oldest = connections.peekLast()) != null && now - oldest.releasedAt >= IDLE_NANOS) {
            if (connections.removeLastOccurrence(oldest)) {
                oldest.close();
            }
        }
        Connection connection;
        while ((connection = connections.pollFirst()) != null) {
            if (now - connection.releasedAt < IDLE_NANOS) {
                connection.reused = true;
                return connection;
            }
            connection.close();
        }
        return Connection.open(port, timeoutMillis);
    }

    private static byte[] request(int port, String method, String path, byte[] body, String... headers) {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port).append("\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        byte[] start = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null || body.length == 0) {
            return start;
        }
        byte[] request = new byte[start.length + body.length];
        System.arraycopy(start, 0, request, 0, start.length);
        System.arraycopy(body, 0, request, start.length, body.length);
        return request;
    }

    @Override
    public void close() {
        idle.values().forEach(connections -> {
            Connection connection;
            while ((connection = connections.pollFirst()) != null) {
                connection.close();
            }
        });
    }

    /** A reused connection the server had closed: nothing of the request was answered. */
    private static final class StaleConnection extends IOException {
        StaleConnection(IOException cause) {
            super(cause);
        }
    }

    private static final class Connection {

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private long releasedAt;
        private boolean reused;
        /** Whether any byte of the current answer arrived. */
        private boolean answered;

        private Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = socket.getOutputStream();
        }

        static Connection open(int port, int timeoutMillis) throws IOException {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(timeoutMillis);
                socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
                return new Connection(socket);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }

        void release() {
            releasedAt = System.nanoTime();
            answered = false;
        }

        /** The final answer; interim ones ({@code 100 Continue}, {@code 103 Early Hints}) are read and dropped. */
        Answer read() throws IOException {
            while (true) {
                Answer answer = readOne();
                if (answer.status() / 100 != 1 || answer.status() == 101) {
                    return answer;
                }
            }
        }

        private Answer readOne() throws IOException {
            String statusLine = line();
            // "HTTP/1.1 200 OK": the code is the second word
            int space = statusLine.indexOf(' ');
            if (!statusLine.startsWith("HTTP/1.") || space < 0 || statusLine.length() < space + 4) {
                throw new IOException("not an HTTP/1.x status line: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(space + 1, space + 4));
            Map<String, String> headers = new TreeMap<>();
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                if (colon > 0) {
                    headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                header.substring(colon + 1).trim());
                }
            }
            byte[] body;
            if (status / 100 == 1 || status == 204 || status == 304) {
                body = NO_BODY;
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = chunked();
            } else if (headers.containsKey("content-length")) {
                body = exactly(Integer.parseInt(headers.get("content-length")));
            } else {
                body = in.readAllBytes();
                headers.put("connection", "close");
            }
            return new Answer(status, headers, body, statusLine.startsWith("HTTP/1.0"));
        }

        private byte[] chunked() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = line();
                int extension = size.indexOf(';');
                int length = Integer.parseInt((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
                if (length == 0) {
                    // trailers, if any, up to the empty line
                    while (!line().isEmpty()) {
                        // skipped
                    }
                    return body.toByteArray();
                }
                body.write(exactly(length));
                if (!line().isEmpty()) {
                    throw new IOException("a chunk not followed by CRLF");
                }
            }
        }

        private byte[] exactly(int length) throws IOException {
            byte[] bytes = in.readNBytes(length);
            if (bytes.length < length) {
                throw new EOFException("the answer ended after " + bytes.length + " of " + length + " bytes");
            }
            return bytes;
        }

        /** One line up to CRLF, without it, in ISO-8859-1 (status line, headers and chunk sizes are ASCII). */
        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("the connection ended" + (line.isEmpty() ? "" : " within a line: " + line));
                }
                answered = true;
                if (b == '\n') {
                    int end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    return line.toString();
                }
                line.append((char) b);
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a connection that failed
            }
        }
    }
}
