package io.incidenttracker.command.publishing;

import io.incidenttracker.command.CommandServiceIntegration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Republishing stored events on request: the very records published before, for admins only, in store order. */
class RepublishTest extends CommandServiceIntegration {

    @Test
    void republishesAnIncidentsStoredEventsAsTheVeryRecordsPublishedBefore() throws Exception {
        UUID id = openIncident();
        assertVersion(http().post("/api/incidents/" + id + "/systems/app-booking/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\",\"reason\":\"possibly infected\"}"), 2);
        // the publisher delivers at least once: a record may already be there twice
        List<ConsumerRecord<String, byte[]>> published = recordsOf(id, 3);
        Map<String, ConsumerRecord<String, byte[]>> firstById = byEventId(published);
        assertThat(firstById).hasSize(3);

        HttpResponse<String> response = http().post("/api/admin/events/republish?incidentId=" + id, "admin", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree(
                "{\"incidentId\":\"" + id + "\",\"events\":3}"));
        List<ConsumerRecord<String, byte[]>> all = recordsOf(id, published.size() + 3);
        List<ConsumerRecord<String, byte[]>> republished = all.subList(all.size() - 3, all.size());
        assertThat(republished).extracting(r -> header(r, "ce_id")).containsExactlyElementsOf(firstById.keySet());
        for (ConsumerRecord<String, byte[]> again : republished) {
            ConsumerRecord<String, byte[]> before = firstById.get(header(again, "ce_id"));
            assertThat(again.key()).isEqualTo(before.key());
            assertThat(again.partition()).isEqualTo(before.partition());
            assertThat(again.value()).isEqualTo(before.value());
            for (String header : List.of("ce_type", "ce_sequence", "ce_recordedat", "ce_time", "ce_actor",
                                         "ce_subject", "ce_source", "ce_correlationid")) {
                assertThat(header(again, header)).as(header).isEqualTo(header(before, header));
            }
        }
    }

    @Test
    void republishingIsForAdminsAndNeedsAKnownIncident() throws Exception {
        UUID id = openIncident();
        assertProblem(http().post("/api/admin/events/republish?incidentId=" + id, "responder", ""), 403,
                "urn:problem:incident-tracker:forbidden");
        assertProblem(http().post("/api/admin/events/republish?incidentId=" + UUID.randomUUID(), "admin", ""), 404,
                "urn:problem:incident-tracker:not-found");
        assertProblem(http().post("/api/admin/events/republish?incidentId=not-a-uuid", "admin", ""), 400,
                "urn:problem:incident-tracker:invalid-input");
    }

    @Test
    void republishesEveryStoredEventInTheOrderOfTheStore() throws Exception {
        UUID id = openIncident();
        int before = recordsOf(id, 2).size();
        long stored = eventCount();

        HttpResponse<String> response = http().post("/api/admin/events/republish", "admin", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("events").asLong()).isEqualTo(stored);
        List<ConsumerRecord<String, byte[]>> all = recordsOf(id, before + 2);
        assertThat(all.subList(all.size() - 2, all.size())).extracting(r -> header(r, "ce_sequence"))
                .containsExactly("0000000000000000000", "0000000000000000001");
    }
}
