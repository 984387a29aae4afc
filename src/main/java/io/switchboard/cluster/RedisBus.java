package io.switchboard.cluster;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.switchboard.broker.Publication;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bus between nodes: one Redis pub/sub channel every node subscribes to. A node publishes each publication once
 * (whatever the number of receivers) and delivers it to its own receivers itself; each other node delivers what it
 * receives, in the order received, on one thread of its own, and skips its own messages, so every node delivers
 * each publication exactly once.
 * <p>
 * Redis pub/sub keeps nothing: what is published while a node's subscription is down is lost for that node. So each
 * node sends itself a canary through the bus every {@code canaryInterval}; {@link #healthy()} is false when the last
 * one came back longer than {@code canaryTimeout} ago. When the connection was lost, or a canary was late, the next
 * canary that comes back (which proves the subscription works again) triggers the repair callback, and so does a
 * periodic timer: receivers that must not lose anything (notification streams, revocations) catch up from storage.
 */
public final class RedisBus implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisBus.class.getName());

    private final RedisNode node;
    private final String channel;
    private final Consumer<Publication> deliver;
    private final Consumer<String> repair;
    private final Duration canaryInterval;
    private final Duration canaryTimeout;
    private final Duration repairInterval;
    private final ScheduledExecutorService executor;
    private final AtomicLong canariesSent = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean failureLogged = new AtomicBoolean();
    private final Listener listener = new Listener();
    private volatile long lastCanaryBack;
    private volatile long lastCanaryBackNanos;
    private volatile boolean interrupted;
    private boolean started;

    /**
     * @param deliver delivers a publication of another node to this node's receivers
     * @param repair told (with a reason) when publications of other nodes may have been missed
     */
    public RedisBus(
            RedisNode node,
            Consumer<Publication> deliver,
            Consumer<String> repair,
            Duration canaryInterval,
            Duration canaryTimeout,
            Duration repairInterval,
            ThreadFactory threads) {
        this.node = node;
        this.channel = node.key("bus");
        this.deliver = deliver;
        this.repair = repair;
        this.canaryInterval = canaryInterval;
        this.canaryTimeout = canaryTimeout;
        this.repairInterval = repairInterval;
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = threads.newThread(task);
            thread.setName("switchboard-bus-" + node.nodeId());
            return thread;
        });
    }

    /** Connects (once now, then retrying every canary interval while Redis cannot be reached) and starts the canary. */
    public void start() {
        node.onDisconnect(() -> interrupted = true);
        node.connect(listener, channel);
        executor.scheduleWithFixedDelay(this::tick, 0, canaryInterval.toMillis(), TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(
                () -> runRepair("periodic check"),
                repairInterval.toMillis(),
                repairInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Sends a publication to the other nodes (this node delivers it itself); dropped, and counted, when Redis is down. */
    public void publish(Publication publication) {
        try {
            node.async()
                    .publish(channel, Envelope.publication(node.nodeId(), publication))
                    .whenComplete((receivers, error) -> {
                        if (error == null) {
                            published.incrementAndGet();
                            failureLogged.set(false);
                        } else {
                            publishFailed(error);
                        }
                    });
        } catch (RuntimeException e) {
            publishFailed(e);
        }
    }

    private void publishFailed(Throwable error) {
        failed.incrementAndGet();
        if (failureLogged.compareAndSet(false, true)) {
            LOG.log(
                    Level.WARNING,
                    "Cluster bus: publishing failed, other nodes miss publications until Redis is back: {0}",
                    error.toString());
        }
    }

    /** Whether this node's last canary made the round trip through Redis within the canary timeout. */
    public boolean healthy() {
        long back = lastCanaryBackNanos;
        return back != 0 && System.nanoTime() - back <= canaryTimeout.toNanos();
    }

    /** Bus messages this node published, received from other nodes, and failed to publish. */
    public String stats() {
        return "published " + published.get() + ", received " + received.get() + ", failed " + failed.get();
    }

    private void tick() {
        try {
            if (!node.connected() && !node.connect(listener, channel)) {
                interrupted = true;
                return;
            }
            if (canariesSent.get() > lastCanaryBack) {
                interrupted = true; // the last one did not come back within an interval
            }
            long n = canariesSent.incrementAndGet();
            node.async().publish(channel, Envelope.canary(node.nodeId(), n));
        } catch (RuntimeException e) {
            interrupted = true;
            LOG.log(Level.FINE, "Cluster bus canary failed", e);
        }
    }

    private void receive(String message) {
        Envelope.Received envelope;
        try {
            envelope = Envelope.decode(message);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cluster bus: dropped an unreadable message: {0}", e.toString());
            return;
        }
        boolean mine = envelope.node().equals(node.nodeId());
        if (envelope.publication() == null) {
            if (mine) {
                canaryBack(envelope.canary());
            }
            return;
        }
        if (mine) {
            return; // delivered here when it was published
        }
        received.incrementAndGet();
        try {
            deliver.accept(envelope.publication());
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "Cluster bus: delivering " + envelope.publication().topic() + " failed",
                    e);
        }
    }

    private void canaryBack(long n) {
        lastCanaryBack = Math.max(lastCanaryBack, n);
        lastCanaryBackNanos = System.nanoTime();
        if (interrupted && n == canariesSent.get()) {
            interrupted = false;
            LOG.log(Level.INFO, "Cluster bus of node {0} works again", node.nodeId());
            runRepair("bus resumed");
        } else if (!started) {
            started = true;
            LOG.log(Level.INFO, "Cluster bus of node {0} works", node.nodeId());
        }
    }

    private void runRepair(String reason) {
        try {
            repair.accept(reason);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cluster bus: repair after " + reason + " failed", e);
        }
    }

    /** Stops the canary and the delivery thread (the node's connections are closed by its owner). */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Listener extends RedisPubSubAdapter<String, String> {
        @Override
        public void message(String channel, String message) {
            try {
                executor.execute(() -> receive(message));
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }
}
