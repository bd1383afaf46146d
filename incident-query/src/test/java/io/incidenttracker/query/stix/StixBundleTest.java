package io.incidenttracker.query.stix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.ForensicAnalysisStarted;
import io.incidenttracker.events.incident.ForensicFindingRecorded;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.query.stix.StixBundle.Recorded;
import io.incidenttracker.query.stix.StixBundle.Tlp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The STIX export held to the STIX 2.1 specification (OASIS Standard, 10 June 2021), rule by rule; each test names
 * the section it checks.
 */
class StixBundleTest {

    static final UUID ID = UUID.randomUUID();
    static final Instant T0 = Instant.parse("2026-11-30T08:00:00.123456Z");
    static final Pattern UUID_FORM = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    /** The comparison expressions this export writes (section 9.2 grammar, restricted to '=' on one path). */
    static final Pattern COMPARISON = Pattern.compile(
            "\\[(ipv4-addr|ipv6-addr|domain-name|url|email-addr):value = '((?:[^'\\\\]|\\\\['\\\\])*)'\\]"
                    + "|\\[file:hashes\\.(MD5|'SHA-1'|'SHA-256'|'SHA-512') = '[0-9a-f]+'\\]");

    static final StixBundle BUNDLE = new StixBundle(new StixBundle.Organisation("Example Hospital CSIRT",
            "csirt@hospital.example", Instant.parse("2020-01-01T00:00:00Z")));

