package io.incidenttracker.query.stix;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.ForensicFindingRecorded;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IncidentReopened;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SeverityChanged;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Builds the STIX 2.1 bundle of one incident from its events as recorded: the reporting organisation (identity), the
 * incident (with the incident core extension), an attack-pattern per ATT&amp;CK technique, an indicator per forensic
 * indicator whose kind is recognised, a note with the ones that are not, the relationships between them, and the
 * TLP marking the caller chose on every object.
 * <p>
 * Ids are name-based (UUID version 5 under a namespace of this product, from the incident id and what the object
 * stands for), so the same object keeps its id across exports; {@code created} is when it first appeared in the
 * incident's history and {@code modified} when it last changed, so that a receiver of a later export updates rather
 * than duplicates. The incident's own id is its id in this product.
 */
public final class StixBundle {

    /** The incident core extension (STIX 2.1 extension definition for the incident SDO's properties). */
    public static final String INCIDENT_EXTENSION = "extension-definition--ef765651-680c-498d-9894-99799f2fa126";

    /** The namespace of this product's name-based STIX ids. */
    static final UUID NAMESPACE = UUID.fromString("1f6a4c52-3d8e-4b0f-9a57-5c2e7d9b8a61");

    private static final Pattern TECHNIQUE = Pattern.compile("T\\d{4}(\\.\\d{3})?");
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** An event of the incident with when it was recorded. */
    public record Recorded(long sequence, IncidentEvent event, Instant recordedAt) {
    }

    /** The reporting organisation, the identity every object is created by. */
    public record Organisation(String name, String contact, Instant since) {
    }

    /** The TLP 1.0 marking definitions that STIX 2.1 defines (section 7.2.1.4), by their fixed ids. */
    public enum Tlp {
        WHITE("613f2e26-407d-48c7-9eca-b8e91df99dc9"),
        GREEN("34098fce-860f-48ae-8e50-ebd3cc5e41da"),
        AMBER("f88d31f6-486f-44da-b317-01333bde0b82"),
        RED("5e57c739-391a-4eb3-b6be-7d15ca92d5ed");

        private final String uuid;

        Tlp(String uuid) {
            this.uuid = uuid;
        }

        public String id() {
            return "marking-definition--" + uuid;
        }

        public String level() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final JsonNodeFactory json = JsonNodeFactory.instance;
    private final Organisation organisation;

    public StixBundle(Organisation organisation) {
        this.organisation = organisation;
    }

