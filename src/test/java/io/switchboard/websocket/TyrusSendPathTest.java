package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.switchboard.config.Ticker;
import io.switchboard.identity.Identity;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Tyrus fast send path (the one Payara uses) against a real, in-process Tyrus server: it is chosen for a Tyrus
 * session, and frames queued from several threads at once, coalesced into raw writes, all arrive as separate
 * messages, each thread's in its order.
 */
class TyrusSendPathTest {

    private static final int THREADS = 4;
    private static final int PER_THREAD = 5_000;
    private static final BlockingQueue<Connection> OPENED = new LinkedBlockingQueue<>();
    private static final ScheduledExecutorService WRITERS = Executors.newSingleThreadScheduledExecutor(); // a send loop
    private static Server server;

    /** A bare endpoint that wraps each session in a {@link Connection} with the sender chosen for it. */
    @ServerEndpoint("/send-path")
    public static class SendPathEndpoint {
        @OnOpen
        public void open(Session session) {
            OPENED.add(new Connection(
                    session,
                    new Identity("u", "u"),
                    FrameSender.of(session),
                    WRITERS,
                    Runnable::run,
                    new Connection.Limits(1_000_000, 10, 10, Duration.ofMinutes(1), 1_000, Ticker.SYSTEM)));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = new Server("127.0.0.1", -1, "/", Map.of(), SendPathEndpoint.class); // -1: any free port
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        WRITERS.shutdownNow();
    }

    @Test
    void framesQueuedFromManyThreadsAllArriveInEachThreadsOrder() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        Session client = ClientManager.createClient()
                .connectToServer(
                        new Endpoint() {
                            @Override
                            public void onOpen(Session session, EndpointConfig config) {
                                session.addMessageHandler(String.class, (MessageHandler.Whole<String>) received::add);
                            }
                        },
                        ClientEndpointConfig.Builder.create().build(),
                        URI.create("ws://127.0.0.1:" + server.getPort() + "/send-path"));
        Connection connection = OPENED.poll(10, TimeUnit.SECONDS);
        assertNotNull(connection, "server side opened");
        assertInstanceOf(
                FrameSender.Tyrus.class, FrameSender.of(connection.session()), "the Tyrus fast path is chosen");

        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            senders.add(startThread(() -> {
                for (int i = 0; i < PER_THREAD; i++) {
                    connection.send(thread + ":" + i);
                }
            }));
        }
        for (Thread sender : senders) {
            sender.join(30_000);
        }
        int[] next = new int[THREADS];
        for (int n = 0; n < THREADS * PER_THREAD; n++) {
            String frame = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(frame, "frame " + n + " arrived");
            int thread = Integer.parseInt(frame.substring(0, frame.indexOf(':')));
            assertEquals(
                    next[thread]++, Integer.parseInt(frame.substring(frame.indexOf(':') + 1)), "in order per sender");
        }
        client.close();
    }

    private static Thread startThread(Runnable body) {
        Thread thread = new Thread(body);
        thread.start();
        return thread;
    }
}
