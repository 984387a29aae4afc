package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two nodes of the same server (the manual containers "node-a" and "node-b" of arquillian.xml) on one PostgreSQL
 * database, created fresh for the run and dropped after it: what the database guarantees across nodes, without a
 * bus between them. Room messages posted on both nodes at once get one gapless order that both nodes serve; a
 * user's notifications published on both nodes at once get one gapless sequence; a user who moves to the other node
 * resumes with {@code since} and gets exactly what was missed.
 *
 * <p>Without PostgreSQL on {@code it.postgresql.url} the class is skipped with a {@code SKIPPED:} line; with the
 * environment variable {@code CI} set it runs and fails instead.
 */
@ExtendWith({ClusterIT.PostgreSqlRequired.class, ArquillianExtension.class})
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
        Database.recreate();
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        Database.drop();
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
    @Order(99)
    void stopBothNodes() {
        deployer.undeploy(ON_B);
        controller.stop(NODE_B);
        deployer.undeploy(ON_A);
        controller.stop(NODE_A);
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

    /**
     * The run's database on the PostgreSQL server the build names ({@code it.postgresql.*} system properties; the
     * nodes reach it through {@code SWITCHBOARD_DB_URL}).
     */
    static final class Database {
        static final String URL = System.getProperty("it.postgresql.url", "jdbc:postgresql://127.0.0.1:5432/");
        static final String ADMIN_DATABASE = System.getProperty("it.postgresql.admin-database", "test");
        static final String NAME = System.getProperty("it.postgresql.database", "sb_it_ide");
        static final String USER = System.getProperty("it.postgresql.user", "postgres");
        static final String PASSWORD = System.getProperty("it.postgresql.password", "postgres");
        /** Databases of earlier runs older than this were left by runs that were killed: dropped. */
        private static final java.time.Duration LEFT_OVER = java.time.Duration.ofHours(6);

        private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

        static Connection admin() throws SQLException {
            DriverManager.setLoginTimeout(5);
            return DriverManager.getConnection(URL + ADMIN_DATABASE + "?connectTimeout=5", USER, PASSWORD);
        }

        static void recreate() throws SQLException {
            try (Connection db = admin();
                    Statement sql = db.createStatement()) {
                dropLeftOvers(sql);
                sql.execute("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
                sql.execute("CREATE DATABASE " + NAME);
            }
        }

        static void drop() throws SQLException {
            try (Connection db = admin();
                    Statement sql = db.createStatement()) {
                sql.execute("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
            }
        }

        private static void dropLeftOvers(Statement sql) throws SQLException {
            List<String> old = new ArrayList<>();
            try (ResultSet names =
                    sql.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'sb\\_it\\_%'")) {
                while (names.next()) {
                    String name = names.getString(1);
                    try {
                        LocalDateTime started = LocalDateTime.parse(name.substring(6, 21), RUN_ID);
                        if (started.isBefore(LocalDateTime.now(ZoneOffset.UTC).minus(LEFT_OVER))) {
                            old.add(name);
                        }
                    } catch (RuntimeException notOurs) {
                        // not named by a build: leave it alone
                    }
                }
            }
            for (String name : old) {
                sql.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }

    /**
     * Disables the class before any node boots when PostgreSQL cannot be reached, with a visible {@code SKIPPED:}
     * line; in CI (env {@code CI}) the class runs, and creating its database fails it.
     */
    static final class PostgreSqlRequired implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (System.getenv("CI") != null || context.getTestMethod().isPresent()) {
                return ConditionEvaluationResult.enabled("CI must fail without PostgreSQL");
            }
            try (Connection reachable = Database.admin()) {
                return ConditionEvaluationResult.enabled("PostgreSQL is reachable");
            } catch (SQLException e) {
                String why = "ClusterIT needs PostgreSQL at " + Database.URL + Database.ADMIN_DATABASE + " ("
                        + e.getMessage() + ")";
                System.err.println("SKIPPED: " + why); // the Maven log shows it; a JUnit skip alone is easy to miss
                return ConditionEvaluationResult.disabled("SKIPPED: " + why);
            }
        }
    }
}
