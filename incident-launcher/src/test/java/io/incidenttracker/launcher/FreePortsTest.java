package io.incidenttracker.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class FreePortsTest {

    @TempDir
    Path directory;

    @Test
    void picksPortsBelowTheEphemeralRangeThatCanBeListenedOn() throws IOException {
        Path range = Files.writeString(directory.resolve("range"), "32768\t60999\n");
        for (int i = 0; i < 50; i++) {
            int port = FreePorts.pick(range);
            assertThat(port).isBetween(FreePorts.LOWEST, 32_767);
            try (ServerSocket socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void neverPicksAPortAlreadyTakenOrListenedOn() throws IOException {
        Path range = Files.writeString(directory.resolve("range"), "21000 60999\n");
        int listened = FreePorts.pick(range);
        int left = FreePorts.pick(range, listened);
        // every other port of the range is taken: the one listened on must be passed over for the one left
        int[] taken = IntStream.range(FreePorts.LOWEST, 21_000).filter(p -> p != listened && p != left).toArray();
        try (ServerSocket socket = new ServerSocket(listened, 50, InetAddress.getLoopbackAddress())) {
            assertThat(FreePorts.isFree(listened)).isFalse();
            for (int i = 0; i < 20; i++) {
                assertThat(FreePorts.pick(range, taken)).isEqualTo(left);
            }
        }
    }

    @Test
    void fallsBackToTheSystemsChoiceWhenTheRangeLeavesNoRoomOrCannotBeRead() throws IOException {
        Path narrow = Files.writeString(directory.resolve("narrow"), "1024 65535\n");
        Path missing = directory.resolve("missing");
        Path garbled = Files.writeString(directory.resolve("garbled"), "not a range");
        assertThat(FreePorts.ephemeralStart(narrow)).isEqualTo(1024);
        assertThat(FreePorts.ephemeralStart(missing)).isEqualTo(FreePorts.LOWEST);
        assertThat(FreePorts.ephemeralStart(garbled)).isEqualTo(FreePorts.LOWEST);
        for (Path range : new Path[] {narrow, missing, garbled}) {
            int port = FreePorts.pick(range);
            assertThat(FreePorts.isFree(port)).isTrue();
        }
    }
}
