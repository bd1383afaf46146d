package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;
import static io.incidenttracker.bench.Figures.fmt;

import io.incidenttracker.command.incident.Incident;
import org.axonframework.eventsourcing.Snapshotter;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The snapshots the command service would have taken while the seeded histories grew command by command (one every
 * {@code incidenttracker.snapshots.threshold} events): the seeder appends straight to the event store, so they are
 * taken here, through the service's own snapshotter, before anything is measured. Their time goes to the details.
 */
final class Snapshots implements Measure {

    @Override
    public void run(BenchContext context) throws InterruptedException {
        ConfigurableApplicationContext command = context.inProcessCommand();
        Snapshotter snapshotter = command.getBean(Snapshotter.class);
        ThreadPoolExecutor executor = command.getBean("snapshotExecutor", ThreadPoolExecutor.class);
        step("taking a snapshot of each seeded incident");
        long started = System.nanoTime();
        for (UUID id : context.incidents()) {
            while (executor.getQueue().remainingCapacity() < 10) {
                Thread.sleep(5);
            }
            snapshotter.scheduleSnapshot(Incident.class, id.toString());
        }
        while (executor.getCompletedTaskCount() < executor.getTaskCount()) {
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        context.results().detail("snapshots", Map.of("incidents", context.incidents().size(), "seconds", seconds));
        step("took " + context.incidents().size() + " snapshots in " + fmt(seconds) + " s");
    }
}
