package io.incidenttracker.launcher;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The launcher's Kafka broker on its own, for a deployment trial (deploy/podman-run) that runs the services from
 * their images: {@code java -cp incident-launcher.jar -Dloader.main=io.incidenttracker.launcher.StandaloneBroker
 * org.springframework.boot.loader.launch.PropertiesLauncher DIRECTORY PORT}. It prints {@code READY <bootstrap>} once
 * the broker answers and runs until the process is stopped.
 */
public final class StandaloneBroker {

    private StandaloneBroker() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: StandaloneBroker DIRECTORY PORT");
            System.exit(2);
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Path.of(args[0]), Integer.parseInt(args[1]), 0);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
        System.out.println("READY " + broker.bootstrapServers());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
