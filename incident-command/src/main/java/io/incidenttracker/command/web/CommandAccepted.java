package io.incidenttracker.command.web;

import java.util.UUID;

/** The answer to every accepted command: the incident and its new version (also sent as {@code ETag}). */
public record CommandAccepted(UUID incidentId, long version) {
}
