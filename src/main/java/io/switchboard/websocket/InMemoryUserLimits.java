package io.switchboard.websocket;

import io.switchboard.config.Ticker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Per-user limits of one node: its own connections, and a token bucket per user with connections here. */
public final class InMemoryUserLimits implements UserLimits {

    private final int connectionsPerUser;
    /** The message rate, shared by the users' buckets. */
    private final RateLimit.Rate rate;

    private final Map<String, RateLimit> userRates = new ConcurrentHashMap<>();

    public InMemoryUserLimits(int connectionsPerUser, int messagesPerSecond, Ticker ticker) {
        this.connectionsPerUser = connectionsPerUser;
        this.rate = new RateLimit.Rate(messagesPerSecond, ticker);
    }

    @Override
    public boolean tryOpen(String user, String connectionId, int openHere) {
        return openHere < connectionsPerUser;
    }

    @Override
    public void closed(String user, String connectionId, boolean lastHere) {
        if (lastHere) {
            userRates.remove(user);
        }
    }

    @Override
    public boolean tryMessage(String user) {
        return userRates.computeIfAbsent(user, u -> new RateLimit(rate)).tryAcquire();
    }
}
