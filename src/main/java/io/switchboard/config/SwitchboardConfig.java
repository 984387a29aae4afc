package io.switchboard.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Every tunable of Switchboard, read once at start-up. Each key is looked up as a system property
 * ({@code switchboard.heartbeat.interval}) and then as an environment variable
 * ({@code SWITCHBOARD_HEARTBEAT_INTERVAL}); the README lists keys and defaults.
 */
@ApplicationScoped
public class SwitchboardConfig {

    private final Duration heartbeatInterval = Duration.ofSeconds(integer("switchboard.heartbeat.interval", 25));
    private final Duration heartbeatTimeout = Duration.ofSeconds(integer("switchboard.heartbeat.timeout", 60));
    private final int maxTextMessageBytes = integer("switchboard.limits.max-text", 65_536);
    private final int maxBinaryMessageBytes = integer("switchboard.limits.max-binary", 1_024);
    private final int maxStrikes = integer("switchboard.limits.max-strikes", 10);
    private final Duration strikeWindow = Duration.ofSeconds(integer("switchboard.limits.strike-window", 60));
    private final int maxPendingFrames = integer("switchboard.limits.max-pending-frames", 4_096);
    private final int historySize = integer("switchboard.chat.history-size", 50);
    private final Duration notificationRetention = Duration.ofDays(integer("switchboard.notifications.retention-days", 30));
    private final Duration purgeInterval = Duration.ofSeconds(integer("switchboard.notifications.purge-interval", 300));

    /** How long a connection may be silent before the server pings it. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** How long a connection may stay silent (no frame, no pong) before the server closes it. */
    public Duration heartbeatTimeout() {
        return heartbeatTimeout;
    }

    /** Largest text message accepted; larger ones close the connection with 1009. */
    public int maxTextMessageBytes() {
        return maxTextMessageBytes;
    }

    /** Largest binary message buffered before it is refused (binary frames are refused with 1003 anyway). */
    public int maxBinaryMessageBytes() {
        return maxBinaryMessageBytes;
    }

    /** Bad messages tolerated within {@link #strikeWindow()} before the connection is closed with 1008. */
    public int maxStrikes() {
        return maxStrikes;
    }

    public Duration strikeWindow() {
        return strikeWindow;
    }

    /** Frames that may wait for one connection's socket before it is closed as a slow consumer. */
    public int maxPendingFrames() {
        return maxPendingFrames;
    }

    /** Messages a client receives from a room's history when it joins. */
    public int historySize() {
        return historySize;
    }

    /** How long a notification stays in a user's inbox (read or not) before it is purged. */
    public Duration notificationRetention() {
        return notificationRetention;
    }

    /** How often expired and retired notifications are purged. */
    public Duration purgeInterval() {
        return purgeInterval;
    }

    static int integer(String key, int defaultValue) {
        String value = System.getProperty(key);
        if (value == null) {
            value = System.getenv(key.toUpperCase().replace('.', '_').replace('-', '_'));
        }
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Configuration " + key + " must be a whole number, was: " + value, e);
        }
    }
}
