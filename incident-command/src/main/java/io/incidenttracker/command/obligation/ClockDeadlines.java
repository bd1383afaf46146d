package io.incidenttracker.command.obligation;

import com.github.kagkarlsson.scheduler.ScheduledExecution;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.exceptions.ExecutionException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurationScopeAwareProvider;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.DeadlineManagerSpanFactory;
import org.axonframework.deadline.dbscheduler.DbSchedulerBinaryDeadlineDetails;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineToken;
import org.axonframework.messaging.ScopeDescriptor;
import org.axonframework.modelling.command.AggregateScopeDescriptor;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The deadlines of the reporting clocks: Axon's deadline manager on db-scheduler (table {@code scheduled_tasks} of the
 * command database), with its cancellations changed in two ways.
 * <ul>
 *   <li><b>Only the incident's own deadlines are read.</b> Axon's manager finds the deadlines of a name and scope by
 *   reading and deserializing every waiting deadline of every incident, twice for each clock a report fulfils: a
 *   report's cost grew with the deadlines of all open incidents. This one asks PostgreSQL for the waiting deadlines
 *   whose data names the incident (an index of their data, migration {@code V7__deadlines_by_incident.sql}), and
 *   checks name and scope on those few exactly as Axon does.</li>
 *   <li><b>A deadline under way or gone is not a failure of the report.</b> A deadline that the scheduler picked, ran
 *   or removed between the cancellation's look-up and its delete is left to that outcome: its handler on the incident
 *   finds the clock fulfilled and records nothing (it waits for the incident's lock, which the report holds until it
 *   commits). db-scheduler refuses such a cancellation ({@link TaskInstanceCurrentlyExecutingException}, the
 *   {@link ExecutionException} of a delete that found the row changed, {@link TaskInstanceNotFoundException}), which
 *   rolled the report back and answered 500.</li>
 * </ul>
 * Deadlines of another scope than an incident's, and cancellations by id or of every scope (none of which the
 * product uses), are left to Axon's own code.
 */
@Configuration(proxyBeanMethods = false)
public class ClockDeadlines {

    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    /** Replaces Axon's auto-configured deadline manager (same settings: db-scheduler's starter runs the scheduler). */
    @Bean
    DeadlineManager deadlineManager(Scheduler scheduler, org.axonframework.config.Configuration configuration,
                                    @Qualifier("eventSerializer") Serializer serializer,
                                    TransactionManager transactionManager,
                                    DeadlineManagerSpanFactory spanFactory,
                                    JdbcTemplate jdbc,
                                    @Value("${db-scheduler.table-name:scheduled_tasks}") String tableName) {
        if (!TABLE_NAME.matcher(tableName).matches()) {
            throw new IllegalArgumentException("db-scheduler.table-name is not a table name: " + tableName);
        }
        return new IncidentDeadlines(DbSchedulerDeadlineManager.builder()
                .scheduler(scheduler)
                .scopeAwareProvider(new ConfigurationScopeAwareProvider(configuration))
                .serializer(serializer)
                .transactionManager(transactionManager)
                .spanFactory(spanFactory)
                .startScheduler(false)
                .stopScheduler(false), scheduler, serializer, spanFactory, jdbc, tableName);
    }

    /** Axon's manager with the cancellation described above; everything else is Axon's own. */
    static final class IncidentDeadlines extends DbSchedulerDeadlineManager {

        private static final Logger log = LoggerFactory.getLogger(ClockDeadlines.class);
        /** Axon's task name for deadlines, read off its own token. */
        private static final String TASK_NAME = new DbSchedulerDeadlineToken("").getTaskName();

        private final Scheduler scheduler;
        private final Serializer serializer;
        private final DeadlineManagerSpanFactory spanFactory;
        private final JdbcTemplate jdbc;
        private final String waitingDeadlinesNaming;

        IncidentDeadlines(Builder builder, Scheduler scheduler, Serializer serializer,
                          DeadlineManagerSpanFactory spanFactory, JdbcTemplate jdbc, String tableName) {
            super(builder);
            this.scheduler = scheduler;
            this.serializer = serializer;
            this.spanFactory = spanFactory;
            this.jdbc = jdbc;
            this.waitingDeadlinesNaming = waitingDeadlinesNaming(tableName);
        }

        /**
         * The waiting deadlines whose scope names an incident (the parameter: its id's bytes): one probe of the index
         * of migration V7, whose expression this repeats. It preselects; name and scope are then compared exactly.
         */
        static String waitingDeadlinesNaming(String tableName) {
            return "SELECT task_instance FROM " + tableName + " WHERE task_name = '" + TASK_NAME + "' AND NOT picked "
                    + "AND substring(task_data FROM position('\"identifier\":\"'::bytea IN task_data) + 14 FOR 36) = ?";
        }

        @Override
        public void cancelAllWithinScope(String deadlineName, ScopeDescriptor scope) {
            if (!(scope instanceof AggregateScopeDescriptor aggregate)) {
                super.cancelAllWithinScope(deadlineName, scope);
                return;
            }
            runOnPrepareCommitOrNow(spanFactory.createCancelAllWithinScopeSpan(deadlineName, scope).wrapRunnable(() -> {
                byte[] serializedScope = serializer.serialize(scope, byte[].class).getData();
                List<String> candidates = jdbc.queryForList(waitingDeadlinesNaming, String.class,
                        (Object) String.valueOf(aggregate.getIdentifier()).getBytes(StandardCharsets.UTF_8));
                for (String candidate : candidates) {
                    Optional<ScheduledExecution<Object>> execution =
                            scheduler.getScheduledExecution(new DbSchedulerDeadlineToken(candidate));
                    if (execution.isPresent() && !execution.get().isPicked()
                            && execution.get().getData() instanceof DbSchedulerBinaryDeadlineDetails details
                            && deadlineName.equals(details.getD()) && Arrays.equals(serializedScope, details.getS())) {
                        cancel(deadlineName, execution.get().getTaskInstance());
                    }
                }
            }));
        }

        /** Cancels one deadline; one that is under way or gone by now is left to that outcome. */
        private void cancel(String deadlineName, TaskInstanceId task) {
            try {
                scheduler.cancel(task);
            } catch (TaskInstanceCurrentlyExecutingException | TaskInstanceNotFoundException | ExecutionException e) {
                log.info("Deadline {} was under way or gone when its cancellation came ({}); its handler finds the "
                        + "clock fulfilled", deadlineName, e.getClass().getSimpleName());
            }
        }
    }
}
