package io.incidenttracker.audit.verify;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

/**
 * The verifier is what an auditor runs on their own machine: it needs nothing but the JDK. The module has no
 * dependencies, so the compiler already refuses anything else; this rule says so in words and also covers a
 * dependency that a later change might add to the module by mistake.
 */
@AnalyzeClasses(packages = "io.incidenttracker.audit", importOptions = ImportOption.DoNotIncludeTests.class)
class VerifierArchitectureTest {

    @ArchTest
    static final ArchRule verifierNeedsOnlyTheJdk = classes()
            .that().resideInAPackage("io.incidenttracker.audit..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.incidenttracker.audit..", "java..")
            .because("an auditor verifies an export with the verifier's jar and a JDK, nothing else");
}
