package io.incidenttracker.events;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.incidenttracker.events.incident.IncidentEvent;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The event contract is a pure API: plain Java records, no framework. */
class ContractArchitectureTest {

    static final JavaClasses CONTRACT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.incidenttracker.events");

    @Test
    void theContractDependsOnNoFramework() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "org.axonframework..", "com.fasterxml..", "jakarta..", "org.apache..")
                .check(CONTRACT);
    }

    @Test
    void everyIncidentEventIsATopLevelRecordWithTypeAndRevision() {
        classes().that().implement(IncidentEvent.class)
                .should().beRecords()
                .andShould().beTopLevelClasses()
                .andShould().beAnnotatedWith(EventType.class)
                .andShould().beAnnotatedWith(Revision.class)
                .check(CONTRACT);
    }
}
