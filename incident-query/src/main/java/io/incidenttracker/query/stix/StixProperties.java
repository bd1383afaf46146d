package io.incidenttracker.query.stix;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Instant;

/**
 * Settings of the STIX export, under {@code incident-query.stix}.
 *
 * @param organisation        the reporting organisation's name (the identity every exported object is created by)
 * @param contact             how a CERT reaches the organisation, or null
 * @param organisationSince   the identity's created and modified time: keep it fixed, so that its id and version
 *                            stay the same across exports
 */
@ConfigurationProperties("incident-query.stix")
public record StixProperties(String organisation, String contact, Instant organisationSince) {

    public StixProperties {
        organisation = organisation == null || organisation.isBlank() ? "Incident Tracker operator" : organisation;
        organisationSince = organisationSince == null ? Instant.parse("2020-01-01T00:00:00Z") : organisationSince;
    }
}