    /** The bundle of an incident's events (in sequence order, the first an {@link IncidentOpened}). */
    public ObjectNode build(UUID incidentId, List<Recorded> events, Tlp tlp) {
        String identityId = "identity--" + nameBased("identity:" + organisation.name());
        String incidentStixId = "incident--" + incidentId;
        Map<String, ObjectNode> objects = new LinkedHashMap<>();

        ObjectNode marking = json.objectNode();
        marking.put("type", "marking-definition");
        marking.put("spec_version", "2.1");
        marking.put("id", tlp.id());
        marking.put("created", "2017-01-20T00:00:00.000Z");
        marking.put("definition_type", "tlp");
        marking.put("name", "TLP:" + tlp.name());
        marking.set("definition", json.objectNode().put("tlp", tlp.level()));
        objects.put(tlp.id(), marking);

        ObjectNode identity = sdo("identity", identityId, organisation.since(), organisation.since(), tlp, null);
        identity.put("name", organisation.name());
        identity.put("identity_class", "organization");
        if (organisation.contact() != null && !organisation.contact().isBlank()) {
            identity.put("contact_information", organisation.contact());
        }
        objects.put(identityId, identity);

        Recorded first = events.get(0);
        Instant lastRecorded = first.recordedAt();
        String title = null;
        Severity severity = null;
        boolean closed = false;
        String summary = null;
        List<String> descriptions = new ArrayList<>();
        Map<String, Instant> techniquesFirstSeen = new LinkedHashMap<>();
        Map<String, ObjectNode> indicators = new LinkedHashMap<>();
        Map<String, Set<String>> indicatorTechniques = new LinkedHashMap<>();
        List<String> unrecognised = new ArrayList<>();
        Instant unrecognisedFirst = null;
        Instant unrecognisedLast = null;

        for (Recorded recorded : events) {
            Instant at = recorded.recordedAt();
            if (at.isAfter(lastRecorded)) {
                lastRecorded = at;
            }
            switch (recorded.event()) {
                case IncidentOpened e -> {
                    title = e.title();
                    severity = e.severity();
                }
                case SeverityChanged e -> severity = e.severity();
                case AttackDetected e -> {
                    severity = e.severity() == null ? severity : e.severity().atLeast(severity);
                    descriptions.add("Wave " + e.wave() + ": " + e.attackType()
                            + (e.description() == null ? "" : " - " + e.description()));
                    e.techniques().forEach(t -> techniquesFirstSeen.putIfAbsent(t, at));
                }
                case ForensicFindingRecorded e -> {
                    List<String> techniques = e.techniques().stream().filter(t -> TECHNIQUE.matcher(t).matches())
                            .toList();
                    techniques.forEach(t -> techniquesFirstSeen.putIfAbsent(t, at));
                    for (String raw : e.indicators()) {
                        Optional<StixPatterns.Recognised> recognised = StixPatterns.recognise(raw);
                        if (recognised.isEmpty()) {
                            if (!unrecognised.contains(raw)) {
                                unrecognised.add(raw);
                                unrecognisedFirst = unrecognisedFirst == null ? at : unrecognisedFirst;
                                unrecognisedLast = at;
                            }
                            continue;
                        }
                        String pattern = recognised.get().pattern();
                        String id = "indicator--" + nameBased(incidentId + ":indicator:" + pattern);
                        if (!indicators.containsKey(id)) {
                            ObjectNode indicator = sdo("indicator", id, at, at, tlp, identityId);
                            indicator.put("name", raw.strip());
                            indicator.put("description", "Indicator of compromise (" + recognised.get().kind()
                                    + ") recorded by forensic analysis " + e.analysisId());
                            indicator.set("indicator_types", json.arrayNode().add("malicious-activity"));
                            indicator.put("pattern", pattern);
                            indicator.put("pattern_type", "stix");
                            indicator.put("pattern_version", "2.1");
                            indicator.put("valid_from", timestamp(e.occurredAt()));
                            indicators.put(id, indicator);
                        }
                        indicatorTechniques.computeIfAbsent(id, k -> new LinkedHashSet<>()).addAll(techniques);
                    }
                }
                case IncidentClosed e -> {
                    closed = true;
                    summary = e.postIncidentSummary();
                }
                case IncidentReopened e -> closed = false;
                default -> {
                }
            }
        }

        ObjectNode incident = sdo("incident", incidentStixId, first.recordedAt(), lastRecorded, tlp, identityId);
        incident.put("name", title == null ? "Incident " + incidentId : title);
        List<String> text = new ArrayList<>(descriptions);
        if (summary != null) {
            text.add("Post-incident summary: " + summary);
        }
        if (!text.isEmpty()) {
            incident.put("description", String.join("\n", text));
        }
        incident.set("external_references", json.arrayNode().add(json.objectNode()
                .put("source_name", "incident-tracker").put("external_id", incidentId.toString())));
        ObjectNode core = json.objectNode();
        core.put("extension_type", "property-extension");
        core.put("determination", "confirmed");
        core.put("investigation_status", closed ? "closed" : "open");
        if (severity != null) {
            core.put("criticality", criticality(severity));
        }
        incident.set("extensions", json.objectNode().set(INCIDENT_EXTENSION, core));
        objects.put(incidentStixId, incident);

        Map<String, String> attackPatternIds = new LinkedHashMap<>();
        techniquesFirstSeen.forEach((technique, at) -> {
            if (!TECHNIQUE.matcher(technique).matches()) {
                return;
            }
            String id = "attack-pattern--" + nameBased(incidentId + ":attack-pattern:" + technique);
            ObjectNode pattern = sdo("attack-pattern", id, at, at, tlp, identityId);
            pattern.put("name", technique);
            pattern.set("external_references", json.arrayNode().add(json.objectNode()
                    .put("source_name", "mitre-attack")
                    .put("external_id", technique)
                    .put("url", "https://attack.mitre.org/techniques/" + technique.replace('.', '/') + "/")));
            objects.put(id, pattern);
            attackPatternIds.put(technique, id);
            relationship(objects, incidentId, id, "related-to", incidentStixId, at, tlp, identityId);
        });
        indicators.forEach((id, indicator) -> {
            objects.put(id, indicator);
            Instant at = Instant.parse(indicator.get("created").asText());
            relationship(objects, incidentId, id, "related-to", incidentStixId, at, tlp, identityId);
            for (String technique : indicatorTechniques.getOrDefault(id, Set.of())) {
                String target = attackPatternIds.get(technique);
                if (target != null) {
                    relationship(objects, incidentId, id, "indicates", target, at, tlp, identityId);
                }
            }
        });
        if (!unrecognised.isEmpty()) {
            String id = "note--" + nameBased(incidentId + ":note:unrecognised-indicators");
            ObjectNode note = sdo("note", id, unrecognisedFirst, unrecognisedLast, tlp, identityId);
            note.put("abstract", "Indicators recorded as text whose kind is not recognised");
            note.put("content", "Recorded by forensic analysis, not expressible as STIX patterns:\n"
                    + String.join("\n", unrecognised));
            note.set("object_refs", json.arrayNode().add(incidentStixId));
            objects.put(id, note);
        }

        ObjectNode bundle = json.objectNode();
        bundle.put("type", "bundle");
        bundle.put("id", "bundle--" + UUID.randomUUID());
        ArrayNode list = bundle.putArray("objects");
        objects.values().forEach(list::add);
        return bundle;
    }

