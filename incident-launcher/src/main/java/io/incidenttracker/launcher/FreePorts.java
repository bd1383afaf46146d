package io.incidenttracker.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for listeners that are chosen now and bound a little later by another process (a Kafka node, a service).
 *
 * <p>A port the system hands out for {@code bind(0)} comes from its ephemeral range, the same range from which it takes
 * the local port of every outgoing connection. Between the choice and the bind, any connection on the machine (a
 * Kafka node retrying its peers' controllers every few milliseconds while they start, a database pool) may take that
 * port, and the listener's start fails with "address already in use". The ports chosen here lie below the ephemeral
 * range (Linux's {@code ip_local_port_range}), where no outgoing connection takes one; each is checked to be free on
 * the loopback interface when chosen. Where that range cannot be read or leaves no room, the system's choice is used.
 */
public final class FreePorts {

    /** The lowest port handed out: above the well-known and most registered service ports. */
    static final int LOWEST = 20_000;
    /** Ports below the ephemeral range needed for the choice to be made there. */
    private static final int ENOUGH = 1_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private FreePorts() {
    }

    /** A port free right now on the loopback interface, outside the ephemeral range, and none of {@code taken}. */
    public static int pick(int... taken) {
        return pick(EPHEMERAL_RANGE, taken);
    }

    /** {@link #pick(int...)} with the ephemeral range read from {@code rangeFile}. */
    static int pick(Path rangeFile, int... taken) {
        int below = ephemeralStart(rangeFile);
        if (below - LOWEST < ENOUGH) {
            return systemChoice(taken);
        }
        int[] excluded = taken.clone();
        Arrays.sort(excluded);
        // from a random place in the range upwards, round to where it began: two pickers seldom meet
        int span = below - LOWEST;
        int offset = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int candidate = LOWEST + (offset + i) % span;
            if (Arrays.binarySearch(excluded, candidate) < 0 && isFree(candidate)) {
                return candidate;
            }
        }
        return systemChoice(taken);
    }

    /**
     * The first port of the ephemeral range that {@code rangeFile} states ("low high"), or {@link #LOWEST} when it
     * cannot be read (no room below it: the system's choice is used then).
     */
    static int ephemeralStart(Path rangeFile) {
        try {
            String[] bounds = Files.readString(rangeFile, StandardCharsets.US_ASCII).trim().split("\\s+");
            return Integer.parseInt(bounds[0]);
        } catch (IOException | RuntimeException e) {
            return LOWEST;
        }
    }

    /** True when nothing listens on {@code port} of the loopback interface. */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int systemChoice(int... taken) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int candidate = socket.getLocalPort();
                if (Arrays.stream(taken).noneMatch(t -> t == candidate)) {
                    return candidate;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port", e);
            }
        }
        throw new IllegalStateException("cannot find a free port");
    }
}
