package io.switchboard.chat.control;

import io.switchboard.broker.Broker;
import io.switchboard.broker.Publication;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.Ticker;
import io.switchboard.presence.control.Presence;
import io.switchboard.protocol.Json;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Presence announcements by room size. In a room of at most {@link SwitchboardConfig#largeRoom()} users each arrival
 * and departure is one {@code presence} frame to every member; in a larger one they are batched
 * ({@link PresenceBatches}) into one {@code occupancy} frame per room per
 * {@link SwitchboardConfig#occupancyInterval()}, carrying the room's count (over the cluster: the count comes from
 * {@link Presence}), so a room of n users filling up costs each member one frame per interval, not n frames.
 */
@ApplicationScoped
public class LargeRooms {

    private static final Logger LOG = Logger.getLogger(LargeRooms.class.getName());

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ManagedScheduledExecutorService scheduler;

    @Inject
    SwitchboardConfig config;

    @Inject
    Presence presence;

    @Inject
    Broker broker;

    @Inject
    Ticker ticker;

    private PresenceBatches batches;
    private ScheduledFuture<?> task;

    @PostConstruct
    void init() {
        batches = new PresenceBatches(config.occupancyInterval(), config.occupancyNames(), ticker);
    }

    /** Batches are looked at four times per interval, so a change goes out within 1.25 intervals. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        long period = Math.max(25, config.occupancyInterval().toMillis() / 4);
        task = scheduler.scheduleAtFixedRate(this::flush, period, period, TimeUnit.MILLISECONDS);
    }

    /** Whether a room of this many users (counting the one arriving or leaving) is large. */
    public boolean large(int users) {
        return users > config.largeRoom();
    }

    /** Announces that a user became present in a room: a {@code presence} frame, or batched in a large room. */
    public void arrived(String room, String user) {
        if (large(presence.count(room))) {
            batches.arrived(room, user);
        } else {
            broker.publish(Publication.toRoom(room, Json.write(ChatEvent.Presence.joined(room, user))));
        }
    }

    /** Announces that a user is no longer present in a room (they are already out of its count). */
    public void departed(String room, String user) {
        if (large(presence.count(room) + 1)) {
            batches.departed(room, user);
        } else {
            broker.publish(Publication.toRoom(room, Json.write(ChatEvent.Presence.left(room, user))));
        }
    }

    /** Sends the batches that are due, each as one {@code occupancy} frame to the room. */
    void flush() {
        try {
            for (PresenceBatches.Batch batch : batches.due()) {
                broker.publish(
                        Publication.toRoom(batch.room(), Json.write(frame(batch, presence.count(batch.room())))));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Occupancy round failed", e);
        }
    }

    static ChatEvent.Occupancy frame(PresenceBatches.Batch batch, int count) {
        return new ChatEvent.Occupancy(batch.room(), count, batch.joined(), batch.left(), batch.truncated());
    }

    /** The member list {@code joined} carries: everyone in a small room, the first page in a large one. */
    public ChatEvent.Members firstPage(String room) {
        int count = presence.count(room);
        if (!large(count)) {
            List<String> everyone = presence.members(room);
            return new ChatEvent.Members(room, everyone, everyone.size(), null);
        }
        return page(room, null, config.memberPageSize());
    }

    /** A page of the members after {@code after} ({@code null}: the first page); {@code next} when there are more. */
    public ChatEvent.Members page(String room, String after, int limit) {
        List<String> found = presence.page(room, after, limit + 1);
        boolean more = found.size() > limit;
        List<String> page = more ? found.subList(0, limit) : found;
        return new ChatEvent.Members(
                room, List.copyOf(page), presence.count(room), more ? page.get(page.size() - 1) : null);
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
