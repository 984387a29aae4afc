package io.switchboard.websocket;

import jakarta.websocket.Session;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ConcurrentModificationException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What Payara keeps with the servlet upgrade handler of every WebSocket (Tyrus' {@code TyrusHttpUpgradeHandler}) for
 * the connection's lifetime although nothing uses it after the handshake; let go of at {@code @OnOpen}
 * ({@link #release}), about 2 KB a connection (bench/README.md, "Smaller connections"):
 * <ul>
 * <li>The handshake: the handler's {@code upgradeInfo}, which Tyrus' servlet upgrade hands it before the upgrade
 * ({@code preInit}) and which its {@code init} reads once, to create the connection, the call {@code @OnOpen} runs in.
 * It holds Tyrus' copy of the handshake request (every header, parsed into lists) and the handshake response (its
 * headers). The session keeps what the WebSocket API gives of them (URI, query, parameters, principal) itself.</li>
 * <li>Its CDI injection context: when the application uses CDI, Payara creates the handler as a CDI managed object
 * ({@code WebContainer.createHttpUpgradeHandlerInstance}) and keeps the context (injection target, creational
 * context) in {@code ManagedBeanManagerImpl}'s map of non-contextual instances until the connection ends, only to run
 * the handler's {@code @PreDestroy} methods then. The handler has neither injection points nor such methods, so the
 * context is taken out of the map and released now; the container's {@code PRE_DESTROY} event at the end
 * ({@code destroyManagedObject(handler, false)}) then finds none and does nothing more.</li>
 * </ul>
 * The rest of the handler's life (its reads, {@code destroy()}, the request's recycling, see {@link UpgradeRequest}) is
 * unchanged. On another container or version, or a handler of another class, nothing is done.
 */
final class TyrusUpgradeHandler {

    private static final Logger LOG = Logger.getLogger(TyrusUpgradeHandler.class.getName());
    private static final String HANDLER = "org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler";
    private static final String CONTEXT = "com.sun.enterprise.container.common.spi.JCDIService$JCDIInjectionContext";

    /** Payara's injection contexts by bundle and instance, and their {@code cleanup(boolean)}; null until first used. */
    private static volatile Contexts contexts;

    private static volatile boolean handshakeKept;
    private static volatile boolean contextKept;

    private record Contexts(Map<?, ?> byBundle, Method cleanup) {}

    private TyrusUpgradeHandler() {}

    /** In {@code @OnOpen} of a Tyrus session on Payara: lets go of the handshake and of the injection context. */
    static void release(Session session) {
        if (!session.getClass().getName().startsWith("org.glassfish.tyrus.") || (handshakeKept && contextKept)) {
            return;
        }
        Object handler;
        try {
            Object request = UpgradeRequest.servletRequest(session);
            if (request == null) {
                return; // not a servlet upgrade
            }
            handler = request.getClass().getMethod("getHttpUpgradeHandler").invoke(request);
        } catch (ReflectiveOperationException | RuntimeException e) {
            handshakeKept = contextKept = true;
            LOG.log(Level.FINE, "Payara's upgrade handler not reached: {0}", e.toString());
            return;
        }
        if (handler == null || !HANDLER.equals(handler.getClass().getName())) {
            return; // not the handler known to read its handshake only in init and to have nothing to inject
        }
        if (!handshakeKept) {
            forgetHandshake(handler);
        }
        if (!contextKept) {
            releaseContext(handler);
        }
    }

    /**
     * The handler's {@code init} has read its {@code upgradeInfo} ({@code @OnOpen} runs inside the connection it
     * created from it) and never reads it again.
     */
    private static void forgetHandshake(Object handler) {
        try {
            Reflection.set(handler, "upgradeInfo", null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            handshakeKept = true;
            LOG.log(Level.FINE, "Tyrus' handshake is kept for each connection: {0}", e.toString());
        }
    }

    private static void releaseContext(Object handler) {
        try {
            Contexts payara = contexts(handler.getClass().getClassLoader());
            for (Object instances : payara.byBundle().values().toArray()) {
                if (instances instanceof Map<?, ?> byInstance) {
                    Object context = byInstance.remove(handler); // a synchronized map
                    if (context != null) {
                        payara.cleanup().invoke(context, false); // no @PreDestroy: the handler lives on
                        return;
                    }
                }
            }
        } catch (ConcurrentModificationException e) {
            // an application is being deployed at this moment: this connection keeps its context
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            contextKept = true;
            LOG.log(Level.FINE, "The upgrade handlers' injection contexts are left to Payara: {0}", e.toString());
        }
    }

    private static Contexts contexts(ClassLoader loader) throws ReflectiveOperationException {
        Contexts known = contexts;
        if (known != null) {
            return known;
        }
        Object locator = Class.forName("org.glassfish.internal.api.Globals", false, loader)
                .getMethod("getDefaultHabitat")
                .invoke(null);
        Object manager = Class.forName("org.glassfish.hk2.api.ServiceLocator", false, loader)
                .getMethod("getService", Class.class, Annotation[].class)
                .invoke(
                        locator,
                        Class.forName("com.sun.enterprise.container.common.spi.ManagedBeanManager", false, loader),
                        new Annotation[0]);
        if (manager == null
                || !(Reflection.field(manager, "jcdiManagedBeanInstanceMap") instanceof Map<?, ?> byBundle)) {
            throw new ReflectiveOperationException("no map of injection contexts in " + manager);
        }
        known = new Contexts(byBundle, Class.forName(CONTEXT, false, loader).getMethod("cleanup", boolean.class));
        contexts = known;
        return known;
    }
}
