package io.switchboard.websocket;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.Set;

/**
 * Runs the shutdown drain ({@link Drain#drainForShutdown()}) before the WebSocket container closes the application's
 * sessions itself. On WildFly, Undertow's own listener closes every session with 1001 when the application's context
 * is destroyed, before CDI announces the end of the application; servlet context listeners are told in the reverse
 * order of their registration, and a listener added by a {@link ServletContainerInitializer} is registered after the
 * container's, so it is told first. On Payara the CDI event alone would do; the drain runs once either way.
 */
public class ShutdownDrainListener implements ServletContainerInitializer, ServletContextListener {

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        context.addListener(this);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        CDI.current().select(Drain.class).get().drainForShutdown();
    }
}
