package io.incidenttracker.query.status;

import io.incidenttracker.query.status.PublicSummary.Component;
import io.incidenttracker.query.status.PublicSummary.Incident;
import io.incidenttracker.query.status.PublicSummary.Update;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;

/**
 * The public status page as plain HTML: no script, one inline style sheet (allowed by its hash in the page's
 * Content-Security-Policy), readable on a phone.
 */
final class StatusHtml {

    static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:0 auto;max-width:46rem;padding:1rem;line-height:1.4;color:#1b1b1b}\
            h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}\
            .overall{padding:.75rem 1rem;border-radius:.4rem;font-weight:600;background:#e6f4ea}\
            .overall.minor{background:#fff4d6}.overall.major{background:#ffe2cc}.overall.critical{background:#fcdada}\
            ul{list-style:none;padding:0}li{border-bottom:1px solid #ddd;padding:.5rem 0}\
            .state{float:right;font-size:.9rem}.update{margin:.5rem 0 .5rem 1rem}\
            time,.meta{color:#555;font-size:.85rem}""";

    /** The page's Content-Security-Policy: nothing but its own inline style. */
    static final String CSP = "default-src 'none'; style-src 'sha256-" + styleHash() + "'; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'none'";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private StatusHtml() {
    }

    static String render(PublicSummary summary) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(escape(summary.page().name())).append("</title>")
                .append("<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/status/feed.atom\">")
                .append("<style>").append(STYLE).append("</style></head><body>\n")
                .append("<h1>").append(escape(summary.page().name())).append("</h1>\n")
                .append("<p class=\"overall ").append(summary.status().indicator()).append("\">")
                .append(escape(summary.status().description())).append("</p>\n");
        if (summary.page().updatedAt() != null) {
            html.append("<p class=\"meta\">Last change: ").append(time(summary.page().updatedAt())).append("</p>\n");
        }
        html.append("<h2>Services</h2>\n<ul>\n");
        for (Component component : summary.components()) {
            html.append("<li>").append(escape(component.name())).append("<span class=\"state\">")
                    .append(words(component.status())).append("</span></li>\n");
        }
        html.append("</ul>\n<h2>Incidents</h2>\n");
        if (summary.incidents().isEmpty()) {
            html.append("<p>No incidents reported.</p>\n");
        }
        for (Incident incident : summary.incidents()) {
            html.append("<section><h3>").append(escape(incident.name())).append("</h3>\n<p class=\"meta\">")
                    .append(words(incident.status())).append(", impact ").append(incident.impact())
                    .append("</p>\n");
            for (Update update : incident.updates()) {
                html.append("<div class=\"update\"><strong>").append(words(update.status())).append("</strong> ")
                        .append(time(update.createdAt())).append("<p>").append(escape(update.body()))
                        .append("</p></div>\n");
            }
            html.append("</section>\n");
        }
        html.append("<p class=\"meta\"><a href=\"/status/summary.json\">JSON</a> · ")
                .append("<a href=\"/status/feed.atom\">Atom feed</a></p>\n</body></html>\n");
        return html.toString();
    }

    private static String time(Instant instant) {
        return "<time datetime=\"" + instant + "\">" + TIME.format(instant) + "</time>";
    }

    /** {@code partial_outage} as {@code Partial outage}. */
    static String words(String value) {
        String spaced = value.replace('_', ' ');
        return Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }

    /** Text as HTML or XML character data and attribute values. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        escaped.append(' ');
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    private static String styleHash() {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(STYLE.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
