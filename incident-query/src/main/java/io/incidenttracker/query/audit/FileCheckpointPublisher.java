package io.incidenttracker.query.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends each checkpoint as one JSON line to a file, and forces it to disk before reporting success. */
public class FileCheckpointPublisher implements CheckpointPublisher {

    private final Path file;

    public FileCheckpointPublisher(Path file) {
        this.file = file;
    }

    @Override
    public String name() {
        return "file " + file;
    }

    @Override
    public synchronized void publish(SignedCheckpoint checkpoint) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        byte[] line = (checkpoint.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                                                    StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }
}