    static List<Recorded> story(boolean later) {
        List<Recorded> events = new ArrayList<>(List.of(
                new Recorded(0, new IncidentOpened(ID, "Ransomware on booking", Severity.HIGH, T0), T0),
                new Recorded(1, new AttackDetected(ID, 1, AttackType.RANSOMWARE, Severity.HIGH, "encrypted CRM",
                        List.of("crm"), List.of("T1486", "T1059.001"), T0), T0.plusSeconds(1)),
                new Recorded(2, new ForensicAnalysisStarted(ID, "disk-1", "crm disk", T0), T0.plusSeconds(2)),
                new Recorded(3, new ForensicFindingRecorded(ID, "disk-1", List.of("T1486"), List.of(
                        "198.51.100.7", "2001:db8::7", "evil.example.com", "https://evil.example.com/a?b='c'",
                        "attacker@evil.example.com", "d41d8cd98f00b204e9800998ecf8427e",
                        "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                        "the backup server behaved oddly", "payload.exe", "abc123"), "first findings",
                        T0.plusSeconds(3)), T0.plusSeconds(3))));
        if (later) {
            events.add(new Recorded(4, new ForensicFindingRecorded(ID, "disk-1", List.of("T1021"),
                    List.of("203.0.113.9", "198.51.100.7"), "more", T0.plusSeconds(90)), T0.plusSeconds(90)));
        }
        return events;
    }

    static List<JsonNode> objects(ObjectNode bundle) {
        return StreamSupport.stream(bundle.get("objects").spliterator(), false).toList();
    }

    static List<JsonNode> ofType(ObjectNode bundle, String type) {
        return objects(bundle).stream().filter(o -> o.get("type").asText().equals(type)).toList();
    }

    final ObjectNode bundle = BUNDLE.build(ID, story(false), Tlp.AMBER);

    @Test
    @DisplayName("8 Bundle: type 'bundle', an id of type bundle, objects; no spec_version")
    void section8_bundle() {
        assertThat(bundle.get("type").asText()).isEqualTo("bundle");
        assertThat(bundle.get("id").asText()).startsWith("bundle--");
        assertThat(bundle.has("spec_version")).isFalse();
        assertThat(bundle.get("objects").isArray()).isTrue();
    }

    @Test
    @DisplayName("2.7 Identifier: every id is '<type>--<RFC 4122 UUID>' and its type is the object's type")
    void section2_7_identifiers() {
        Set<String> ids = new HashSet<>();
        for (JsonNode object : objects(bundle)) {
            String id = object.get("id").asText();
            String type = object.get("type").asText();
            assertThat(id).startsWith(type + "--");
            assertThat(id.substring(type.length() + 2)).matches(UUID_FORM);
            assertThat(ids.add(id)).as("unique " + id).isTrue();
        }
        assertThat(ids).contains("incident--" + ID);
    }

    @Test
    @DisplayName("3 Common properties: type, spec_version '2.1', id, created, modified on every SDO and SRO")
    void section3_commonProperties() {
        for (JsonNode object : objects(bundle)) {
            assertThat(object.get("spec_version").asText()).isEqualTo("2.1");
            assertThat(object.hasNonNull("created")).isTrue();
            if (!object.get("type").asText().equals("marking-definition")) {
                assertThat(object.hasNonNull("modified")).as(object.toString()).isTrue();
            }
        }
    }

    @Test
    @DisplayName("2.13 Timestamp and 3 created/modified: RFC 3339 in UTC with Z, milliseconds, modified >= created")
    void section2_13_timestamps() {
        for (JsonNode object : objects(bundle)) {
            for (String field : List.of("created", "modified", "valid_from")) {
                if (object.has(field)) {
                    assertThat(object.get(field).asText()).as(field).matches(TIMESTAMP);
                }
            }
            if (object.has("modified")) {
                assertThat(Instant.parse(object.get("modified").asText()))
                        .isAfterOrEqualTo(Instant.parse(object.get("created").asText()));
            }
        }
    }

    @Test
    @DisplayName("3 Versioning: a later export keeps every id, advances the incident's modified, keeps created")
    void section3_versioning() {
        ObjectNode later = BUNDLE.build(ID, story(true), Tlp.AMBER);
        Map<String, JsonNode> before = new java.util.HashMap<>();
        objects(bundle).forEach(o -> before.put(o.get("id").asText(), o));
        Map<String, JsonNode> after = new java.util.HashMap<>();
        objects(later).forEach(o -> after.put(o.get("id").asText(), o));
        assertThat(after.keySet()).containsAll(before.keySet());
        JsonNode incidentBefore = before.get("incident--" + ID);
        JsonNode incidentAfter = after.get("incident--" + ID);
        assertThat(incidentAfter.get("created")).isEqualTo(incidentBefore.get("created"));
        assertThat(Instant.parse(incidentAfter.get("modified").asText()))
                .isAfter(Instant.parse(incidentBefore.get("modified").asText()));
        before.forEach((id, object) -> {
            if (!id.startsWith("incident--") && !id.startsWith("note--")) {
                assertThat(after.get(id)).as(id).isEqualTo(object);
            }
        });
        assertThat(ofType(later, "indicator")).hasSize(ofType(bundle, "indicator").size() + 1);
    }

    @Test
    @DisplayName("4.5 Identity: the reporting organisation, name and identity_class; every object created by it")
    void section4_5_identity() {
        List<JsonNode> identities = ofType(bundle, "identity");
        assertThat(identities).hasSize(1);
        JsonNode identity = identities.get(0);
        assertThat(identity.get("name").asText()).isEqualTo("Example Hospital CSIRT");
        assertThat(identity.get("identity_class").asText()).isEqualTo("organization");
        for (JsonNode object : objects(bundle)) {
            if (object.has("created_by_ref")) {
                assertThat(object.get("created_by_ref").asText()).isEqualTo(identity.get("id").asText());
            }
        }
        assertThat(ofType(bundle, "incident").get(0).get("created_by_ref").asText())
                .isEqualTo(identity.get("id").asText());
    }

    @Test
    @DisplayName("4.6 Incident: name required; the incident core extension as a property-extension")
    void section4_6_incident() {
        JsonNode incident = ofType(bundle, "incident").get(0);
        assertThat(incident.get("name").asText()).isEqualTo("Ransomware on booking");
        JsonNode core = incident.get("extensions").get(StixBundle.INCIDENT_EXTENSION);
        assertThat(core.get("extension_type").asText()).isEqualTo("property-extension");
        assertThat(core.get("determination").asText()).isEqualTo("confirmed");
        assertThat(core.get("investigation_status").asText()).isEqualTo("open");
        assertThat(core.get("criticality").asInt()).isBetween(0, 100);
    }

    @Test
    @DisplayName("4.1 Attack Pattern: name required; ATT&CK ids as external references of source mitre-attack")
    void section4_1_attackPatterns() {
        List<JsonNode> patterns = ofType(bundle, "attack-pattern");
        assertThat(patterns).extracting(p -> p.get("name").asText()).containsExactly("T1486", "T1059.001");
        JsonNode subTechnique = patterns.get(1).get("external_references").get(0);
        assertThat(subTechnique.get("source_name").asText()).isEqualTo("mitre-attack");
        assertThat(subTechnique.get("external_id").asText()).isEqualTo("T1059.001");
        assertThat(subTechnique.get("url").asText()).isEqualTo("https://attack.mitre.org/techniques/T1059/001/");
    }

    @Test
    @DisplayName("4.7 Indicator: pattern, pattern_type 'stix', valid_from required; one per recognised indicator")
    void section4_7_indicators() {
        List<JsonNode> indicators = ofType(bundle, "indicator");
        assertThat(indicators).hasSize(8);
        for (JsonNode indicator : indicators) {
            assertThat(indicator.get("pattern_type").asText()).isEqualTo("stix");
            assertThat(indicator.get("pattern_version").asText()).isEqualTo("2.1");
            assertThat(indicator.hasNonNull("valid_from")).isTrue();
            assertThat(indicator.get("pattern").asText()).matches(COMPARISON);
        }
        assertThat(indicators).extracting(i -> i.get("pattern").asText()).contains(
                "[ipv4-addr:value = '198.51.100.7']",
                "[ipv6-addr:value = '2001:db8::7']",
                "[domain-name:value = 'evil.example.com']",
                "[url:value = 'https://evil.example.com/a?b=\\'c\\'']",
                "[email-addr:value = 'attacker@evil.example.com']",
                "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
                "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
                "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']");
    }

    @Test
    @DisplayName("9 Patterning: text that is no recognised kind never becomes a pattern; it goes into a note (4.13)")
    void section9_unrecognisedIndicatorsGoIntoANote() {
        assertThat(ofType(bundle, "indicator")).extracting(i -> i.get("name").asText())
                .doesNotContain("the backup server behaved oddly", "payload.exe", "abc123");
        List<JsonNode> notes = ofType(bundle, "note");
        assertThat(notes).hasSize(1);
        JsonNode note = notes.get(0);
        assertThat(note.get("content").asText()).contains("the backup server behaved oddly", "payload.exe",
                                                          "abc123");
        assertThat(note.get("object_refs").get(0).asText()).isEqualTo("incident--" + ID);
    }

    @Test
    @DisplayName("9 Patterning: quotes and backslashes are escaped inside string literals")
    void section9_escaping() {
        assertThat(StixPatterns.recognise("http://a.example/it's").orElseThrow().pattern())
                .isEqualTo("[url:value = 'http://a.example/it\\'s']");
        assertThat(StixPatterns.escape("a\\b'c")).isEqualTo("a\\\\b\\'c");
        assertThat(StixPatterns.recognise("1.2.3.4/24").orElseThrow().pattern())
                .isEqualTo("[ipv4-addr:value = '1.2.3.4/24']");
        assertThat(StixPatterns.recognise("999.1.1.1")).isEmpty();
        assertThat(StixPatterns.recognise("12:30")).isEmpty();
        assertThat(StixPatterns.recognise("0123456789abcdef")).isEmpty();
    }

    @Test
    @DisplayName("5.1 Relationship: relationship_type, source_ref, target_ref required; both ends in the bundle")
    void section5_1_relationships() {
        Set<String> ids = new HashSet<>();
        objects(bundle).forEach(o -> ids.add(o.get("id").asText()));
        List<JsonNode> relationships = ofType(bundle, "relationship");
        assertThat(relationships).isNotEmpty();
        for (JsonNode relationship : relationships) {
            assertThat(relationship.get("relationship_type").asText()).matches("[a-z0-9-]+");
            assertThat(ids).contains(relationship.get("source_ref").asText(), relationship.get("target_ref").asText());
            if (relationship.get("relationship_type").asText().equals("indicates")) {
                assertThat(relationship.get("source_ref").asText()).startsWith("indicator--");
                assertThat(relationship.get("target_ref").asText()).startsWith("attack-pattern--");
            }
        }
        assertThat(relationships).filteredOn(r -> r.get("relationship_type").asText().equals("indicates"))
                .hasSize(8);
    }

    @Test
    @DisplayName("7.2.1.4 TLP marking: the spec's fixed marking-definition, referenced by every other object")
    void section7_2_tlpMarking() {
        for (Tlp tlp : Tlp.values()) {
            ObjectNode marked = BUNDLE.build(ID, story(false), tlp);
            List<JsonNode> markings = ofType(marked, "marking-definition");
            assertThat(markings).hasSize(1);
            assertThat(markings.get(0).get("definition_type").asText()).isEqualTo("tlp");
            assertThat(markings.get(0).get("definition").get("tlp").asText()).isEqualTo(tlp.level());
            for (JsonNode object : objects(marked)) {
                if (!object.get("type").asText().equals("marking-definition")) {
                    assertThat(object.get("object_marking_refs").get(0).asText()).isEqualTo(tlp.id());
                }
            }
        }
        assertThat(Tlp.AMBER.id()).isEqualTo("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82");
    }
}
