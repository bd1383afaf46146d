package io.incidenttracker.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The two services share nothing but the event contract: neither depends on the other, and the contract depends on
 * nothing but Java.
 */
class ArchitectureTest {

    static final JavaClasses PRODUCT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.incidenttracker");

    @Test
    void theQueryServiceNeverDependsOnTheCommandService() {
        noClasses().that().resideInAPackage("io.incidenttracker.query..")
                .should().dependOnClassesThat().resideInAPackage("io.incidenttracker.command..")
                .check(PRODUCT);
    }

    @Test
    void theCommandServiceNeverDependsOnTheQueryService() {
        noClasses().that().resideInAPackage("io.incidenttracker.command..")
                .should().dependOnClassesThat().resideInAPackage("io.incidenttracker.query..")
                .check(PRODUCT);
    }

    @Test
    void theEventContractDependsOnNothingButJava() {
        classes().that().resideInAPackage("io.incidenttracker.events..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.incidenttracker.events..", "java..")
                .check(PRODUCT);
    }
}
