package io.switchboard.chat.control;

import io.switchboard.config.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The presence changes of large rooms, collected per room and handed out at most once per interval per room: a user
 * who arrives and leaves again within one batch (or leaves and comes back) is not named at all, and a batch names the
 * users who changed, in the order they changed, only when they are at most {@code cap}; more (a reconnect storm) and
 * it names none and says it is truncated: the count is what members need then, not thousands of names each second.
 * Time is the injected {@link Ticker}.
 */
public final class PresenceBatches {

    /** One room's batch: who arrived, who left, and whether more changed than the cap (then no one is named). */
    public record Batch(String room, List<String> joined, List<String> left, boolean truncated) {}

    private static final class Pending {
        /** user → true when they arrived, false when they left (the net change since the last batch) */
        final Map<String, Boolean> changes = new LinkedHashMap<>();

        long lastSent;
        boolean sentBefore;
    }

    private final Map<String, Pending> rooms = new ConcurrentHashMap<>();
    private final long intervalNanos;
    private final int cap;
    private final Ticker ticker;

    /**
     * @param interval the shortest time between two batches of one room
     * @param cap the most users one batch names; a batch with more changes names none
     */
    public PresenceBatches(Duration interval, int cap, Ticker ticker) {
        this.intervalNanos = interval.toNanos();
        this.cap = cap;
        this.ticker = ticker;
    }

    /** A user became present in a large room. */
    public void arrived(String room, String user) {
        changed(room, user, true);
    }

    /** A user is no longer present in a large room. */
    public void departed(String room, String user) {
        changed(room, user, false);
    }

    private void changed(String room, String user, boolean arrived) {
        rooms.compute(room, (r, found) -> {
            Pending pending = found == null ? new Pending() : found;
            Boolean before = pending.changes.remove(user);
            if (before == null || before == arrived) {
                pending.changes.put(user, arrived); // (the opposite change before it cancels out: nothing to say)
            }
            return pending;
        });
    }

    /**
     * The batches that are due: of rooms with changes whose previous batch went out at least an interval ago. Rooms
     * without changes are forgotten once their interval has passed.
     */
    public List<Batch> due() {
        long now = ticker.nanos();
        List<Batch> due = new ArrayList<>();
        for (String room : List.copyOf(rooms.keySet())) {
            rooms.computeIfPresent(room, (r, pending) -> {
                boolean waited = !pending.sentBefore || now - pending.lastSent >= intervalNanos;
                if (!waited) {
                    return pending;
                }
                if (pending.changes.isEmpty()) {
                    return null;
                }
                List<String> joined = new ArrayList<>();
                List<String> left = new ArrayList<>();
                boolean truncated = pending.changes.size() > cap;
                if (!truncated) {
                    pending.changes.forEach((user, arrived) -> (arrived ? joined : left).add(user));
                }
                due.add(new Batch(room, joined, left, truncated));
                pending.changes.clear();
                pending.lastSent = now;
                pending.sentBefore = true;
                return pending;
            });
        }
        return due;
    }
}
