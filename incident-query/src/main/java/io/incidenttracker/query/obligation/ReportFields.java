package io.incidenttracker.query.obligation;

import io.incidenttracker.query.incident.IncidentViews.AttackWave;
import io.incidenttracker.query.incident.IncidentViews.DataImpactAssessment;
import io.incidenttracker.query.incident.IncidentViews.ForensicAnalysis;
import io.incidenttracker.query.incident.IncidentViews.IncidentDetail;
import io.incidenttracker.query.incident.IncidentViews.ServiceStatus;
import io.incidenttracker.query.obligation.ObligationViews.ReportField;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The report fields the rules can require, each with a label and where the incident's facts hold it. A field whose
 * source is empty, or that the product does not record at all (a criminal complaint, a contact point, the
 * consequences for people), is listed as missing for the reporter to complete.
 */
final class ReportFields {

    private record Source(String label, Function<IncidentDetail, Object> value) {
    }

    private static final Map<String, Source> FIELDS = new LinkedHashMap<>();

    static {
        field("detected-at", "Detection of the attack", i -> firstWave(i) == null ? null : firstWave(i).detectedAt().toString());
        field("first-activity-at", "First known attacker activity", i -> firstWave(i) == null
                || firstWave(i).firstActivityAt() == null ? null : firstWave(i).firstActivityAt().toString());
        field("attack-types", "Kind of attack", i -> list(i.attackWaves().stream()
                .map(w -> w.attackType().name()).distinct().toList()));
        field("suspected-malicious", "Suspected unlawful or malicious cause", i -> i.attackWaves().isEmpty() ? null
                : "yes: " + String.join(", ", i.attackWaves().stream().map(w -> w.attackType().name()).distinct().toList()));
        field("techniques", "Attack techniques (MITRE ATT&CK)", i -> {
            Set<String> techniques = new LinkedHashSet<>();
            i.attackWaves().forEach(w -> techniques.addAll(w.techniques()));
            i.forensicAnalyses().forEach(a -> a.findings().forEach(f -> techniques.addAll(f.techniques())));
            return list(List.copyOf(techniques));
        });
        field("severity", "Severity", i -> i.severity().name());
        field("impact-on-functioning", "Impact on operations (services)", i -> list(i.services().stream()
                .map(ReportFields::service).toList()));
        field("confidentiality-integrity-availability", "Effect on confidentiality, integrity and availability", i -> {
            DataImpactAssessment latest = latest(i);
            if (latest == null) {
                return null;
            }
            long disrupted = i.services().stream().filter(s -> !"OPERATIONAL".equals(s.state().name())).count();
            return "confidentiality: exfiltration " + latest.exfiltration() + "; integrity: encryption "
                    + latest.encryption() + "; availability: " + disrupted + " of " + i.services().size()
                    + " services disrupted now";
        });
        field("nature-of-breach", "Nature of the breach", i -> {
            DataImpactAssessment latest = latest(i);
            return latest == null ? null : "personal data " + latest.personalData() + ", exfiltration "
                    + latest.exfiltration() + ", encryption " + latest.encryption()
                    + (latest.rationale() == null ? "" : " (" + latest.rationale() + ")");
        });
        field("data-categories", "Categories of data", i -> latest(i) == null ? null : list(latest(i).dataCategories()));
        field("estimated-people", "Approximate number of people affected", i -> latest(i) == null
                || latest(i).estimatedPeople() == null ? null : latest(i).estimatedPeople().toString());
        field("duration", "Time and duration", i -> firstWave(i) == null || i.containedAt() == null ? null
                : firstWave(i).detectedAt() + " to " + i.containedAt() + " ("
                + Duration.between(firstWave(i).detectedAt(), i.containedAt()) + ")");
        field("measures", "Measures taken", i -> {
            List<String> measures = new ArrayList<>();
            i.systems().stream().filter(s -> s.state().name().equals("ISOLATED") || s.state().name().equals("RECONNECTED"))
                    .forEach(s -> measures.add("system " + s.systemId() + " " + s.state().name().toLowerCase()
                            + " since " + s.since()));
            if (i.containedAt() != null) {
                measures.add("contained at " + i.containedAt());
            }
            return list(measures);
        });
        field("root-cause", "Root cause (forensic conclusions)", i -> list(i.forensicAnalyses().stream()
                .map(ForensicAnalysis::conclusion).filter(Objects::nonNull).toList()));
        field("indicators-of-compromise", "Indicators of compromise", i -> {
            Set<String> indicators = new LinkedHashSet<>();
            i.forensicAnalyses().forEach(a -> a.findings().forEach(f -> indicators.addAll(f.indicators())));
            return list(List.copyOf(indicators));
        });
        field("resolved-at", "Resolution", i -> i.resolvedAt() == null ? null : i.resolvedAt().toString());
        field("scope", "Scope (systems and services)", i -> {
            List<String> scope = new ArrayList<>();
            i.systems().forEach(s -> scope.add("system " + s.systemId()));
            i.services().forEach(s -> scope.add("service " + s.serviceId()));
            return list(scope);
        });
        // recorded outside the product's events: always for the reporter to complete
        field("extortion", "Extortion or threats", i -> null);
        field("criminal-complaint", "Criminal complaint filed", i -> null);
        field("attacker", "Attacker, if known", i -> null);
        field("consequences", "Likely consequences for the people affected", i -> null);
        field("contact-point", "Contact point", i -> null);
        field("dpo-contact", "Data protection officer's contact", i -> null);
        field("cross-border-impact", "Cross-border impact", i -> null);
        field("material-impact", "Material impact on the organisation", i -> null);
    }

    private ReportFields() {
    }

    private static void field(String id, String label, Function<IncidentDetail, Object> value) {
        FIELDS.put(id, new Source(label, value));
    }

    /** The required fields in the given order, each filled from the incident or marked missing. */
    static List<ReportField> fill(List<String> required, IncidentDetail incident) {
        List<ReportField> fields = new ArrayList<>();
        for (String id : required) {
            Source source = FIELDS.get(id);
            Object value = source == null ? null : source.value().apply(incident);
            fields.add(new ReportField(id, source == null ? id : source.label(), value, value == null));
        }
        return fields;
    }

    private static AttackWave firstWave(IncidentDetail incident) {
        return incident.attackWaves().isEmpty() ? null : incident.attackWaves().get(0);
    }

    private static DataImpactAssessment latest(IncidentDetail incident) {
        return incident.dataImpact() == null ? null : incident.dataImpact().latest();
    }

    private static String service(ServiceStatus service) {
        return service.serviceId() + ": " + service.state().name() + " since " + service.since();
    }

    /** An empty list is missing information. */
    private static Object list(List<String> values) {
        return values.isEmpty() ? null : values;
    }
}
