package io.switchboard.websocket;

import io.switchboard.operations.control.Meters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One frame for many connections: grouped by send loop, one task per loop for all of its connections, so a broadcast
 * costs the publisher a few hand-overs, not one per receiver; each connection's frames stay in the order handed over.
 */
final class Fanout {

    private Fanout() {}

    /** See {@link Connection#broadcast(Iterable, String, OutboundFrame, Meters)}; {@code meters} may be null. */
    static void broadcast(Iterable<Connection> receivers, String exceptUser, OutboundFrame frame, Meters meters) {
        long started = System.nanoTime();
        List<ScheduledExecutorService> loops = new ArrayList<>(4);
        List<List<Connection>> groups = new ArrayList<>(4);
        // sized for an even spread over two loops, so that a room's group list does not grow copy by copy per post
        int groupSize = receivers instanceof Collection<?> all ? all.size() / 2 + 16 : 16;
        for (Connection connection : receivers) {
            if (exceptUser != null && exceptUser.equals(connection.userId())) {
                continue;
            }
            int group = 0;
            while (group < loops.size() && loops.get(group) != connection.loop()) {
                group++;
            }
            if (group == loops.size()) {
                loops.add(connection.loop());
                groups.add(new ArrayList<>(groupSize));
            }
            groups.get(group).add(connection);
        }
        AtomicInteger groupsLeft = meters == null ? null : new AtomicInteger(loops.size());
        for (int group = 0; group < loops.size(); group++) {
            List<Connection> connections = groups.get(group);
            try {
                loops.get(group).execute(() -> {
                    queue(connections, frame);
                    if (groupsLeft != null && groupsLeft.decrementAndGet() == 0) {
                        meters.fanout(System.nanoTime() - started);
                    }
                });
            } catch (RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    /**
     * On their send loop: queues the frame for each connection, and counts it in the meters once per run of
     * connections with the same meters (all of them, as a rule), not once per connection.
     */
    private static void queue(List<Connection> connections, OutboundFrame frame) {
        Traffic metered = null;
        int queued = 0;
        for (Connection connection : connections) {
            if (!connection.enqueueOfBroadcast(frame)) {
                continue;
            }
            Traffic traffic = connection.traffic();
            if (metered != null && !metered.metersLike(traffic)) {
                metered.metered(frame, queued);
                queued = 0;
            }
            metered = traffic;
            queued++;
        }
        if (queued > 0) {
            metered.metered(frame, queued);
        }
    }
}
