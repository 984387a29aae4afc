package io.switchboard.security.boundary;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.security.control.Origins;
import io.switchboard.websocket.EndpointConfigurator;
import io.switchboard.websocket.FrameGuard;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * The handshake checks of every Switchboard endpoint: a browser's {@code Origin} must be on the allow-list
 * ({@code switchboard.security.allowed-origins}), otherwise the container answers 403 and no socket opens, so a
 * page of another site cannot ride on the user's credentials (cross-site WebSocket hijacking). Requests without
 * an {@code Origin} come from non-browser clients and are left to authentication. An accepted handshake gets the
 * frame checks that must be in place before the first frame ({@link FrameGuard}). The connection's endpoint instance is
 * then built without per-session injection ({@link EndpointConfigurator}).
 */
public class Handshake extends EndpointConfigurator {

    /**
     * The origin this thread's handshake was refused for: {@link HandshakeFilter}, around the handshake request on the
     * same thread, counts and logs it once the container has answered.
     */
    static final ThreadLocal<String> REFUSED_ORIGIN = new ThreadLocal<>();

    @Override
    public boolean checkOrigin(String origin) {
        HttpServletRequest request = undertowRequest();
        if (request != null && MalformedHandshake.of(request).isPresent()) {
            return false; // Undertow then passes it down the chain, where HandshakeFilter answers 400/426
        }
        boolean allowed = origin == null
                || origin.isBlank()
                || CDI.current().select(Origins.class).get().allowed(origin);
        if (!allowed) {
            REFUSED_ORIGIN.set(origin);
        }
        return allowed;
    }

    /**
     * The handshake request on Undertow (WildFly), which upgrades before the application's filters run, or null
     * (Tyrus on Payara: there {@link HandshakeFilter} sees the request before the upgrade).
     */
    private HttpServletRequest undertowRequest() {
        Method current =
                undertowCurrent(getContainerDefaultConfigurator().getClass().getClassLoader());
        if (current == null) {
            return null;
        }
        try {
            Object context = current.invoke(null);
            if (context == null) {
                return null;
            }
            return context.getClass().getMethod("getServletRequest").invoke(context) instanceof HttpServletRequest r
                    ? r
                    : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static volatile Optional<Method> undertowCurrent;

    private static Method undertowCurrent(ClassLoader containerLoader) {
        Optional<Method> found = undertowCurrent;
        if (found == null) {
            try {
                found = Optional.of(
                        Class.forName("io.undertow.servlet.handlers.ServletRequestContext", false, containerLoader)
                                .getMethod("current"));
            } catch (ReflectiveOperationException | LinkageError e) {
                found = Optional.empty();
            }
            undertowCurrent = found;
        }
        return found.orElse(null);
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        FrameGuard.beforeUpgrade(
                request, CDI.current().select(SwitchboardConfig.class).get().maxTextMessageBytes());
    }
}
