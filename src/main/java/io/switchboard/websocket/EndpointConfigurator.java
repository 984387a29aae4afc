package io.switchboard.websocket;

import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Builds each connection's endpoint instance by its {@link Inject} constructor, whose beans are resolved once per
 * endpoint class: they must be normal-scoped ({@code @ApplicationScoped}), so the same client proxies serve every
 * connection. Left to the container, CDI would inject every instance, and Tyrus (Payara) keeps the injection target
 * and creational context of each until its session ends (about 1 KB a connection; see bench/README.md).
 */
public class EndpointConfigurator extends ServerEndpointConfig.Configurator {

    private final Map<Class<?>, Factory> factories = new ConcurrentHashMap<>(4);

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        Factory factory;
        try {
            factory = factories.computeIfAbsent(endpointClass, type -> Factory.of(type, beans()));
        } catch (RuntimeException e) {
            throw failed(endpointClass, e);
        }
        return endpointClass.cast(factory.create());
    }

    /** Where the constructor's beans come from: the application's CDI container. */
    protected Function<Class<?>, Object> beans() {
        return EndpointConfigurator::applicationScoped;
    }

    private static Object applicationScoped(Class<?> type) {
        BeanManager manager = CDI.current().getBeanManager();
        Bean<?> bean = manager.resolve(manager.getBeans(type));
        if (bean == null) {
            throw new IllegalStateException("no bean of " + type.getName());
        }
        if (!manager.isNormalScope(bean.getScope())) {
            throw new IllegalStateException(
                    type.getName() + " is " + bean.getScope().getSimpleName()
                            + ": an endpoint's beans are shared by all its connections, so they must be normal-scoped");
        }
        return manager.getReference(bean, type, manager.createCreationalContext(bean)); // a client proxy
    }

    private static InstantiationException failed(Class<?> endpointClass, Throwable cause) {
        InstantiationException failed =
                new InstantiationException("cannot create " + endpointClass.getName() + ": " + cause);
        failed.initCause(cause);
        return failed;
    }

    /** An endpoint class's {@link Inject} constructor with its arguments. */
    record Factory(Constructor<?> constructor, Object[] arguments) {

        static Factory of(Class<?> endpointClass, Function<Class<?>, Object> beans) {
            Constructor<?>[] injectable = Arrays.stream(endpointClass.getDeclaredConstructors())
                    .filter(c -> c.isAnnotationPresent(Inject.class))
                    .toArray(Constructor<?>[]::new);
            if (injectable.length != 1) {
                throw new IllegalStateException(
                        endpointClass.getName() + " needs exactly one @Inject constructor, has " + injectable.length);
            }
            Constructor<?> constructor = injectable[0];
            constructor.setAccessible(true);
            Object[] arguments =
                    Arrays.stream(constructor.getParameterTypes()).map(beans).toArray();
            return new Factory(constructor, arguments);
        }

        Object create() throws InstantiationException {
            try {
                return constructor.newInstance(arguments);
            } catch (InvocationTargetException e) {
                throw failed(constructor.getDeclaringClass(), e.getCause());
            } catch (IllegalAccessException | IllegalArgumentException e) {
                throw failed(constructor.getDeclaringClass(), e);
            }
        }
    }
}
