package io.incidenttracker.query.status;

import io.incidenttracker.query.status.PublicSummary.Incident;
import io.incidenttracker.query.status.PublicSummary.Update;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.incidenttracker.query.status.StatusHtml.escape;
import static io.incidenttracker.query.status.StatusHtml.words;

/** The public updates as an Atom 1.0 feed (RFC 4287), newest first; links relative to the service's origin. */
final class StatusAtom {

    private StatusAtom() {
    }

    private record Entry(Incident incident, Update update) {
    }

    static String render(PublicSummary summary) {
        List<Entry> entries = new ArrayList<>();
        for (Incident incident : summary.incidents()) {
            for (Update update : incident.updates()) {
                entries.add(new Entry(incident, update));
            }
        }
        entries.sort(Comparator.comparing((Entry e) -> e.update().createdAt()).reversed()
                .thenComparing(e -> e.incident().id()));
        Instant updated = summary.page().updatedAt() == null ? Instant.EPOCH : summary.page().updatedAt();
        StringBuilder xml = new StringBuilder(4096);
        xml.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
                .append("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n")
                .append("<id>urn:incident-tracker:public-status</id>\n")
                .append("<title>").append(escape(summary.page().name())).append("</title>\n")
                .append("<updated>").append(updated).append("</updated>\n")
                .append("<link rel=\"self\" type=\"application/atom+xml\" href=\"/status/feed.atom\"/>\n")
                .append("<link rel=\"alternate\" type=\"text/html\" href=\"/status\"/>\n")
                .append("<author><name>").append(escape(summary.page().name())).append("</name></author>\n");
        for (Entry entry : entries) {
            xml.append("<entry>\n<id>urn:incident-tracker:public-status:").append(entry.incident().id()).append(':')
                    .append(entry.update().createdAt().toEpochMilli()).append("</id>\n")
                    .append("<title>").append(escape(entry.incident().name())).append(" – ")
                    .append(words(entry.update().status())).append("</title>\n")
                    .append("<updated>").append(entry.update().createdAt()).append("</updated>\n")
                    .append("<link rel=\"alternate\" type=\"text/html\" href=\"/status\"/>\n")
                    .append("<content type=\"text\">").append(escape(entry.update().body())).append("</content>\n")
                    .append("</entry>\n");
        }
        xml.append("</feed>\n");
        return xml.toString();
    }
}
