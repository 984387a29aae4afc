package io.switchboard.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two nodes of the same server (the manual containers "node-a" and "node-b" of arquillian.xml) on one PostgreSQL
 * database, created fresh for the run and dropped after it: what the database guarantees across nodes, without a
 * bus between them. Room messages posted on both nodes at once get one gapless order that both nodes serve; a
 * user's notifications published on both nodes at once get one gapless sequence; a user who moves to the other node
 * resumes with {@code since} and gets exactly what was missed. With the bus (Redis) between them: with alice on A
 * and bob on B, room messages, typing, direct messages, presence (one list, each change announced once), a
 * notification, a one-time ticket, a revocation (4003) and the connections-per-user limit work across the nodes;
 * and failures: node B's Redis connections reset and refused for a while (a Redis restart or a killed subscriber,
 * as B sees it: B is not ready meanwhile, then delivers everything it missed once and in order), PostgreSQL
 * unreachable for both nodes (internal_error and 503 at once, readiness down, all well again after), and node B's
 * JVM killed (SIGKILL) mid-traffic: its users leave A's lists once within two heartbeat intervals while A keeps
 * delivering, and a user who moves from B to A with {@code since} ends with every message and notification once.
 * node-b reaches Redis, and both nodes PostgreSQL, through {@link CuttableProxy}s this class starts on ports the
 * build reserves, so that the machine's Redis and PostgreSQL are never stopped.
 *
 * <p>Without PostgreSQL on {@code it.postgresql.url} the class is skipped with a {@code SKIPPED:} line; with the
 * environment variable {@code CI} set it runs and fails instead.
 */
