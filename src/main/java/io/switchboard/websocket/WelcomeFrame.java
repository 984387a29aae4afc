package io.switchboard.websocket;

/**
 * The first frame on every connection, whatever the endpoint:
 * {@code {"type":"welcome","connectionId":"…","user":"alice","heartbeatSeconds":25,"heartbeatTimeoutSeconds":60,"maxTextBytes":65536}}.
 */
public record WelcomeFrame(
        String type,
        String connectionId,
        String user,
        long heartbeatSeconds,
        long heartbeatTimeoutSeconds,
        int maxTextBytes) {}
