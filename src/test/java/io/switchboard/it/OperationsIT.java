package io.switchboard.it;

import static io.switchboard.it.RawWebSocket.FIN;
import static io.switchboard.it.RawWebSocket.TEXT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.probe.ReadinessProbe;
import io.switchboard.it.probe.TrafficLogProbe;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees: metrics that move with known traffic and need the scrape token or the admin role, health
 * probes that follow the database and a drain, and the traffic log's lines for a connection's open and close.
 */
class OperationsIT extends DeployedTest {

    private static final String TOKEN = System.getProperty("switchboard.test.metrics.token", "test-scrape-token");

    @Deployment(testable = false)
    static WebArchive war() {
        return Servers.war().addClasses(TrafficLogProbe.class, TrafficLogProbe.Capture.class, ReadinessProbe.class);
    }

    private String metrics() {
        HttpResponse<String> response = Servers.get(http, "/api/metrics", "Authorization", "Bearer " + TOKEN);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The value of one series (0 when it does not exist yet). */
    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private double value(String series) {
        return value(metrics(), series);
    }

    /** Waits until {@code series} has grown by at least {@code by} from {@code before}. */
    private void awaitGrowth(String series, double before, double by) {
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertTrue(
                        value(series) >= before + by, series + " did not grow from " + before + " by " + by));
    }

