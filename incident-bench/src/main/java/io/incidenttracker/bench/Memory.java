package io.incidenttracker.bench;

import java.io.IOException;
import java.util.Map;

/** Memory: the resident and peak resident size of each service's JVM, read after every other measure. */
final class Memory implements Measure {

    @Override
    public void run(BenchContext context) throws IOException {
        double[] commandRss = context.commandService().residentMiB();
        double[] queryRss = context.queryService().residentMiB();
        context.results().detail("memory", Map.of("commandRssMiB", commandRss[0], "commandPeakMiB", commandRss[1],
                "queryRssMiB", queryRss[0], "queryPeakMiB", queryRss[1]));
        context.results().add(new Row("command service resident (peak " + Math.round(commandRss[1]) + ")",
                commandRss[0], "MiB", null, null, "<= 512 MiB", commandRss[1] <= 512));
        context.results().add(new Row("query service resident (peak " + Math.round(queryRss[1]) + ")",
                queryRss[0], "MiB", null, null, "<= 512 MiB", queryRss[1] <= 512));
    }
}
