package io.incidenttracker.bench;

import java.io.IOException;

/** One format the results are written in: a file {@code bench-<label>-<time>.<extension>} in the results folder. */
interface ReportFormat {

    String extension();

    String render(Results results) throws IOException;
}
