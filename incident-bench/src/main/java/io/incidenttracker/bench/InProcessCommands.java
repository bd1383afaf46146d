package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;

import io.incidenttracker.command.incident.IncidentCommands.ReportServiceDisruption;
import io.incidenttracker.command.incident.IncidentCommands.RestoreService;
import io.incidenttracker.events.incident.ServiceImpact;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Commands in-process: 16 threads send the workload's commands through the in-process command service's gateway, as
 * the HTTP controllers do; each run is paired with a pgbench run on the same PostgreSQL, the anchor.
 */
final class InProcessCommands implements Measure {

    @Override
    public void run(BenchContext context) throws Exception {
        CommandGateway gateway = context.inProcessCommand().getBean(CommandGateway.class);
        Workload workload = new Workload(context.incidents(), "inproc", LoadLoop.CLIENTS);
        AtomicLong correlation = new AtomicLong();
        LoadLoop.Worker worker = w -> {
            Object command = command(workload.next(w));
            gateway.sendAndWait(GenericCommandMessage.asCommandMessage(command).andMetaData(
                    Map.of("actor", "load-test", "correlationId", "load-" + correlation.incrementAndGet())));
        };
        LoadLoop.warmUp("in-process commands", worker);
        int repeats = context.options().repeats();
        List<LoadLoop.Run> runs = new ArrayList<>();
        List<double[]> cpu = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            step("in-process commands: run " + (r + 1) + " of " + repeats);
            StatementProfile statements = StatementProfile.start(context.commandDb());
            double jvm = CpuTime.ofThisJvm();
            Map<Long, Double> postgres = CpuTime.ofPostgres();
            LoadLoop.Run run = LoadLoop.closedLoop(LoadLoop.CLIENTS, context.options().seconds(), worker);
            runs.add(run);
            cpu.add(new double[] {(CpuTime.ofThisJvm() - jvm) / run.completed(),
                    CpuTime.postgresSince(postgres) / run.completed(),
                    CpuTime.postgresSince(postgres, context.commandDb()) / run.completed()});
            if (statements != null) {
                statements.report("in-process command", run.completed(), context.workDir());
            }
            step("pgbench: run " + (r + 1) + " of " + repeats);
            context.runPgbench();
        }
        CommandThroughput.report(context, "commands in-process", runs, 0.50, Double.NaN);
        CommandThroughput.reportCpu(context, "in-process command", "this JVM (service, broker, clients)", cpu);
    }

    /** The command record of one step of the workload: the only place the harness names the command service's. */
    private static Object command(Workload.Step step) {
        return step.disruption()
                ? new ReportServiceDisruption(step.incidentId(), null, step.serviceId(), ServiceImpact.UNAVAILABLE,
                        step.at(), "load test")
                : new RestoreService(step.incidentId(), null, step.serviceId(), step.at(), "load test");
    }
}
