package io.incidenttracker.query.consuming;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;

/**
 * How the query instances share the processors ({@code incident-query.processors}).
 *
 * @param instanceId     this instance's name as the owner of processor claims ({@code INCIDENT_QUERY_INSTANCE_ID});
 *                       blank: the process and host name with a random suffix, unique also for two instances in one
 *                       JVM
 * @param balanceInterval how often an instance says it is alive and gives up a processor when it holds more than its
 *                       share
 */
@ConfigurationProperties("incident-query.processors")
public record ProcessorProperties(String instanceId, Duration balanceInterval) {

    public ProcessorProperties {
        if (instanceId == null || instanceId.isBlank()) {
            instanceId = ManagementFactory.getRuntimeMXBean().getName() + "/"
                    + UUID.randomUUID().toString().substring(0, 8);
        }
        if (balanceInterval == null) {
            balanceInterval = Duration.ofSeconds(2);
        }
        if (balanceInterval.isNegative() || balanceInterval.isZero()) {
            throw new IllegalArgumentException("incident-query.processors.balance-interval must be positive");
        }
    }

    /**
     * The owner name under which this instance holds a processor's claims while it restarts the processor from the
     * start: the processor's stop does not release them, and another instance does not take them before the claim
     * timeout.
     */
    public String resettingOwner() {
        return instanceId + " (resetting)";
    }
}
