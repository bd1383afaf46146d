package io.incidenttracker.query.incident;

import io.incidenttracker.query.incident.IncidentViews.AttackWave;
import io.incidenttracker.query.incident.IncidentViews.ResponseMetrics;
import io.incidenttracker.query.incident.IncidentViews.ServiceRestoreMetrics;
import io.incidenttracker.query.incident.IncidentViews.StatusChange;
import io.incidenttracker.query.incident.IncidentViews.WaveMetrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Response metrics from the projected history, in event order; times are the corrected ones.
 * <ul>
 *     <li>time to detect: a wave's first known attack activity to its detection (the incident's: the first wave);</li>
 *     <li>time to contain: a wave's detection to the first containment declared after it (the incident's: the first
 *     wave);</li>
 *     <li>time to restore: per disruption of a service, from its first degraded or unavailable report to its
 *     restoration;</li>
 *     <li>time to resolve: the opening to the current resolution, while the incident is RESOLVED or CLOSED.</li>
 * </ul>
 */
final class ResponseMetricsCalculator {

    /** One change of a service's state, in event order. */
    record ServiceChange(String serviceId, ServiceState state, Instant at) {
    }

    private ResponseMetricsCalculator() {
    }

    static ResponseMetrics calculate(IncidentStatus status, Instant openedAt, List<AttackWave> waves,
                                     List<StatusChange> statusHistory, List<ServiceChange> serviceChanges) {
        List<WaveMetrics> waveMetrics = new ArrayList<>();
        for (AttackWave wave : waves) {
            Instant containedAt = firstContainmentAfter(wave.detectedAt(), statusHistory);
            waveMetrics.add(new WaveMetrics(wave.wave(), wave.firstActivityAt(), wave.detectedAt(), containedAt,
                    between(wave.firstActivityAt(), wave.detectedAt()), between(wave.detectedAt(), containedAt)));
        }
        Instant resolvedAt = null;
        if (status == IncidentStatus.RESOLVED || status == IncidentStatus.CLOSED) {
            for (StatusChange change : statusHistory) {
                if (change.status() == IncidentStatus.RESOLVED) {
                    resolvedAt = change.since();
                }
            }
        }
        WaveMetrics first = waveMetrics.isEmpty() ? null : waveMetrics.get(0);
        return new ResponseMetrics(
                first == null ? null : first.timeToDetect(),
                first == null ? null : first.timeToContain(),
                between(openedAt, resolvedAt),
                waveMetrics,
                restorations(serviceChanges));
    }

    /** Containments are matched by time, so that a corrected time moves the metric with it. */
    private static Instant firstContainmentAfter(Instant detectedAt, List<StatusChange> statusHistory) {
        return statusHistory.stream()
                .filter(change -> change.status() == IncidentStatus.CONTAINED && !change.since().isBefore(detectedAt))
                .map(StatusChange::since)
                .min(Instant::compareTo)
                .orElse(null);
    }

    private static List<ServiceRestoreMetrics> restorations(List<ServiceChange> changes) {
        Map<String, Instant> disruptedSince = new LinkedHashMap<>();
        List<ServiceRestoreMetrics> result = new ArrayList<>();
        for (ServiceChange change : changes) {
            if (change.state() == ServiceState.OPERATIONAL) {
                Instant since = disruptedSince.remove(change.serviceId());
                if (since != null) {
                    result.add(new ServiceRestoreMetrics(change.serviceId(), since, change.at(),
                            between(since, change.at())));
                }
            } else {
                disruptedSince.putIfAbsent(change.serviceId(), change.at());
            }
        }
        disruptedSince.forEach((service, since) -> result.add(new ServiceRestoreMetrics(service, since, null, null)));
        return result;
    }

    private static String between(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to).toString();
    }
}
