package io.switchboard.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.switchboard.broker.SharedStateUnavailable;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's connections to the shared Redis: one command connection (thread-safe, pipelined) and one pub/sub
 * connection, on Lettuce, whose threads (2 I/O, 2 computation, 1 timer) all come from the given factory (the
 * container's managed thread factory) and end in {@link #close()}. Lettuce reconnects both connections by itself
 * and subscribes again; while a connection is down its commands fail at once ({@link SharedStateUnavailable}) instead of
 * queuing. When Redis cannot be reached at start, {@link #connect} is simply called again later.
 */
public final class RedisNode implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisNode.class.getName());

    private final String nodeId;
    private final String prefix;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI commandsUri;
    private final RedisURI pubsubUri;
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisPubSubConnection<String, String> pubsub;
    private volatile boolean closed;

    public RedisNode(String uri, ThreadFactory threads, String nodeId, String prefix, Duration timeout) {
        this.nodeId = nodeId;
        this.prefix = prefix;
        AtomicInteger counter = new AtomicInteger();
        resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .threadFactoryProvider(pool -> task -> {
                    Thread thread = threads.newThread(task);
                    thread.setName("switchboard-redis-" + pool + "-" + counter.incrementAndGet());
                    return thread;
                })
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .addressResolverGroup(DefaultAddressResolverGroup.INSTANCE)
                .build();
        RedisURI redisUri = RedisURI.create(uri);
        redisUri.setTimeout(timeout);
        // named on every (re)connect: CLIENT LIST shows which node a connection is, CLIENT KILL can pick the subscriber
        commandsUri = RedisURI.builder(redisUri)
                .withClientName("switchboard-" + nodeId)
                .build();
        pubsubUri = RedisURI.builder(redisUri)
                .withClientName("switchboard-" + nodeId + "-sub")
                .build();
        client = RedisClient.create(resources, redisUri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(timeout)
                        .keepAlive(true)
                        .build())
                .build());
    }

    public String nodeId() {
        return nodeId;
    }

    /** A Redis key or channel of this deployment: the prefix and the parts, joined with ':'. */
    public String key(String... parts) {
        return prefix + String.join(":", parts);
    }

    /** Tells the listener when a connection to Redis is lost (Lettuce then reconnects it). */
    public void onDisconnect(Runnable listener) {
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> connection) {
                listener.run();
            }
        });
    }

    /**
     * Opens whichever of the two connections is not open yet and subscribes the pub/sub one to {@code channels}.
     *
     * @return true when both are open
     */
    public synchronized boolean connect(RedisPubSubListener<String, String> listener, String... channels) {
        if (closed) {
            return false;
        }
        try {
            if (commands == null) {
                commands = client.connect(StringCodec.UTF8, commandsUri);
                LOG.log(Level.INFO, "Cluster node {0} connected to Redis", nodeId);
            }
            if (pubsub == null) {
                StatefulRedisPubSubConnection<String, String> connection =
                        client.connectPubSub(StringCodec.UTF8, pubsubUri);
                connection.addListener(listener);
                connection.sync().subscribe(channels);
                pubsub = connection;
            }
            return true;
        } catch (RedisException e) {
            LOG.log(Level.WARNING, "Cluster node {0} cannot reach Redis yet: {1}", new Object[] {nodeId, e.toString()});
            return false;
        }
    }

    public boolean connected() {
        StatefulRedisConnection<String, String> c = commands;
        return c != null && c.isOpen() && pubsub != null && pubsub.isOpen();
    }

    /** Runs a command on the shared connection and waits for it (at most the command timeout). */
    public <T> T call(Function<RedisCommands<String, String>, T> command) {
        StatefulRedisConnection<String, String> c = commands;
        if (c == null) {
            throw new SharedStateUnavailable("Redis is not connected", null);
        }
        try {
            return command.apply(c.sync());
        } catch (RedisException e) {
            throw new SharedStateUnavailable("Redis command failed: " + e.getMessage(), e);
        }
    }

    /** The shared connection's asynchronous commands, for fire-and-forget writes. */
    public RedisAsyncCommands<String, String> async() {
        StatefulRedisConnection<String, String> c = commands;
        if (c == null) {
            throw new SharedStateUnavailable("Redis is not connected", null);
        }
        return c.async();
    }

    /** Closes both connections and stops every thread of the client (within a few seconds). */
    @Override
    public synchronized void close() {
        closed = true;
        for (AutoCloseable connection : new AutoCloseable[] {pubsub, commands}) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (Exception e) {
                    LOG.log(Level.FINE, "Closing a Redis connection failed", e);
                }
            }
        }
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Redis client shutdown failed", e);
        }
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Redis client threads did not stop in time", e);
        }
    }
}