@ExtendWith({ClusterDatabase.Required.class, ArquillianExtension.class})
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final String NODE_A = "node-a";
    private static final String NODE_B = "node-b";
    private static final String ON_A = "on-node-a";
    private static final String ON_B = "on-node-b";
    private static final long RUN = System.currentTimeMillis();
    /** 20 posters (10 per node) of 25 posts each: under the per-connection burst, so none is rate limited. */
    private static final int POSTERS_PER_NODE = 10;

    private static final int POSTS_PER_POSTER = 25;
    private static final int POSTS = 2 * POSTERS_PER_NODE * POSTS_PER_POSTER;
    /** Chat history page size of the test servers (the default of switchboard.chat.history-size). */
    private static final int HISTORY_SIZE = 50;
    /** switchboard.limits.connections-per-user of the test servers (the default). */
    private static final int CONNECTIONS_PER_USER = 16;
    /** How long a second announcement would have had to arrive. */
    private static final Duration QUIET = Duration.ofMillis(1500);
    /** Two heartbeat intervals of the test servers (switchboard.heartbeat.interval=1): the documented bound. */
    private static final Duration DEPARTURE_BOUND = Duration.ofSeconds(2);
    /** What a loaded build machine may add to it (a node's renewal or sweep delayed, the bus). */
    private static final Duration LOADED_MACHINE_SLACK = Duration.ofSeconds(2);

    /** How long a failure test waits for the cluster to notice a failure or its end (canary: 1 s, timeout 3 s). */
    private static final Duration FAILURE_NOTICED = Duration.ofSeconds(20);
    /**
     * How long a client may wait for an answer while PostgreSQL refuses connections: at once on WildFly; on Payara
     * EclipseLink retries a read that failed for a communication error (3 times, a second apart), so a chat message
     * of several reads takes up to about 10 s (measured 10.2 s); the documented bound is 15 s.
     */
    private static final Duration DB_FAILURE_ANSWER = Duration.ofSeconds(15);
    /** Traffic while node-b dies: this many room posts and notifications, one pair every TRAFFIC_PACE. */
    private static final int TRAFFIC = 60;

    private static final Duration TRAFFIC_PACE = Duration.ofMillis(100);

    private static volatile boolean nodeBKilled;
    /** node-b's way to Redis (-Dswitchboard.cluster.redis-uri in arquillian.xml), which a test cuts. */
    private static CuttableProxy redisOfNodeB;
    /** Both nodes' way to PostgreSQL (SWITCHBOARD_DB_URL in pom.xml), which a test cuts. */
    private static CuttableProxy database;

    @ArquillianResource
    ContainerController controller;

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = ON_A, managed = false, testable = false)
    @TargetsContainer(NODE_A)
    static WebArchive onNodeA() {
        return Servers.war();
    }

    @Deployment(name = ON_B, managed = false, testable = false)
    @TargetsContainer(NODE_B)
    static WebArchive onNodeB() {
        return Servers.war();
    }

    @BeforeAll
    static void freshDatabase() throws SQLException {
        ClusterDatabase.recreate();
    }

    @BeforeAll
    static void proxies() {
        URI redis = URI.create(System.getProperty("it.cluster.jvm.props", "")
                .replaceAll(".*-Dswitchboard\\.cluster\\.redis-uri=(\\S+).*", "$1"));
        redisOfNodeB = new CuttableProxy(
                Integer.getInteger("it.redis.proxy.port", 16379),
                redis.getHost() == null ? "127.0.0.1" : redis.getHost(),
                redis.getPort() < 0 ? 6379 : redis.getPort());
        URI postgresql = URI.create("tcp://" + System.getProperty("it.postgresql.server", "127.0.0.1:5432"));
        database = new CuttableProxy(
                Integer.getInteger("it.db.proxy.port", 15432), postgresql.getHost(), postgresql.getPort());
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        ClusterDatabase.drop();
    }

    @AfterAll
    static void closeProxies() {
        if (redisOfNodeB != null) {
            redisOfNodeB.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    @Order(1)
    void startBothNodes() {
        // one after the other: the first creates the schema, the second finds it
        controller.start(NODE_A);
        deployer.deploy(ON_A);
        controller.start(NODE_B);
        deployer.deploy(ON_B);
    }

    @Test
    @Order(2)
    void postsFromBothNodesAtOnceGetOneGaplessOrderThatBothNodesServe(
            @ArquillianResource @OperateOnDeployment(ON_A) URL a, @ArquillianResource @OperateOnDeployment(ON_B) URL b)
            throws Exception {
        String room = "cluster-" + RUN;
        List<WsClient> clients = new ArrayList<>();
        ExecutorService posters = Executors.newFixedThreadPool(2 * POSTERS_PER_NODE);
        try {
            // connected and joined one after the other (a cold node is slow to hand out the first tickets) ...
            for (int i = 0; i < 2 * POSTERS_PER_NODE; i++) {
                WsClient client = WsClient.chat(Servers.ws(i % 2 == 0 ? a : b), "poster" + i + "-" + RUN);
                clients.add(client);
                client.join(room);
            }
            // ... then all posting at once, half of them on each node
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<JsonObject>>> acks = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                WsClient client = clients.get(i);
                String poster = "poster" + i;
                acks.add(posters.submit(() -> {
                    assertTrue(go.await(60, TimeUnit.SECONDS));
                    List<JsonObject> mine = new ArrayList<>();
                    for (int k = 0; k < POSTS_PER_POSTER; k++) {
                        mine.add(client.post(room, "post " + k + " of " + poster, poster + "-" + RUN + "-" + k));
                    }
                    return mine;
                }));
            }
            go.countDown();
            Map<String, Long> seqOfClientId = new HashMap<>();
            for (Future<List<JsonObject>> posted : acks) {
                for (JsonObject ack : posted.get(180, TimeUnit.SECONDS)) {
                    assertFalse(ack.getBoolean("duplicate"), ack.toString());
                    seqOfClientId.put(
                            ack.getString("clientId"), ack.getJsonNumber("seq").longValue());
                }
            }
            assertEquals(POSTS, seqOfClientId.size());
            assertEquals(
                    LongStream.rangeClosed(1, POSTS).boxed().toList(),
                    seqOfClientId.values().stream().sorted().toList(),
                    "the acks' room sequence numbers are 1.." + POSTS + ", each once");

            List<JsonObject> fromA = wholeHistory(Servers.http(a), room);
            List<JsonObject> fromB = wholeHistory(Servers.http(b), room);
            assertEquals(
                    LongStream.rangeClosed(1, POSTS).boxed().toList(),
                    fromA.stream().map(m -> m.getJsonNumber("seq").longValue()).toList(),
                    "history: every message once, in sequence order, no gap");
            for (JsonObject m : fromA) {
                assertEquals(
                        seqOfClientId.get(m.getString("clientId")),
                        m.getJsonNumber("seq").longValue(),
                        "history has each message at the place its ack gave: " + m);
            }
            assertEquals(
                    fromA.stream().map(ClusterIT::identity).toList(),
                    fromB.stream().map(ClusterIT::identity).toList(),
                    "both nodes serve the same history in the same order");

            // catch-up after a reconnect, on the node the client was not on: join with since, then page back
            try (WsClient late = WsClient.chat(Servers.ws(b), "late-" + RUN)) {
                long since = POSTS - 2L * HISTORY_SIZE;
                late.send(Json.createObjectBuilder()
                        .add("type", "join")
                        .add("room", room)
                        .add("since", since)
                        .build()
                        .toString());
                List<JsonObject> caughtUp = new ArrayList<>(late.expect("joined", f -> room.equals(f.getString("room")))
                        .getJsonArray("history")
                        .getValuesAs(JsonObject.class));
                assertEquals(HISTORY_SIZE, caughtUp.size(), "joined holds the newest page after since");
                long first = caughtUp.get(0).getJsonNumber("seq").longValue();
                assertEquals(POSTS - HISTORY_SIZE + 1, first);
                late.send("{\"type\":\"history\",\"room\":\"" + room + "\",\"before\":" + first + ",\"limit\":"
                        + HISTORY_SIZE + "}");
                JsonObject older = late.expect("history");
                assertTrue(older.getBoolean("more"), "older messages exist");
                caughtUp.addAll(0, older.getJsonArray("messages").getValuesAs(JsonObject.class));
                assertEquals(
                        fromA.subList((int) since, POSTS).stream()
                                .map(ClusterIT::identity)
                                .toList(),
                        caughtUp.stream().map(ClusterIT::identity).toList(),
                        "since + history paging give exactly the messages after since, in order");
            }
        } finally {
            posters.shutdownNow();
            clients.forEach(WsClient::close);
        }
    }

    @Test
    @Order(3)
    void notificationsToOneUserFromBothNodesAtOnceGetOneGaplessSequence(
            @ArquillianResource @OperateOnDeployment(ON_A) URL a, @ArquillianResource @OperateOnDeployment(ON_B) URL b)
            throws Exception {
        String user = "inbox-" + RUN;
        int publishers = 4;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        Set<String> titles = Collections.synchronizedSet(new HashSet<>());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                URI node = Servers.http(p % 2 == 0 ? a : b);
                String publisher = "publisher" + p;
                done.add(pool.submit((Callable<Void>) () -> {
                    go.await();
                    for (int k = 0; k < each; k++) {
                        String title = publisher + " #" + k;
                        HttpResponse<String> published = Servers.post(
                                node,
                                "/api/notifications",
                                "{\"user\":\"" + user + "\",\"title\":\"" + title + "\"}",
                                Credentials.bearer("ops", "publisher"));
                        assertEquals(201, published.statusCode(), published.body());
                        titles.add(title);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int total = publishers * each;
        List<JsonObject> inboxA = inbox(Servers.http(a), user, total);
        List<JsonObject> inboxB = inbox(Servers.http(b), user, total);
        assertEquals(
                LongStream.rangeClosed(1, total).boxed().toList(),
                inboxA.stream().map(n -> n.getJsonNumber("seq").longValue()).toList(),
                "the user's sequence is 1.." + total + ": no gap, no duplicate");
        assertEquals(
                titles, inboxA.stream().map(n -> n.getString("title")).collect(java.util.stream.Collectors.toSet()));
        assertEquals(
                inboxA.stream()
                        .map(n -> n.getJsonNumber("seq") + " " + n.getJsonNumber("id") + " " + n.getString("title"))
                        .toList(),
                inboxB.stream()
                        .map(n -> n.getJsonNumber("seq") + " " + n.getJsonNumber("id") + " " + n.getString("title"))
                        .toList(),
                "both nodes serve the same inbox");
    }

    @Test
    @Order(4)
    void aUserWhoMovesToTheOtherNodeResumesWithSinceAndGetsExactlyWhatItMissed(
            @ArquillianResource @OperateOnDeployment(ON_A) URL a,
            @ArquillianResource @OperateOnDeployment(ON_B) URL b) {
        String user = "mover-" + RUN;
        for (int i = 1; i <= 3; i++) {
            publish(Servers.http(a), user, "seen " + i);
        }
        long lastSeen;
        try (WsClient onA = WsClient.notifications(Servers.ws(a), user, 0)) {
            for (int i = 1; i <= 3; i++) {
                assertEquals("seen " + i, onA.expect("notification").getString("title"));
            }
            lastSeen = onA.expect("replayed").getJsonNumber("lastSeq").longValue();
            assertEquals(3, lastSeen);
        }
        for (int i = 1; i <= 4; i++) {
            publish(Servers.http(a), user, "missed " + i);
        }
        try (WsClient onB = WsClient.notifications(Servers.ws(b), user, lastSeen)) {
            for (int i = 1; i <= 4; i++) {
                JsonObject missed = onB.expect("notification");
                assertEquals("missed " + i, missed.getString("title"));
                assertEquals(lastSeen + i, missed.getJsonNumber("seq").longValue());
            }
            assertEquals(7, onB.expect("replayed").getJsonNumber("lastSeq").longValue());
            publish(Servers.http(b), user, "live on b");
            JsonObject live = onB.expect("notification");
            assertEquals("live on b", live.getString("title"), "nothing but the missed ones came before it");
            assertEquals(8, live.getJsonNumber("seq").longValue());
        }
    }

    @Test
    @Order(5)
    void roomMessagesTypingAndDirectMessagesReachTheOtherNodeLive(
            @ArquillianResource @OperateOnDeployment(ON_A) URL a,
            @ArquillianResource @OperateOnDeployment(ON_B) URL b) {
        String room = "live-" + RUN;
        String alice = "alice-" + RUN;
        String bob = "bob-" + RUN;
        try (WsClient onA = WsClient.chat(Servers.ws(a), alice);
                WsClient onB = WsClient.chat(Servers.ws(b), bob)) {
            onA.join(room);
            onB.join(room);
            onA.post(room, "hello from A", "a-1");
            assertEquals(
                    "hello from A",
                    onB.expect("message", f -> "a-1".equals(f.getString("clientId")))
                            .getString("text"));
            onB.post(room, "hello from B", "b-1");
            assertEquals(
                    bob,
                    onA.expect("message", f -> "b-1".equals(f.getString("clientId")))
                            .getString("from"));
            onB.send("{\"type\":\"typing\",\"room\":\"" + room + "\",\"active\":true}");
            JsonObject typing = onA.expect("typing");
            assertEquals(bob, typing.getString("user"));
            assertTrue(typing.getBoolean("active"));
            onA.send("{\"type\":\"direct\",\"to\":\"" + bob + "\",\"text\":\"psst\",\"clientId\":\"d-1\"}");
            JsonObject direct = onB.expect("direct");
            assertEquals(alice, direct.getString("from"));
            assertEquals("psst", direct.getString("text"));
            onB.send("{\"type\":\"direct\",\"to\":\"" + alice + "\",\"text\":\"back\",\"clientId\":\"d-2\"}");
            assertEquals(
                    "back",
                    onA.expect("direct", f -> bob.equals(f.getString("from"))).getString("text"));
        }
    }

    @Test
    @Order(6)
    void presenceIsOneListOverBothNodesAndEachArrivalAndDepartureIsAnnouncedOnce(
            @ArquillianResource @OperateOnDeployment(ON_A) URL a,
            @ArquillianResource @OperateOnDeployment(ON_B) URL b) {
        String room = "presence-" + RUN;
        String alice = "alice-" + RUN;
        String bob = "bob-" + RUN;
        String carol = "carol-" + RUN;
        try (WsClient aliceOnA = WsClient.chat(Servers.ws(a), alice);
                WsClient bobOnB = WsClient.chat(Servers.ws(b), bob);
                WsClient carolOnA = WsClient.chat(Servers.ws(a), carol)) {
            assertEquals(List.of(alice), members(aliceOnA.join(room)));
            assertEquals(List.of(alice, bob), members(bobOnB.join(room)), "B's list shows alice, who is on A");
            assertPresenceOnce(aliceOnA, bob, "joined");
            try (WsClient aliceOnB = WsClient.chat(Servers.ws(b), alice)) {
                assertEquals(List.of(alice, bob), members(aliceOnB.join(room)));
                assertTrue(
                        bobOnB.receivesNo("presence", f -> alice.equals(f.getString("user")), QUIET),
                        "alice's second connection, on the other node, is no new arrival");
            }
            assertTrue(
                    bobOnB.receivesNo("presence", f -> alice.equals(f.getString("user")), QUIET),
                    "closing one of her two connections is no departure");
            assertEquals(List.of(alice, bob), presenceOver(Servers.http(a), room));
            assertEquals(List.of(alice, bob), presenceOver(Servers.http(b), room));

            aliceOnA.send("{\"type\":\"leave\",\"room\":\"" + room + "\"}");
            aliceOnA.expect("left");
            assertPresenceOnce(bobOnB, alice, "left");
            assertEquals(List.of(bob), presenceOver(Servers.http(a), room));

            assertEquals(List.of(bob, carol), members(carolOnA.join(room)));
            assertPresenceOnce(bobOnB, carol, "joined");
            bobOnB.close();
            assertPresenceOnce(carolOnA, bob, "left");
            assertEquals(List.of(carol), presenceOver(Servers.http(b), room));
        }
    }

    @Test
    @Order(7)
    void aNotificationPublishedOnAReachesTheUserConnectedToB(
            @ArquillianResource @OperateOnDeployment(ON_A) URL a,
            @ArquillianResource @OperateOnDeployment(ON_B) URL b) {
        String user = "reader-on-b-" + RUN;
        try (WsClient onB = WsClient.notifications(Servers.ws(b), user, 0)) {
            onB.expect("replayed");
            publish(Servers.http(a), user, "from A");
            JsonObject live = onB.expect("notification");
            assertEquals("from A", live.getString("title"));
            assertEquals(1, live.getJsonNumber("seq").longValue());
        }
    }

    @Test
    @Order(8)
    void aTicketIssuedOnAIsRedeemedOnceOnBAndRefusedAfterwardsOnEitherNode(
            @ArquillianResource @OperateOnDeployment(ON_A) URL a,
            @ArquillianResource @OperateOnDeployment(ON_B) URL b) {
        String ticket = Servers.ticket(Servers.ws(a), "ticket-" + RUN);
        try (WsClient first = WsClient.open(URI.create(Servers.ws(b) + "/ws/chat?ticket=" + ticket))) {
            assertTrue(first.welcomed(), "issued on A, redeemed on B");
            for (URL node : List.of(b, a)) {
                try (WsClient again = WsClient.open(URI.create(Servers.ws(node) + "/ws/chat?ticket=" + ticket))) {
                    assertFalse(again.welcomed(), "a used ticket is refused on " + node);
                    assertEquals(1008, again.closeCode());
                    assertEquals("unknown or already used ticket", again.closeReason());
                }
            }
        }
    }

    @Test
    @Order(9)
    void revokingAUserOnAClosesTheirConnectionsOnBothNodesWith4003(
            @ArquillianResource @OperateOnDeployment(ON_A) URL a,
            @ArquillianResource @OperateOnDeployment(ON_B) URL b) {
        String user = "revoked-" + RUN;
        try (WsClient onB = WsClient.chat(Servers.ws(b), user);
                WsClient onA = WsClient.chat(Servers.ws(a), user)) {
            HttpResponse<String> revoked = Servers.post(
                    Servers.http(a), "/api/auth/revocations/" + user, "", Credentials.bearer("root-" + RUN, "admin"));
            assertEquals(204, revoked.statusCode(), revoked.body());
            assertEquals(4003, onB.closeCode(), "closed on the other node");
            assertEquals(4003, onA.closeCode());
        }
    }

    @Test
    @Order(10)
    void connectionsPerUserAreCountedOverBothNodes(
            @ArquillianResource @OperateOnDeployment(ON_A) URL a,
            @ArquillianResource @OperateOnDeployment(ON_B) URL b) {
        String user = "many-tabs-" + RUN;
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS_PER_USER; i++) {
                open.add(WsClient.chat(Servers.ws(i % 2 == 0 ? a : b), user));
            }
            for (URL node : List.of(a, b)) {
                try (WsClient oneTooMany = WsClient.connect(Servers.ws(node), "/ws/chat", user)) {
                    assertFalse(
                            oneTooMany.welcomed(), CONNECTIONS_PER_USER + " open over both nodes: refused on " + node);
                    assertEquals(1008, oneTooMany.closeCode());
                }
            }
            open.remove(0).close(); // one on A closes: B admits one more
            await("the closed connection stops counting")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> {
                        WsClient next = WsClient.connect(Servers.ws(b), "/ws/chat", user);
                        if (next.welcomed()) {
                            open.add(next);
                            return true;
                        }
                        next.close();
                        return false;
                    });
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    @Order(11)
    void aPostForAnEventStreamOnALandingOnBIsHandledOnAAsIfPostedThere(
            @ArquillianResource @OperateOnDeployment(ON_A) URL a,
            @ArquillianResource @OperateOnDeployment(ON_B) URL b) {
        String room = "sse-" + RUN;
        String alice = "sse-alice-" + RUN;
        SseClient stream = SseClient.chat(Servers.http(a), alice);
        try (SseClient onA = stream;
                WsClient bobOnB = WsClient.chat(Servers.ws(b), "sse-bob-" + RUN)) {
            onA.expect("welcome");
            bobOnB.join(room);
            URI nodeB = Servers.http(b);
            HttpResponse<String> joined = onA.postVia(
                    nodeB,
                    "[{\"type\":\"join\",\"room\":\"" + room + "\"},{\"type\":\"post\",\"room\":\"" + room
                            + "\",\"text\":\"via B\",\"clientId\":\"s-1\"}]");
            assertEquals(202, joined.statusCode(), joined.body());
            assertEquals(room, onA.expect("joined").getString("room"));
            assertEquals("s-1", onA.expect("ack").getString("clientId"));
            assertEquals(
                    alice,
                    bobOnB.expect("message", f -> "via B".equals(f.getString("text")))
                            .getString("from"));
            HttpResponse<String> bad = onA.postVia(nodeB, "{\"type\":\"dance\",\"ref\":\"d-1\"}");
            assertEquals(202, bad.statusCode(), bad.body());
            assertEquals("d-1", onA.expect("error").getString("ref"), "the error arrives on the stream, on A");
            HttpResponse<String> asOther =
                    onA.postVia(nodeB, "{\"type\":\"ping\"}", Credentials.bearer("sse-mallory-" + RUN));
            assertEquals(403, asOther.statusCode(), asOther.body());
        }
        await("once the stream on A has ended, no node takes POSTs for it")
                .atMost(Duration.ofSeconds(10))
                .until(() ->
                        stream.postVia(Servers.http(b), "{\"type\":\"ping\"}").statusCode() == 404);
    }

    @Test
    @Order(12)
    void whenNodeBLosesRedisMidStreamItIsNotReadyAndThenDeliversEveryMissedNotificationAndMessageOnceInOrder(
            @ArquillianResource @OperateOnDeployment(ON_A) URL a,
            @ArquillianResource @OperateOnDeployment(ON_B) URL b) {
        String user = "bus-cut-" + RUN;
        String room = "bus-cut-" + RUN;
        try (WsClient inboxOnB = WsClient.notifications(Servers.ws(b), user, 0);
                WsClient carolOnB = WsClient.chat(Servers.ws(b), "carol-bus-" + RUN);
                WsClient daveOnA = WsClient.chat(Servers.ws(a), "dave-bus-" + RUN)) {
            inboxOnB.expect("replayed");
            carolOnB.join(room);
            daveOnA.join(room);
            publish(Servers.http(a), user, "before");
            assertEquals(1, inboxOnB.expect("notification").getJsonNumber("seq").longValue());
            daveOnA.post(room, "before", "bus-0");
            assertEquals(1, carolOnB.expect("message").getJsonNumber("seq").longValue());

            redisOfNodeB.down(); // as a Redis restart (or CLIENT KILL) looks to node-b: connections reset, then refused
            long cut = System.nanoTime();
            JsonObject notReady = awaitReadiness(b, 503);
            System.out.println("ClusterIT: node-b's Redis connections cut; readiness 503 after "
                    + (System.nanoTime() - cut) / 1_000_000 + " ms: " + notReady);
            assertEquals("DOWN", check(notReady, "bus").getString("status"), notReady.toString());
            assertEquals("UP", check(notReady, "database").getString("status"), notReady.toString());
            assertEquals(200, Servers.get(Servers.http(a), "/api/health/ready").statusCode(), "A's bus works");
            for (int i = 2; i <= 4; i++) { // stored on A, published on the bus node-b does not hear
                publish(Servers.http(a), user, "while cut " + i);
                daveOnA.post(room, "while cut " + i, "bus-" + i);
            }

            redisOfNodeB.restore();
            long restored = System.nanoTime();
            for (int i = 2; i <= 4; i++) {
                JsonObject missed = inboxOnB.expect("notification");
                assertEquals(i, missed.getJsonNumber("seq").longValue(), missed.toString());
                assertEquals("while cut " + i, missed.getString("title"));
                JsonObject message = carolOnB.expect("message");
                assertEquals(i, message.getJsonNumber("seq").longValue(), message.toString());
                assertEquals("bus-" + i, message.getString("clientId"));
            }
            System.out.println("ClusterIT: node-b's Redis back; the missed notifications and messages arrived after "
                    + (System.nanoTime() - restored) / 1_000_000 + " ms");
            awaitReadiness(b, 200);
            await("node-b issues tickets again (its Redis commands work)")
                    .atMost(FAILURE_NOTICED)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreException(IllegalStateException.class) // 503 while not
                    .until(() -> !Servers.ticket(Servers.ws(b), "ticket-after-" + RUN)
                            .isEmpty());

            publish(Servers.http(a), user, "after");
            JsonObject live = inboxOnB.expect("notification");
            assertEquals(5, live.getJsonNumber("seq").longValue(), "no duplicate before the live one: " + live);
            daveOnA.post(room, "after", "bus-5");
            JsonObject next = carolOnB.expect("message");
            assertEquals(5, next.getJsonNumber("seq").longValue(), "no duplicate before the live one: " + next);
        } finally {
            redisOfNodeB.restore();
        }
    }

    @Test
    @Order(13)
    void whilePostgreSqlIsUnreachableClientsGetInternalErrorsAnd503sAtOnceAndDeliveryResumesWhenItIsBack(
            @ArquillianResource @OperateOnDeployment(ON_A) URL a,
            @ArquillianResource @OperateOnDeployment(ON_B) URL b) {
        String user = "db-cut-" + RUN;
        String room = "db-cut-" + RUN;
        try (WsClient inboxOnB = WsClient.notifications(Servers.ws(b), user, 0);
                WsClient aliceOnA = WsClient.chat(Servers.ws(a), "alice-db-" + RUN);
                WsClient bobOnB = WsClient.chat(Servers.ws(b), "bob-db-" + RUN)) {
            inboxOnB.expect("replayed");
            aliceOnA.join(room);
            bobOnB.join(room);
            aliceOnA.post(room, "before", "db-1");
            assertEquals(1, bobOnB.expect("message").getJsonNumber("seq").longValue());

            database.down(); // as a stopped PostgreSQL looks: connections reset, new ones refused
            try {
                long sent = System.nanoTime();
                aliceOnA.send("{\"type\":\"post\",\"room\":\"" + room + "\",\"text\":\"lost?\",\"clientId\":\"db-2\"}");
                JsonObject error = aliceOnA.expect("error", f -> "db-2".equals(f.getString("ref", null)));
                long postMs = (System.nanoTime() - sent) / 1_000_000;
                assertEquals("internal_error", error.getString("code"), error.toString());
                sent = System.nanoTime();
                HttpResponse<String> refused = Servers.post(
                        Servers.http(a),
                        "/api/notifications",
                        "{\"user\":\"" + user + "\",\"title\":\"lost?\"}",
                        Credentials.bearer("ops", "publisher"));
                long publishMs = (System.nanoTime() - sent) / 1_000_000;
                assertEquals(503, refused.statusCode(), refused.body());
                assertTrue(
                        refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                        refused.headers().toString());
                assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "Retry-After");
                JsonObject notReady = awaitReadiness(a, 503);
                assertEquals("DOWN", check(notReady, "database").getString("status"), notReady.toString());
                System.out.println("ClusterIT: PostgreSQL cut; post answered internal_error after " + postMs
                        + " ms, REST publish 503 after " + publishMs + " ms; readiness " + notReady);
                assertTrue(postMs <= DB_FAILURE_ANSWER.toMillis(), "answered after " + postMs + " ms");
                assertTrue(publishMs <= DB_FAILURE_ANSWER.toMillis(), "answered after " + publishMs + " ms");
                assertTrue(bobOnB.receivesNo("message", Duration.ofMillis(200)), "nothing was stored or sent");
            } finally {
                database.restore();
            }
            awaitReadiness(a, 200);
            awaitReadiness(b, 200);
            JsonObject retried = aliceOnA.post(room, "lost?", "db-2"); // as a client retries an unacknowledged post
            assertFalse(retried.getBoolean("duplicate"), retried.toString());
            JsonObject message = bobOnB.expect("message");
            assertEquals(2, message.getJsonNumber("seq").longValue(), message.toString());
            assertEquals("db-2", message.getString("clientId"));
            publish(Servers.http(a), user, "after");
            JsonObject notification = inboxOnB.expect("notification");
            assertEquals(1, notification.getJsonNumber("seq").longValue());
            assertEquals("after", notification.getString("title"));
        }
    }

    @Test
    @Order(50)
    void whenNodeBIsKilledMidTrafficItsUsersLeaveAOnceAndMoveToAWithNothingLostOrTwice(
            @ArquillianResource @OperateOnDeployment(ON_A) URL a, @ArquillianResource @OperateOnDeployment(ON_B) URL b)
            throws Exception {
        String room = "crash-" + RUN;
        String alice = "alice-crash-" + RUN;
        String dave = "dave-crash-" + RUN;
        String carol = "carol-crash-" + RUN;
        String erin = "erin-crash-" + RUN; // on both nodes: B's death does not make her leave
        String traffic = "traffic-" + RUN; // where frank on A posts, and carol on B reads, while B dies
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        try (WsClient aliceOnA = WsClient.chat(Servers.ws(a), alice);
                WsClient daveOnA = WsClient.chat(Servers.ws(a), dave);
                WsClient erinOnA = WsClient.chat(Servers.ws(a), erin);
                WsClient frankOnA = WsClient.chat(Servers.ws(a), "frank-crash-" + RUN)) {
            WsClient carolOnB = WsClient.chat(Servers.ws(b), carol);
            WsClient erinOnB = WsClient.chat(Servers.ws(b), erin);
            WsClient carolsInboxOnB = WsClient.notifications(Servers.ws(b), carol, 0);
            carolsInboxOnB.expect("replayed");
            carolOnB.join(traffic);
            frankOnA.join(traffic);
            aliceOnA.join(room);
            daveOnA.join(room);
            erinOnB.join(room);
            erinOnA.join(room);
            assertEquals(List.of(alice, carol, dave, erin), members(carolOnB.join(room)));
            assertPresenceOnce(aliceOnA, carol, "joined");
            daveOnA.expect("presence", f -> carol.equals(f.getString("user")));

            // traffic on A: a room post and a notification to carol every TRAFFIC_PACE, before, during and after
            CountDownLatch flowing = new CountDownLatch(TRAFFIC / 6);
            CountDownLatch trafficDone = new CountDownLatch(TRAFFIC);
            AtomicReference<Throwable> trafficFailed = new AtomicReference<>();
            pace.scheduleWithFixedDelay(
                    () -> {
                        long n = TRAFFIC - trafficDone.getCount() + 1;
                        if (n > TRAFFIC || trafficFailed.get() != null) {
                            return;
                        }
                        try {
                            frankOnA.post(traffic, "traffic " + n, "traffic-" + n);
                            publish(Servers.http(a), carol, "traffic " + n);
                        } catch (RuntimeException | AssertionError e) {
                            trafficFailed.set(e);
                            throw e;
                        }
                        flowing.countDown();
                        trafficDone.countDown();
                    },
                    0,
                    TRAFFIC_PACE.toMillis(),
                    TimeUnit.MILLISECONDS);
            assertTrue(flowing.await(30, TimeUnit.SECONDS), "traffic flows; failed: " + trafficFailed.get());

            long pid = NodeProcess.kill9(b, NODE_B);
            long killed = System.nanoTime();
            nodeBKilled = true;
            JsonObject left =
                    aliceOnA.expect("presence", f -> Set.of(carol, erin).contains(f.getString("user")));
            long afterMs = (System.nanoTime() - killed) / 1_000_000;
            System.out.println("ClusterIT: node-b (pid " + pid + ") killed with SIGKILL; carol left A's lists after "
                    + afterMs + " ms (bound: 2 heartbeat intervals = " + DEPARTURE_BOUND.toMillis() + " ms)");
            assertEquals(carol + " left", left.getString("user") + " " + left.getString("event"));
            assertTrue(
                    afterMs <= DEPARTURE_BOUND.plus(LOADED_MACHINE_SLACK).toMillis(),
                    "departure announced " + afterMs + " ms after the kill");
            daveOnA.expect("presence", f -> carol.equals(f.getString("user")) && "left".equals(f.getString("event")));
            assertTrue(
                    aliceOnA.receivesNo("presence", f -> Set.of(carol, erin).contains(f.getString("user")), QUIET),
                    "carol's departure once; erin, still on A, neither leaves nor comes back");
            assertEquals(List.of(alice, dave, erin), presenceOver(Servers.http(a), room));

            daveOnA.post(room, "still here", "after-crash");
            assertEquals(
                    "still here",
                    aliceOnA.expect("message", f -> "after-crash".equals(f.getString("clientId")))
                            .getString("text"));

            // carol moves to A as the JavaScript client does: join with since, notifications with since
            List<Long> messages = seqs(carolOnB.drain(), "message");
            List<Long> notifications = seqs(carolsInboxOnB.drain(), "notification");
            carolOnB.abort();
            erinOnB.abort();
            carolsInboxOnB.abort();
            long lastMessage = messages.isEmpty() ? 0 : messages.get(messages.size() - 1);
            long lastNotification = notifications.isEmpty() ? 0 : notifications.get(notifications.size() - 1);
            System.out.println("ClusterIT: carol had messages up to " + lastMessage + " and notifications up to "
                    + lastNotification + " when node-b died; moving to node-a");
            try (WsClient carolOnA = WsClient.chat(Servers.ws(a), carol);
                    WsClient carolsInboxOnA = WsClient.notifications(Servers.ws(a), carol, lastNotification)) {
                carolOnA.send(Json.createObjectBuilder()
                        .add("type", "join")
                        .add("room", traffic)
                        .add("since", lastMessage)
                        .build()
                        .toString());
                List<Long> caughtUp = new ArrayList<>(seqs(
                        carolOnA.expect("joined", f -> traffic.equals(f.getString("room")))
                                .getJsonArray("history")
                                .getValuesAs(JsonObject.class),
                        null));
                while (!caughtUp.isEmpty() && caughtUp.get(0) > lastMessage + 1) { // more than a page missed
                    carolOnA.send("{\"type\":\"history\",\"room\":\"" + traffic + "\",\"before\":" + caughtUp.get(0)
                            + ",\"limit\":" + HISTORY_SIZE + "}");
                    List<Long> older = seqs(
                            carolOnA.expect("history").getJsonArray("messages").getValuesAs(JsonObject.class), null);
                    caughtUp.addAll(
                            0, older.stream().filter(n -> n > lastMessage).toList());
                }
                messages.addAll(caughtUp);
                assertTrue(trafficDone.await(60, TimeUnit.SECONDS), "traffic ends; failed: " + trafficFailed.get());
                while (messages.get(messages.size() - 1) < TRAFFIC) {
                    messages.add(carolOnA.expect("message").getJsonNumber("seq").longValue());
                }
                while (notifications.isEmpty() || notifications.get(notifications.size() - 1) < TRAFFIC) {
                    JsonObject frame = carolsInboxOnA.expect("notification", f -> true);
                    notifications.add(frame.getJsonNumber("seq").longValue());
                }
                List<Long> all = LongStream.rangeClosed(1, TRAFFIC).boxed().toList();
                assertEquals(all, messages, "every room message once, in order, over both connections");
                assertEquals(all, notifications, "every notification once, in order, over both connections");
            }
        } finally {
            pace.shutdownNow();
        }
    }

    /** The sequence numbers of the frames of one type (null: messages of a history), in order. */
    private static List<Long> seqs(List<JsonObject> frames, String type) {
        return new ArrayList<>(frames.stream()
                .filter(f -> type == null || type.equals(f.getString("type", null)))
                .map(f -> f.getJsonNumber("seq").longValue())
                .toList());
    }

    @Test
    @Order(99)
    void stopBothNodes() {
        if (nodeBKilled) {
            try {
                controller.kill(NODE_B); // its process is gone already: only Arquillian's state to settle
            } catch (RuntimeException e) {
                System.out.println("ClusterIT: settling the killed node-b: " + e);
            }
        } else {
            deployer.undeploy(ON_B);
            controller.stop(NODE_B);
        }
        deployer.undeploy(ON_A);
        controller.stop(NODE_A);
    }

    /** Polls a node's readiness until it answers {@code status}; returns its MicroProfile Health body. */
    private static JsonObject awaitReadiness(URL node, int status) {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        await("readiness " + status + " on " + node)
                .atMost(FAILURE_NOTICED)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    last.set(Servers.get(Servers.http(node), "/api/health/ready"));
                    return last.get().statusCode() == status;
                });
        return Servers.json(last.get());
    }

    /** One named check of a health body. */
    private static JsonObject check(JsonObject health, String name) {
        return health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> name.equals(c.getString("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in " + health));
    }

    /** The next presence change of this user and kind, and no second one. */
    private static void assertPresenceOnce(WsClient client, String user, String event) {
        client.expect("presence", f -> user.equals(f.getString("user")) && event.equals(f.getString("event")));
        assertTrue(
                client.receivesNo(
                        "presence", f -> user.equals(f.getString("user")) && event.equals(f.getString("event")), QUIET),
                user + " " + event + " is announced once");
    }

    private static List<String> members(JsonObject joined) {
        return joined.getJsonArray("members").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString)
                .toList();
    }

    /** A room's presence list as a node's REST API gives it. */
    private static List<String> presenceOver(URI http, String room) {
        return members(Servers.json(
                Servers.get(http, "/api/rooms/" + room + "/presence", Credentials.bearer("reader-" + RUN))));
    }

    /** What a room message is, whichever way it was read (REST or WebSocket). */
    private static String identity(JsonObject m) {
        return m.getJsonNumber("seq") + " " + m.getJsonNumber("id") + " " + m.getString("from") + " "
                + m.getString("clientId") + " " + m.getString("text");
    }

    /** A room's whole history through REST, paging back by sequence number, oldest first. */
    private static List<JsonObject> wholeHistory(URI http, String room) {
        List<JsonObject> all = new ArrayList<>();
        String before = "";
        for (int pages = 0; pages < 100; pages++) {
            JsonObject page = Servers.json(Servers.get(
                    http, "/api/rooms/" + room + "/messages?limit=200" + before, Credentials.bearer("reader-" + RUN)));
            List<JsonObject> messages = page.getJsonArray("messages").getValuesAs(JsonObject.class);
            all.addAll(0, messages);
            if (!page.getBoolean("more") || messages.isEmpty()) {
                return all;
            }
            before = "&before=" + messages.get(0).getJsonNumber("seq").longValue();
        }
        throw new AssertionError("history of " + room + " did not end");
    }

    /** The user's whole inbox through REST, oldest first. */
    private static List<JsonObject> inbox(URI http, String user, int expected) {
        List<JsonObject> all = new ArrayList<>();
        long after = 0;
        while (all.size() < expected) {
            List<JsonObject> items = Servers.json(Servers.get(
                            http,
                            "/api/users/" + user + "/notifications?limit=200&after=" + after,
                            Credentials.bearer(user)))
                    .getJsonArray("items")
                    .getValuesAs(JsonObject.class);
            if (items.isEmpty()) {
                break;
            }
            all.addAll(items);
            after = items.get(items.size() - 1).getJsonNumber("seq").longValue();
        }
        return all;
    }

    private static void publish(URI http, String user, String title) {
        HttpResponse<String> published = Servers.post(
                http,
                "/api/notifications",
                "{\"user\":\"" + user + "\",\"title\":\"" + title + "\"}",
                Credentials.bearer("ops", "publisher"));
        assertEquals(201, published.statusCode(), published.body());
    }
}
