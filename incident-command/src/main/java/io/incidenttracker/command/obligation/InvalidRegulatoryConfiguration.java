package io.incidenttracker.command.obligation;

import java.util.List;

/** The rules file or the organisation's configuration is unsound; the service refuses to start and says why. */
public class InvalidRegulatoryConfiguration extends RuntimeException {

    private final List<String> problems;

    public InvalidRegulatoryConfiguration(List<String> problems) {
        super("Invalid regulatory configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
