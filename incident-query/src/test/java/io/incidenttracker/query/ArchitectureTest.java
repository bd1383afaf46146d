package io.incidenttracker.query;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.RestController;

import java.util.Optional;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The query service's structure, stated by package patterns so that a new package is covered without editing
 * these rules. Each package directly below {@code io.incidenttracker.query} is a feature (incident, obligation,
 * serviceboard, audit, rebuild, health, ...), except the shared infrastructure: {@code web} (security, problem
 * details) and {@code consuming} (Kafka, event processors), which know no feature.
 */
@AnalyzeClasses(packages = "io.incidenttracker.query", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String QUERY = "io.incidenttracker.query.";
    private static final String WEB = "..query.web..";
    private static final String CONSUMING = "..query.consuming..";

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles =
            slices().matching("io.incidenttracker.query.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule theWebInfrastructureKnowsNoOtherPackage = classes()
            .that().resideInAPackage(WEB)
            .should().onlyDependOnClassesThat(outsideTheQueryServiceOrIn(WEB))
            .because("security and problem details serve every feature and depend on none");

    @ArchTest
    static final ArchRule theKafkaSideKnowsNoOtherPackage = classes()
            .that().resideInAPackage(CONSUMING)
            .should().onlyDependOnClassesThat(outsideTheQueryServiceOrIn(CONSUMING))
            .because("consuming events knows nothing of what the projections make of them");

    @ArchTest
    static final ArchRule featuresDoNotReachIntoEachOthersInternals = classes()
            .that().resideInAPackage("io.incidenttracker.query..")
            .should(useOtherPackagesOnlyThroughTheirReadingSide());

    @ArchTest
    static final ArchRule theWebLayerHoldsNoSql = noClasses()
            .that().areAnnotatedWith(RestController.class).or().resideInAPackage(WEB)
            .should().dependOnClassesThat()
            .resideInAnyPackage("java.sql..", "javax.sql..", "org.springframework.jdbc..")
            .because("controllers ask the queries of their feature; SQL lives there");

    @ArchTest
    static final ArchRule axonStaysOutOfTheWebLayer = noClasses()
            .that().areAnnotatedWith(RestController.class).or().resideInAPackage(WEB)
            .should().dependOnClassesThat().resideInAPackage("org.axonframework..")
            .because("answering HTTP needs no event processing; processors are driven through the feature's classes");

    @ArchTest
    static final ArchRule theQueryServiceNeverDependsOnTheCommandService = noClasses()
            .that().resideInAPackage("io.incidenttracker.query..")
            .should().dependOnClassesThat().resideInAPackage("io.incidenttracker.command..")
            .because("the services share only the event contract and the topic");

    private static DescribedPredicate<JavaClass> outsideTheQueryServiceOrIn(String ownPackage) {
        return DescribedPredicate.describe("are outside the query service or reside in " + ownPackage,
                target -> !target.getPackageName().startsWith(QUERY)
                        || JavaClass.Predicates.resideInAPackage(ownPackage)
                        .test(target));
    }

    /**
     * A feature's internals, as seen from another package: its controllers (entry points, never called), its event
     * handlers (fed by the processors only) and its Spring configuration. Other packages use its queries and views.
     */
    private static ArchCondition<JavaClass> useOtherPackagesOnlyThroughTheirReadingSide() {
        return new ArchCondition<>("use another package only through its queries and views, never its controllers, "
                + "event handlers or configuration") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                Optional<String> own = packageOf(origin);
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = dependency.getTargetClass();
                    Optional<String> theirs = packageOf(target);
                    if (theirs.isPresent() && !theirs.equals(own) && isInternal(target)) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }

    /** The package directly below {@code io.incidenttracker.query} that holds the class. */
    private static Optional<String> packageOf(JavaClass type) {
        String name = type.getPackageName();
        if (!name.startsWith(QUERY)) {
            return Optional.empty();
        }
        String rest = name.substring(QUERY.length());
        int dot = rest.indexOf('.');
        return Optional.of(dot < 0 ? rest : rest.substring(0, dot));
    }

    private static boolean isInternal(JavaClass type) {
        for (JavaClass c = type; c != null; c = c.getEnclosingClass().orElse(null)) {
            if (c.isAnnotatedWith(RestController.class) || c.isAnnotatedWith(Configuration.class)
                    || c.isAnnotatedWith(ProcessingGroup.class)
                    || c.getMethods().stream().anyMatch(method -> method.isAnnotatedWith(EventHandler.class))) {
                return true;
            }
        }
        return false;
    }
}
