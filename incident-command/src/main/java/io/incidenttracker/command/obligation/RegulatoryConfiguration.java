package io.incidenttracker.command.obligation;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Loads the rules file and the organisation's profile at start-up and checks both: an unsound configuration stops
 * the service with every problem listed, instead of a reporting clock that silently never starts.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RegulatoryConfiguration.RegulatoryProperties.class)
public class RegulatoryConfiguration {

    /**
     * {@code incidenttracker.regulatory}: where the rules file is, and the organisation's profile (defaults: a Swiss
     * healthcare provider running a critical infrastructure, warnings 4 hours before each due time).
     */
    @ConfigurationProperties("incidenttracker.regulatory")
    public record RegulatoryProperties(String rulesLocation, Organisation organisation) {

        public RegulatoryProperties {
            rulesLocation = rulesLocation == null ? "classpath:regulatory/regimes.yml" : rulesLocation;
            OrganisationProfile defaults = OrganisationProfile.swissHealthcareProvider();
            organisation = organisation == null
                    ? new Organisation(defaults.sector(), defaults.jurisdictions(), defaults.criticalInfrastructure(),
                            defaults.flags(), defaults.warningLeadTime())
                    : organisation;
        }

        public record Organisation(String sector, List<String> jurisdictions, Boolean criticalInfrastructure,
                                   List<String> flags, Duration warningLeadTime) {
        }

        OrganisationProfile profile() {
            OrganisationProfile defaults = OrganisationProfile.swissHealthcareProvider();
            return new OrganisationProfile(
                    organisation.sector() == null ? defaults.sector() : organisation.sector(),
                    organisation.jurisdictions() == null ? defaults.jurisdictions() : organisation.jurisdictions(),
                    organisation.criticalInfrastructure() == null ? defaults.criticalInfrastructure()
                            : organisation.criticalInfrastructure(),
                    organisation.flags(),
                    organisation.warningLeadTime() == null ? defaults.warningLeadTime()
                            : organisation.warningLeadTime());
        }
    }

    @Bean
    RegulatoryRules regulatoryRules(RegulatoryProperties properties, ResourceLoader resources) {
        Resource file = resources.getResource(properties.rulesLocation());
        if (!file.exists()) {
            throw new InvalidRegulatoryConfiguration(List.of("the rules file " + properties.rulesLocation()
                    + " does not exist (incidenttracker.regulatory.rules-location)"));
        }
        try {
            return new RegulatoryRules(RegimeRules.read(file.getInputStream(), properties.rulesLocation()),
                    properties.profile());
        } catch (IOException e) {
            throw new InvalidRegulatoryConfiguration(List.of("cannot open the rules file "
                    + properties.rulesLocation() + ": " + e.getMessage()));
        }
    }
}
