package io.incidenttracker.query.status;

import io.incidenttracker.query.status.PublicSummary.Component;
import io.incidenttracker.query.status.PublicSummary.Incident;
import io.incidenttracker.query.status.PublicSummary.Update;
import org.springframework.jdbc.core.JdbcTemplate;


import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reads what the public may see, and nothing else: the board rows of the services configuration names public, and
 * the {@code PUBLIC} status updates. Every column read here is named; no internal title, system, actor or
 * {@code INTERNAL} update is ever selected.
 */
@org.springframework.stereotype.Component
public class PublicStatusQueries {

    /** What an incident is called publicly when its public updates predate headlines (revision 1). */
    static final String UNNAMED_INCIDENT = "Service disruption";

    private final JdbcTemplate jdbc;

    public PublicStatusQueries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The configured services in configuration order, each with its public name and its board state. */
    List<Component> components(Map<String, String> publicNames) {
        if (publicNames.isEmpty()) {
            return List.of();
        }
        Map<String, Component> byId = new HashMap<>();
        jdbc.query("SELECT service_id, state, since FROM service_board WHERE service_id = ANY (?)",
                ps -> ps.setArray(1, ps.getConnection().createArrayOf("text", publicNames.keySet().toArray())),
                rs -> {
                    String id = rs.getString("service_id");
                    byId.put(id, new Component(id, publicNames.get(id), componentStatus(rs.getString("state")),
                            rs.getObject("since", OffsetDateTime.class).toInstant()));
                });
        List<Component> components = new ArrayList<>();
        publicNames.forEach((id, name) -> components.add(
                byId.getOrDefault(id, new Component(id, name, "operational", null))));
        return components;
    }

    /** A board state in the vocabulary of hosted status pages. */
    static String componentStatus(String boardState) {
        return switch (boardState) {
            case "UNAVAILABLE" -> "major_outage";
            case "DEGRADED" -> "degraded_performance";
            default -> "operational";
        };
    }

    /**
     * The incidents with a {@code PUBLIC} update, most recently updated first: named by the latest headline, with
     * the latest status and impact given, and their public updates newest first. Resolved ones only while their last
     * update is younger than {@code resolvedShownFor}'s cut-off.
     */
    List<Incident> incidents(Instant resolvedCutOff) {
        Map<UUID, List<Row>> rows = new LinkedHashMap<>();
        jdbc.query("""
                SELECT incident_id, text, headline, public_status, impact, published_at
                FROM status_update WHERE audience = 'PUBLIC' ORDER BY incident_id, sequence""",
                rs -> {
                    rows.computeIfAbsent(rs.getObject("incident_id", UUID.class), id -> new ArrayList<>()).add(new Row(
                            rs.getString("text"), rs.getString("headline"), rs.getString("public_status"),
                            rs.getString("impact"), rs.getObject("published_at", OffsetDateTime.class).toInstant()));
                });
        List<Incident> incidents = new ArrayList<>();
        rows.forEach((id, updates) -> {
            Incident incident = fold(id, updates);
            if (!"resolved".equals(incident.status()) || incident.updatedAt().isAfter(resolvedCutOff)) {
                incidents.add(incident);
            }
        });
        incidents.sort(Comparator.comparing(Incident::updatedAt).reversed().thenComparing(Incident::id));
        return incidents;
    }

    private record Row(String text, String headline, String status, String impact, Instant publishedAt) {
    }

    private static Incident fold(UUID id, List<Row> rows) {
        String name = UNNAMED_INCIDENT;
        String status = "investigating";
        String impact = "none";
        Instant created = null;
        Instant updated = null;
        List<Update> updates = new ArrayList<>();
        for (Row row : rows) {
            name = row.headline() != null ? row.headline() : name;
            status = row.status() != null ? row.status().toLowerCase(Locale.ROOT) : status;
            impact = row.impact() != null ? row.impact().toLowerCase(Locale.ROOT) : impact;
            created = created == null || row.publishedAt().isBefore(created) ? row.publishedAt() : created;
            updated = updated == null || row.publishedAt().isAfter(updated) ? row.publishedAt() : updated;
            updates.add(new Update(row.text(), status, row.publishedAt()));
        }
        updates.sort(Comparator.comparing(Update::createdAt).reversed());
        return new Incident(id.toString(), name, status, impact, created, updated, List.copyOf(updates));
    }
}
