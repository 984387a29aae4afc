package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Endpoint instances are built by their @Inject constructor from beans looked up once per endpoint class. */
class EndpointConfiguratorTest {

    static final class Registry {}

    static final class Commands {}

    static final class Endpoint {
        final Registry registry;
        final Commands commands;

        @Inject
        Endpoint(Registry registry, Commands commands) {
            this.registry = registry;
            this.commands = commands;
        }
    }

    static final class NoInjectConstructor {}

    static final class Failing {
        @Inject
        Failing(Registry registry) {
            throw new IllegalStateException("broken");
        }
    }

    private final List<Class<?>> lookups = new ArrayList<>();
    private final Registry registry = new Registry();
    private final Commands commands = new Commands();

    private final EndpointConfigurator configurator = new EndpointConfigurator() {
        @Override
        protected Function<Class<?>, Object> beans() {
            return type -> {
                lookups.add(type);
                return type == Registry.class ? registry : commands;
            };
        }
    };

    @Test
    void eachConnectionGetsItsOwnInstanceOfTheSameBeansLookedUpOnce() throws Exception {
        Endpoint first = configurator.getEndpointInstance(Endpoint.class);
        Endpoint second = configurator.getEndpointInstance(Endpoint.class);

        assertNotSame(first, second);
        assertSame(registry, second.registry);
        assertSame(commands, second.commands);
        assertEquals(List.of(Registry.class, Commands.class), lookups, "one look-up per bean, not per connection");
    }

    @Test
    void anEndpointWithoutAnInjectConstructorCannotBeCreated() {
        InstantiationException e = assertThrows(
                InstantiationException.class, () -> configurator.getEndpointInstance(NoInjectConstructor.class));
        assertTrue(e.getMessage().contains("exactly one @Inject constructor"), e.getMessage());
    }

    @Test
    void aConstructorThatFailsIsReportedWithItsCause() {
        InstantiationException e =
                assertThrows(InstantiationException.class, () -> configurator.getEndpointInstance(Failing.class));
        assertEquals("broken", e.getCause().getMessage());
    }
}
