package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Commands over HTTP: 16 clients send the workload to the command service running as a JVM of its own; beside the
 * in-process measure's pgbench runs, with more pgbench runs until there are two per repeat.
 */
final class HttpCommands implements Measure {

    @Override
    public void run(BenchContext context) throws Exception {
        ServiceProcess command = context.commandService();
        Workload workload = new Workload(context.incidents(), "http", LoadLoop.CLIENTS);
        LoadLoop.Worker worker = w -> context.http().command(command.port, workload.next(w));
        LoadLoop.warmUp("HTTP commands", worker, command.pid());
        int repeats = context.options().repeats();
        List<LoadLoop.Run> runs = new ArrayList<>();
        List<double[]> cpu = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            step("HTTP commands: run " + (r + 1) + " of " + repeats);
            StatementProfile statements = StatementProfile.start(context.commandDb());
            command.startRecording("http-run-" + (r + 1));
            double service = CpuTime.ofProcess(command.pid());
            Map<Long, Double> postgres = CpuTime.ofPostgres();
            LoadLoop.Run run = LoadLoop.closedLoop(LoadLoop.CLIENTS, context.options().seconds(), worker);
            runs.add(run);
            cpu.add(new double[] {(CpuTime.ofProcess(command.pid()) - service) / run.completed(),
                    CpuTime.postgresSince(postgres) / run.completed(),
                    CpuTime.postgresSince(postgres, context.commandDb()) / run.completed()});
            command.stopRecording("http-run-" + (r + 1), context.workDir());
            if (statements != null) {
                statements.report("HTTP command", run.completed(), context.workDir());
            }
            if (context.pgbenchRuns().size() < 2 * repeats) {
                step("pgbench: run " + (context.pgbenchRuns().size() + 1));
                context.runPgbench();
            }
        }
        CommandThroughput.report(context, "commands over HTTP", runs, 0.25, 25.0);
        CommandThroughput.reportCpu(context, "HTTP command", "command service", cpu);
    }
}