    private void relationship(Map<String, ObjectNode> objects, UUID incidentId, String source, String type,
                              String target, Instant at, Tlp tlp, String identityId) {
        String id = "relationship--" + nameBased(incidentId + ":relationship:" + source + ":" + type + ":" + target);
        ObjectNode relationship = sdo("relationship", id, at, at, tlp, identityId);
        relationship.put("relationship_type", type);
        relationship.put("source_ref", source);
        relationship.put("target_ref", target);
        objects.put(id, relationship);
    }

    private ObjectNode sdo(String type, String id, Instant created, Instant modified, Tlp tlp, String createdBy) {
        ObjectNode node = json.objectNode();
        node.put("type", type);
        node.put("spec_version", "2.1");
        node.put("id", id);
        if (createdBy != null) {
            node.put("created_by_ref", createdBy);
        }
        node.put("created", timestamp(created));
        node.put("modified", timestamp(modified.isBefore(created) ? created : modified));
        node.set("object_marking_refs", json.arrayNode().add(tlp.id()));
        return node;
    }

    private static int criticality(Severity severity) {
        return switch (severity) {
            case LOW -> 25;
            case MEDIUM -> 50;
            case HIGH -> 75;
            case CRITICAL -> 100;
        };
    }

    /** A STIX timestamp: UTC, {@code Z}, millisecond precision. */
    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    /** A name-based UUID (RFC 4122 version 5, SHA-1) under this product's namespace. */
    static UUID nameBased(String name) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(toBytes(NAMESPACE));
            byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
            long msb = 0;
            long lsb = 0;
            for (int i = 0; i < 8; i++) {
                msb = (msb << 8) | (hash[i] & 0xff);
                lsb = (lsb << 8) | (hash[i + 8] & 0xff);
            }
            return new UUID(msb, lsb);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] toBytes(UUID uuid) {
        byte[] bytes = new byte[16];
        long msb = uuid.getMostSignificantBits();
        long lsb = uuid.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (msb >>> (56 - 8 * i));
            bytes[i + 8] = (byte) (lsb >>> (56 - 8 * i));
        }
        return bytes;
    }
}
