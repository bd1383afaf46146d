package io.incidenttracker.platform.security;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.GenericBeanDefinition;
import org.springframework.beans.factory.support.ManagedList;
import org.springframework.security.web.FilterChainProxy;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathPatternMatchingTest {

    private final BeanDefinition chain =
            BeanDefinitionBuilder.rootBeanDefinition(FilterChainProxy.class).getBeanDefinition();

    @Test
    void theChainsOwnDefinitionReplacesTheCompositeWithTheHandlerLookup() {
        assertThat(registeredAfterPostProcessing(composite(lookup(), chain))).isSameAs(chain);
    }

    @Test
    void aChainNotWrappedIsLeftAsItIs() {
        assertThat(registeredAfterPostProcessing(chain)).isSameAs(chain);
    }

    @Test
    void aCompositeOfAnotherShapeStopsTheStart() {
        assertThatThrownBy(() -> registeredAfterPostProcessing(composite(chain)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unexpected composite");
    }

    /** What is registered under the chain's name once the post-processor has run over {@code registered}. */
    private static BeanDefinition registeredAfterPostProcessing(BeanDefinition registered) {
        DefaultListableBeanFactory factory = new DefaultListableBeanFactory();
        factory.registerBeanDefinition(PathPatternMatching.CHAIN, registered);
        PathPatternMatching.securityChainWithoutHandlerLookup().postProcessBeanFactory(factory);
        return factory.getBeanDefinition(PathPatternMatching.CHAIN);
    }

    private static BeanDefinition lookup() {
        GenericBeanDefinition lookup = new GenericBeanDefinition();
        lookup.setBeanClassName(PathPatternMatching.LOOKUP);
        return lookup;
    }

    private static BeanDefinition composite(BeanDefinition... filters) {
        ManagedList<BeanDefinition> list = new ManagedList<>();
        list.addAll(List.of(filters));
        GenericBeanDefinition composite = new GenericBeanDefinition();
        composite.setBeanClassName(PathPatternMatching.COMPOSITE);
        composite.getConstructorArgumentValues().addIndexedArgumentValue(0, list);
        return composite;
    }
}