    @Test
    void metricsNeedTheScrapeTokenOrTheAdminRole() {
        HttpResponse<String> anonymous = Servers.get(http, "/api/metrics");
        HttpResponse<String> wrongToken = Servers.get(http, "/api/metrics", "Authorization", "Bearer not-the-token");
        HttpResponse<String> user = Servers.get(http, "/api/metrics", Credentials.bearer(user("mo")));
        HttpResponse<String> admin = Servers.get(http, "/api/metrics", Credentials.bearer(user("ada"), "admin"));
        HttpResponse<String> scraper = Servers.get(http, "/api/metrics", "Authorization", "Bearer " + TOKEN);
        for (HttpResponse<String> refused : List.of(anonymous, wrongToken)) {
            assertEquals(401, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        }
        assertEquals(403, user.statusCode(), user.body());
        assertTrue(user.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        for (HttpResponse<String> allowed : List.of(admin, scraper)) {
            assertEquals(200, allowed.statusCode(), allowed.body());
            assertTrue(allowed.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            assertTrue(allowed.body().contains("# TYPE switchboard_connections gauge"), allowed.body());
            assertTrue(allowed.body().contains("jvm_memory_used_bytes"), "JVM metrics are there too");
        }
    }

    @Test
    void aPostMovesThePostCounterFramesOutAndMessagesIn() {
        String before = metrics();
        double posts = value(before, "switchboard_chat_posts_total");
        double duplicates = value(before, "switchboard_chat_duplicates_total");
        double messagesOut = value(before, "switchboard_frames_out_total{endpoint=\"chat\",type=\"message\"}");
        double bytesOut = value(before, "switchboard_frames_out_bytes_total{endpoint=\"chat\",type=\"message\"}");
        double postsIn = value(before, "switchboard_messages_in_total{endpoint=\"chat\",type=\"post\"}");
        String room = "ops-" + tag;
        try (WsClient ann = WsClient.chat(ws, user("ann"));
                WsClient ben = WsClient.chat(ws, user("ben"))) {
            ann.join(room);
            ben.join(room);
            assertTrue(value("switchboard_connections{endpoint=\"chat\"}") >= 2, "both chat sockets are counted");
            ann.post(room, "hello operators", "c-1");
            ben.expect("message", m -> "hello operators".equals(m.getString("text")));
            ann.post(room, "hello operators", "c-1"); // a retry: stored once
            String after = metrics();
            assertEquals(posts + 1, value(after, "switchboard_chat_posts_total"));
            assertEquals(duplicates + 1, value(after, "switchboard_chat_duplicates_total"));
            assertEquals(postsIn + 2, value(after, "switchboard_messages_in_total{endpoint=\"chat\",type=\"post\"}"));
            awaitGrowth("switchboard_frames_out_total{endpoint=\"chat\",type=\"message\"}", messagesOut, 2);
            assertTrue(value("switchboard_frames_out_bytes_total{endpoint=\"chat\",type=\"message\"}")
                    >= bytesOut + 2 * "hello operators".length());
            awaitGrowth("switchboard_fanout_seconds_count", 0, 1);
            assertTrue(value(after, "switchboard_users_online") >= 2);
        }
    }

    @Test
    void aTooBigMessageRaisesTheCloseCounterForCode1009() throws IOException {
        String series = "switchboard_closes_total{code=\"1009\",initiator=\"server\"}";
        double before = value(series);
        try (RawWebSocket raw = RawWebSocket.chat(ws, user("big"))) {
            int limit = raw.welcome().getInt("maxTextBytes");
            raw.sendPartial(FIN | TEXT, limit + 1L, new byte[1024]);
            assertEquals(1009, raw.closeCode());
        }
        awaitGrowth(series, before, 1);
    }

    @Test
    void refusedHandshakesRaiseTheRefusedCounterByReason() throws IOException {
        String credential = "switchboard_handshakes_refused_total{reason=\"credential\"}";
        String origin = "switchboard_handshakes_refused_total{reason=\"origin\"}";
        String before = metrics();
        WsClient noTicket = WsClient.open(URI.create(ws + "/ws/chat"));
        assertEquals(1008, noTicket.closeCode());
        assertEquals(
                403,
                new RawHandshake(ws).refused("/ws/chat", "https://evil.example").status());
        awaitGrowth(credential, value(before, credential), 1);
        awaitGrowth(origin, value(before, origin), 1);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            String log = trafficLog();
            assertTrue(log.contains("refused endpoint=chat remote=127.0.0.1"), log);
            assertTrue(log.contains("reason=credential"), log);
            assertTrue(log.contains("reason=origin detail=\"origin https://evil.example is not allowed\""), log);
        });
    }

    @Test
    void healthIsLiveAndReadyUntilTheNodeDrains() {
        HttpResponse<String> live = Servers.get(http, "/api/health/live");
        assertEquals(200, live.statusCode(), live.body());
        assertEquals("UP", Servers.json(live).getString("status"));
        HttpResponse<String> ready = Servers.get(http, "/api/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject readyJson = Servers.json(ready);
        assertEquals("UP", readyJson.getString("status"));
        assertEquals("UP", check(readyJson, "database").getString("status"));
        assertEquals("UP", check(readyJson, "draining").getString("status"));
        assertEquals(
                204, Servers.put(http, "/api/test/readiness?draining=true", "").statusCode());
        try {
            HttpResponse<String> draining = Servers.get(http, "/api/health/ready");
            assertEquals(503, draining.statusCode(), draining.body());
            JsonObject json = Servers.json(draining);
            assertEquals("DOWN", json.getString("status"));
            assertEquals("DOWN", check(json, "draining").getString("status"));
            assertEquals("UP", check(json, "database").getString("status"));
            assertEquals(200, Servers.get(http, "/api/health/live").statusCode(), "a draining node is alive");
        } finally {
            Servers.put(http, "/api/test/readiness?draining=false", "");
        }
        assertEquals(200, Servers.get(http, "/api/health/ready").statusCode());
    }

    private static JsonObject check(JsonObject report, String name) {
        return report.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> name.equals(c.getString("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in " + report));
    }

    @Test
    void theTrafficLogHasALineForAConnectionsOpenAndItsClose() {
        String who = user("tess");
        try (WsClient tess = WsClient.chat(ws, who)) {
            tess.join("log-" + tag);
            tess.send("{\"type\":\"ping\",\"ref\":\"p1\"}");
            tess.expect("pong");
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            String log = trafficLog();
            Matcher open = Pattern.compile("INFO open conn=(\\S+) user=" + Pattern.quote(who)
                            + " endpoint=chat remote=127\\.0\\.0\\.1(?::\\d+)?")
                    .matcher(log);
            assertTrue(open.find(), log);
            String conn = Pattern.quote(open.group(1));
            Matcher close = Pattern.compile("INFO close conn=" + conn + " user=" + Pattern.quote(who)
                            + " endpoint=chat remote=127\\.0\\.0\\.1(?::\\d+)? duration_ms=\\d+ frames_in=2 bytes_in=(\\d+)"
                            + " frames_out=(\\d+) bytes_out=(\\d+) code=1000 initiator=client reason=\"[^\"]*\"")
                    .matcher(log);
            assertTrue(close.find(), log);
            assertTrue(Long.parseLong(close.group(1)) > 20, "bytes in: " + close.group(1));
            assertTrue(Long.parseLong(close.group(2)) >= 3, "welcome, joined, pong: " + close.group(2));
            assertTrue(Long.parseLong(close.group(3)) > 50, "bytes out: " + close.group(3));
        });
        assertFalse(trafficLog().contains("FINE"), "message contents are not logged by default");
    }

    @Test
    void theTrafficLogOfAnEventStreamHasItsAddressAndCountsThePostedBytes() {
        String who = user("uma");
        String join = "{\"type\":\"join\",\"room\":\"log-sse-" + tag + "\"}";
        String ping = "{\"type\":\"ping\",\"ref\":\"p1\"}";
        try (SseClient uma = SseClient.chat(http, who)) {
            uma.expect("welcome");
            assertEquals(202, uma.post(join).statusCode());
            uma.expect("joined");
            assertEquals(202, uma.post(ping).statusCode());
            uma.expect("pong");
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            String log = trafficLog();
            Matcher close = Pattern.compile("INFO close conn=sse-\\S+ user=" + Pattern.quote(who)
                            + " endpoint=chat remote=127\\.0\\.0\\.1:\\d+ duration_ms=\\d+ frames_in=2 bytes_in=(\\d+)"
                            + " frames_out=(\\d+) bytes_out=\\d+ code=\\d+")
                    .matcher(log);
            assertTrue(close.find(), log);
            assertEquals(join.length() + ping.length(), Long.parseLong(close.group(1)), "the POST bodies");
            assertTrue(Long.parseLong(close.group(2)) >= 3, "welcome, joined, pong: " + close.group(2));
        });
    }

    private String trafficLog() {
        HttpResponse<String> response = Servers.get(http, "/api/test/traffic-log");
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
