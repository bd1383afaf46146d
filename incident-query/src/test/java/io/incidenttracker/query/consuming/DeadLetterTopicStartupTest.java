package io.incidenttracker.query.consuming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.incidenttracker.testsupport.TestBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.axonframework.extensions.kafka.KafkaProperties;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The dead-letter topic is checked while the query service starts, through an admin client whose calls time out
 * after the health timeout (2.5 s): brokers that answer late (starting beside the service, or on a loaded machine)
 * must hold startup back, not end it.
 */
class DeadLetterTopicStartupTest {

    @Test
    void waitsForBrokersThatDoNotAnswerYetAndThenCreatesTheTopic() throws Exception {
        int port = freePort();
        try (Admin admin = admin(port)) {
            DeadLetterTopicPublisher publisher = publisher(admin, port, Duration.ofSeconds(120));
            CompletableFuture<Void> startup = CompletableFuture.runAsync(() -> {
                try {
                    publisher.afterPropertiesSet();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(4000);
            assertThat(startup).as("no broker yet: startup still waits").isNotDone();

            // the broker appears at the address the clients were given (a forwarder to a broker started now)
            EmbeddedKafkaKraftBroker broker = TestBroker.withoutTopics(1);
            try (Forwarder forwarder = new Forwarder(port, broker.getBrokersAsString())) {
                startup.get(90, TimeUnit.SECONDS);
                // a creation is acknowledged once the controller has it; a broker's metadata lists it a moment later
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                        assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
                                .contains(DeadLetterTopicPublisher.DEAD_LETTER_TOPIC));
            } finally {
                publisher.destroy();
                broker.destroy();
            }
        }
    }

    @Test
    void givesUpWhenTheBrokersStayAwayLongerThanTheTopicWait() throws Exception {
        int port = freePort();
        try (Admin admin = admin(port)) {
            DeadLetterTopicPublisher publisher = publisher(admin, port, Duration.ofSeconds(3));
            try {
                assertThatThrownBy(publisher::afterPropertiesSet)
                        .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
            } finally {
                publisher.destroy();
            }
        }
    }

    private static DeadLetterTopicPublisher publisher(Admin admin, int port, Duration topicWait) {
        KafkaProperties kafka = new KafkaProperties();
        kafka.setBootstrapServers(java.util.List.of("127.0.0.1:" + port));
        return new DeadLetterTopicPublisher(admin, kafka, new QueryKafkaProperties(topicWait, null, null));
    }

    /** An admin client as the service's: every call times out after 2.5 s. */
    private static Admin admin(int port) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
                                   AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2500,
                                   AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2500,
                                   AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
    }

    /** Accepts on a port and pipes each connection to the broker's listener, both ways. */
    private static final class Forwarder implements AutoCloseable {

        private final ServerSocket server;

        Forwarder(int port, String target) throws IOException {
            String[] hostAndPort = target.split(",")[0].split(":");
            server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        Socket upstream = new Socket(hostAndPort[0], Integer.parseInt(hostAndPort[1]));
                        pipe(client, upstream);
                        pipe(upstream, client);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private static void pipe(Socket from, Socket to) {
            Thread.ofVirtual().start(() -> {
                try (from; to) {
                    from.getInputStream().transferTo(to.getOutputStream());
                } catch (IOException e) {
                    // one side closed
                }
            });
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
