package io.incidenttracker.query;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

@AnalyzeClasses(packages = "io.incidenttracker.query", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule featurePackagesAreFreeOfCycles =
            slices().matching("io.incidenttracker.query.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule theKafkaSideKnowsNoViews = noClasses()
            .that().resideInAPackage("..query.consuming..")
            .should().dependOnClassesThat().resideInAnyPackage("..query.incident..", "..query.serviceboard..",
                                                               "..query.web..", "..query.health..");

    @ArchTest
    static final ArchRule theWebLayerKnowsNoFeature = noClasses()
            .that().resideInAPackage("..query.web..")
            .should().dependOnClassesThat().resideInAnyPackage("..query.incident..", "..query.serviceboard..",
                                                               "..query.consuming..", "..query.health..");

    /** The offline verifier runs from the plain jar with nothing but the JDK. */
    @ArchTest
    static final ArchRule theAuditVerifierNeedsOnlyTheJdk = noClasses()
            .that().resideInAPackage("..query.audit.verify..")
            .should().dependOnClassesThat().resideOutsideOfPackages("java..", "..query.audit.verify..");

    @ArchTest
    static final ArchRule axonStaysInTheProjectionAndConsumer = noClasses()
            .that().resideInAnyPackage("..query.web..", "..query.serviceboard..", "..query.health..")
            .should().dependOnClassesThat().resideInAPackage("org.axonframework..");
}
