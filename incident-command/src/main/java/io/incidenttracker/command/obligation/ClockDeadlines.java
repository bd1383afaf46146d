package io.incidenttracker.command.obligation;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.exceptions.ExecutionException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurationScopeAwareProvider;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.DeadlineManagerSpanFactory;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.messaging.ScopeDescriptor;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The deadlines of the reporting clocks: Axon's deadline manager on db-scheduler (table {@code scheduled_tasks} of the
 * command database), with one difference. A report that fulfils a clock cancels the clock's deadlines when its
 * command commits; a deadline that the scheduler picked, ran or removed between the cancellation's look-up and its
 * delete is not a failure of that report. The deadline's handler on the incident finds the clock fulfilled and records
 * nothing (it waits for the incident's lock, which the report holds until it commits), so the report is recorded and
 * the deadline comes to nothing, as if it had been cancelled.
 *
 * <p>Without this, db-scheduler's refusal to cancel a deadline under way ({@link TaskInstanceCurrentlyExecutingException},
 * or the {@link ExecutionException} of a delete that found the row changed, or {@link TaskInstanceNotFoundException}
 * for one already gone) rolled the report back and answered 500: seen when a report came while its clock's overdue
 * deadline was being picked, as the story of 2023 does with clocks long overdue.
 */
@Configuration(proxyBeanMethods = false)
public class ClockDeadlines {

    /** Replaces Axon's auto-configured deadline manager (same settings: db-scheduler's starter runs the scheduler). */
    @Bean
    DeadlineManager deadlineManager(Scheduler scheduler, org.axonframework.config.Configuration configuration,
                                    @Qualifier("eventSerializer") Serializer serializer,
                                    TransactionManager transactionManager,
                                    DeadlineManagerSpanFactory spanFactory) {
        return new TolerantCancellation(DbSchedulerDeadlineManager.builder()
                .scheduler(scheduler)
                .scopeAwareProvider(new ConfigurationScopeAwareProvider(configuration))
                .serializer(serializer)
                .transactionManager(transactionManager)
                .spanFactory(spanFactory)
                .startScheduler(false)
                .stopScheduler(false));
    }

    /** Whether a cancellation failed only because the deadline was under way or gone. */
    static boolean underWayOrGone(TaskInstanceException e) {
        return e instanceof TaskInstanceCurrentlyExecutingException || e instanceof TaskInstanceNotFoundException
                || e instanceof ExecutionException;
    }

    /**
     * Cancellations that meet a deadline under way or gone are logged and end there; scheduling is unchanged. The
     * cancellations run in the command's prepare-commit phase ({@link #runOnPrepareCommitOrNow}), so the calls that
     * cancel mark the work they defer.
     */
    static final class TolerantCancellation extends DbSchedulerDeadlineManager {

        private static final Logger log = LoggerFactory.getLogger(ClockDeadlines.class);

        private final ThreadLocal<String> cancelling = new ThreadLocal<>();

        TolerantCancellation(Builder builder) {
            super(builder);
        }

        @Override
        public void cancelSchedule(String deadlineName, String scheduleId) {
            cancelling(deadlineName, () -> super.cancelSchedule(deadlineName, scheduleId));
        }

        @Override
        public void cancelAll(String deadlineName) {
            cancelling(deadlineName, () -> super.cancelAll(deadlineName));
        }

        @Override
        public void cancelAllWithinScope(String deadlineName, ScopeDescriptor scope) {
            cancelling(deadlineName, () -> super.cancelAllWithinScope(deadlineName, scope));
        }

        private void cancelling(String deadlineName, Runnable cancellation) {
            cancelling.set(deadlineName);
            try {
                cancellation.run();
            } finally {
                cancelling.remove();
            }
        }

        @Override
        protected void runOnPrepareCommitOrNow(Runnable deadlineCall) {
            String deadlineName = cancelling.get();
            if (deadlineName == null) {
                super.runOnPrepareCommitOrNow(deadlineCall);
                return;
            }
            super.runOnPrepareCommitOrNow(() -> {
                try {
                    deadlineCall.run();
                } catch (TaskInstanceException e) {
                    if (!underWayOrGone(e)) {
                        throw e;
                    }
                    log.info("Deadline {} was under way or gone when its cancellation came ({}); its handler finds "
                            + "the clock fulfilled", deadlineName, e.getClass().getSimpleName());
                }
            });
        }
    }
}
