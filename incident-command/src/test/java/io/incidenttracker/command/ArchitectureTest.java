package io.incidenttracker.command;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.incidenttracker.command.incident.IncidentCommand;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.spring.stereotype.Aggregate;
import org.springframework.web.bind.annotation.RestController;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The command service's architecture, written as package patterns and shapes, so that a new package or a new part
 * of the aggregate is covered without editing a rule:
 * <ul>
 *   <li>the top-level packages ({@code command.*}) depend on each other without cycles;</li>
 *   <li>the parts of the incident ({@code command.incident.*}: forensics, reporting, correction, ...) are independent
 *       of each other; only the aggregate root holds them;</li>
 *   <li>what is internal to a feature stays there: its controllers and request records are used by nobody else, and
 *       its aggregate member only by its own package and the aggregate root; commands, the aggregate and the
 *       exceptions of its rules are its public API;</li>
 *   <li>the web layer holds no SQL;</li>
 *   <li>the aggregate and its members read no clock, draw no random value and know nothing of the web.</li>
 * </ul>
 */
@AnalyzeClasses(packages = "io.incidenttracker.command", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The aggregate root and its members: classes that decide commands or apply events. */
    static final DescribedPredicate<JavaClass> AGGREGATE_OR_MEMBER = DescribedPredicate.describe(
            "the aggregate or one of its members", type -> type.isAnnotatedWith(Aggregate.class)
                    || type.getMethods().stream().anyMatch(method -> method.isAnnotatedWith(CommandHandler.class)
                    || method.isAnnotatedWith(EventSourcingHandler.class)));

    /** A part of the aggregate that is not its root. */
    static final DescribedPredicate<JavaClass> AGGREGATE_MEMBER = DescribedPredicate.describe(
            "an aggregate member", type -> AGGREGATE_OR_MEMBER.test(type) && !type.isAnnotatedWith(Aggregate.class));

    /** A feature's HTTP adapter: its controllers and its request records (nested in a *Requests class). */
    static final DescribedPredicate<JavaClass> WEB_ADAPTER_OF_A_FEATURE = DescribedPredicate.describe(
            "a feature's controller or request record", type -> type.isAnnotatedWith(RestController.class)
                    || type.getSimpleName().endsWith("Requests")
                    || type.getEnclosingClass().map(outer -> outer.getSimpleName().endsWith("Requests")).orElse(false));

    @ArchTest
    static final ArchRule topLevelPackagesAreFreeOfCycles =
            slices().matching("io.incidenttracker.command.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule partsOfTheIncidentAreIndependentOfEachOther =
            slices().matching("io.incidenttracker.command.incident.(*)..").should().notDependOnEachOther();

    @ArchTest
    static final ArchRule controllersAndRequestsOfAFeatureAreItsOwn = noClasses()
            .should(dependOnClassesOfAnotherPackageThat(WEB_ADAPTER_OF_A_FEATURE));

    @ArchTest
    static final ArchRule onlyTheAggregateRootHoldsTheMembersOfOtherPackages = noClasses()
            .that().areNotAnnotatedWith(Aggregate.class)
            .should(dependOnClassesOfAnotherPackageThat(AGGREGATE_MEMBER));

    /** An exception handler may read a SQLException's state; nothing in the web layer runs a statement. */
    @ArchTest
    static final ArchRule theWebLayerHoldsNoSql = noClasses()
            .that().resideInAPackage("..command.web..")
            .or().areAnnotatedWith(RestController.class)
            .or().haveSimpleNameEndingWith("Controller")
            .should().dependOnClassesThat(DescribedPredicate.describe("run SQL", type ->
                    type.getPackageName().startsWith("org.springframework.jdbc")
                            || type.getPackageName().startsWith("javax.sql")
                            || type.getPackageName().startsWith("java.sql")
                            && !type.isAssignableTo(SQLException.class)));

    @ArchTest
    static final ArchRule theAggregateKnowsNoWeb = noClasses()
            .that(AGGREGATE_OR_MEMBER)
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework.web..",
                    "org.springframework.http..", "jakarta.servlet..", "io.incidenttracker.command.web..");

    /** Deterministic rules: every time and id comes with the command, the event or the deadline. */
    @ArchTest
    static final ArchRule theAggregateReadsNoClockAndDrawsNoRandomValue = noClasses()
            .that(AGGREGATE_OR_MEMBER)
            .should().dependOnClassesThat().belongToAnyOf(Clock.class, Random.class, SecureRandom.class,
                    ThreadLocalRandom.class)
            .orShould().callMethod(Instant.class, "now")
            .orShould().callMethod(UUID.class, "randomUUID")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(System.class, "nanoTime")
            .orShould().callMethod(LocalDate.class, "now")
            .orShould().callMethod(LocalDateTime.class, "now")
            .orShould().callMethod(OffsetDateTime.class, "now")
            .orShould().callMethod(ZonedDateTime.class, "now");

    @ArchTest
    static final ArchRule theSharedRulesOfTheDomainNeedNoSpring = noClasses()
            .that().resideInAPackage("..command.domain..")
            .should().dependOnClassesThat().resideInAPackage("org.springframework..");

    /**
     * The aggregate checks the caller's version for every {@link IncidentCommand} before any handler runs: a command
     * that carries an expected version and is not one would escape that check.
     */
    @ArchTest
    static final ArchRule everyCommandWithAnExpectedVersionIsAnIncidentCommand = classes()
            .that(DescribedPredicate.describe("are records with an expectedVersion", (JavaClass type) ->
                    type.isRecord() && type.getFields().stream().map(JavaMember::getName)
                            .anyMatch("expectedVersion"::equals)))
            .should().beAssignableTo(IncidentCommand.class);

    private static ArchCondition<JavaClass> dependOnClassesOfAnotherPackageThat(DescribedPredicate<JavaClass> what) {
        return new ArchCondition<>("depend on classes of another package that are " + what.getDescription()) {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = dependency.getTargetClass();
                    if (!target.getPackageName().equals(origin.getPackageName()) && what.test(target)) {
                        events.add(SimpleConditionEvent.satisfied(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }
}
