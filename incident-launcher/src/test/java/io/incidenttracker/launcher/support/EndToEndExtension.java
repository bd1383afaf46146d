package io.incidenttracker.launcher.support;

import java.util.List;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives end-to-end tests the one {@link RunningSystem} of this test JVM: started by the first test class that needs
 * it, shared by all others, stopped when the whole test run ends.
 *
 * <pre>
 * &#64;ExtendWith(EndToEndExtension.class)
 * class SomeEndToEndTest {
 *     &#64;Test
 *     void something(RunningSystem system) {
 *         var created = system.postCommand("/api/incidents", "responder", "{...}");
 *     }
 * }
 * </pre>
 *
 * A {@code @BeforeAll static} method may take a {@code RunningSystem} parameter as well, and another extension gets
 * the same instance from {@link #system(ExtensionContext)}.
 */
public final class EndToEndExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EndToEndExtension.class);

    /** Extra {@code --key=value} arguments for both services, for every end-to-end test in this JVM. */
    static final List<String> SERVICE_ARGUMENTS = List.of(
            "--spring.main.banner-mode=off",
            "--axon.update-check.disabled=true");

    @Override
    public void beforeAll(ExtensionContext context) {
        system(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return parameterContext.getParameter().getType() == RunningSystem.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return system(extensionContext);
    }

    /** The shared system, started on first use. */
    public static RunningSystem system(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(RunningSystem.class, type -> RunningSystem.start(SERVICE_ARGUMENTS),
                        RunningSystem.class);
    }
}
