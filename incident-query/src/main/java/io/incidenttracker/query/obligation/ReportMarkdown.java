package io.incidenttracker.query.obligation;

import io.incidenttracker.query.obligation.ObligationViews.Obligation;
import io.incidenttracker.query.obligation.ObligationViews.ReportDraft;
import io.incidenttracker.query.obligation.ObligationViews.ReportField;

import java.util.List;

/** A report draft as readable Markdown: the clocks, the filled fields, and what is still missing. */
final class ReportMarkdown {

    private ReportMarkdown() {
    }

    static String render(ReportDraft draft) {
        StringBuilder md = new StringBuilder();
        md.append("# Report draft: ").append(draft.regimeName()).append(" (").append(draft.regime()).append(")\n\n");
        md.append("Incident: ").append(escape(draft.incidentTitle())).append(" (`").append(draft.incidentId())
                .append("`)  \nDraft made at ").append(draft.generatedAt()).append("\n\n");
        md.append("## Deadlines\n\n| clock | recipient | started | due | state |\n| --- | --- | --- | --- | --- |\n");
        for (Obligation clock : draft.obligations()) {
            md.append("| ").append(escape(clock.clockName())).append(" | ").append(escape(clock.recipient()))
                    .append(" | ").append(clock.startedAt()).append(" | ").append(clock.dueAt()).append(" | ")
                    .append(state(clock)).append(" |\n");
        }
        md.append("\n## Content\n\n");
        for (ReportField field : draft.fields()) {
            md.append("- **").append(escape(field.label())).append("** (`").append(field.field()).append("`): ");
            if (field.missing()) {
                md.append("_missing_\n");
            } else if (field.value() instanceof List<?> values) {
                md.append('\n');
                values.forEach(value -> md.append("  - ").append(escape(String.valueOf(value))).append('\n'));
            } else {
                md.append(escape(String.valueOf(field.value()))).append('\n');
            }
        }
        md.append("\n## Still missing\n\n");
        if (draft.missing().isEmpty()) {
            md.append("Nothing: every required field is filled from the incident's facts.\n");
        } else {
            draft.fields().stream().filter(ReportField::missing).forEach(field ->
                    md.append("- ").append(escape(field.label())).append(" (`").append(field.field()).append("`)\n"));
        }
        return md.toString();
    }

    private static String state(Obligation clock) {
        return switch (clock.state()) {
            case OPEN -> "open, " + clock.timeLeft() + " left";
            case OVERDUE -> "overdue by " + clock.overdueBy();
            case FULFILLED -> "reported at " + clock.fulfilledAt() + (Boolean.TRUE.equals(clock.late()) ? " (late)" : "");
        };
    }

    /** Keeps caller-written text from turning into Markdown structure (tables, emphasis, links). */
    private static String escape(String text) {
        return text == null ? "" : text.replaceAll("([\\\\`*_\\[\\]|<>#])", "\\\\$1").replace("\n", " ");
    }
}
