package io.switchboard.websocket;

import jakarta.websocket.Session;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;

/**
 * The client's address of a WebSocket session, for the traffic log (the WebSocket API has none): Tyrus'
 * {@code TyrusSession.getRemoteAddr()}, Undertow's {@code UndertowSession.getWebSocketChannel().getSourceAddress()};
 * a {@link PeerSession}'s own; {@code null} elsewhere. It is the peer of the TCP connection: behind a proxy, the proxy.
 */
final class RemoteAddress {

    private static final ClassValue<Method> TYRUS = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            try {
                return type.getMethod("getRemoteAddr");
            } catch (NoSuchMethodException e) {
                return null;
            }
        }
    };

    private RemoteAddress() {}

    static String of(Session session) {
        if (session instanceof PeerSession peer) {
            return peer.remoteAddress();
        }
        try {
            String container = session.getClass().getName();
            if (container.startsWith("org.glassfish.tyrus.")) {
                Method remote = TYRUS.get(session.getClass());
                return remote == null ? null : (String) remote.invoke(session);
            }
            if (container.startsWith("io.undertow.")) {
                Object channel =
                        session.getClass().getMethod("getWebSocketChannel").invoke(session);
                Object address = Reflection.call(channel, "getSourceAddress");
                if (address instanceof InetSocketAddress socket) {
                    return (socket.getAddress() == null
                                    ? socket.getHostString()
                                    : socket.getAddress().getHostAddress()) + ":" + socket.getPort();
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // unknown: the log shows "-"
        }
        return null;
    }
}
