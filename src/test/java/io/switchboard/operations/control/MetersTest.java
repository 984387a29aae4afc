package io.switchboard.operations.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.chat.control.ChatEvent;
import io.switchboard.notification.control.NotificationEvent;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetersTest {

    private PrometheusMeterRegistry registry;
    private Meters meters;

    @BeforeEach
    void registry() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters = new Meters(registry);
    }

    /** The value of one series in the Prometheus text, or NaN when it is absent. */
    private double value(String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$")
                .matcher(registry.scrape());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void connectionsAreCountedPerEndpointWhileOpen() {
        meters.opened(Meters.CHAT);
        meters.opened(Meters.CHAT);
        meters.opened(Meters.NOTIFICATIONS);
        meters.closed(Meters.CHAT, 1000, Meters.Initiator.CLIENT);
        assertEquals(1, value("switchboard_connections{endpoint=\"chat\"}"));
        assertEquals(1, value("switchboard_connections{endpoint=\"notifications\"}"));
    }

    @Test
    void closesAreCountedByCodeAndInitiatorAndUnknownCodesShareOneSeries() {
        meters.opened(Meters.CHAT);
        meters.opened(Meters.CHAT);
        meters.opened(Meters.CHAT);
        meters.closed(Meters.CHAT, 1009, Meters.Initiator.SERVER);
        meters.closed(Meters.CHAT, 3999, Meters.Initiator.CLIENT);
        meters.closed(Meters.CHAT, 4999, Meters.Initiator.CLIENT);
        assertEquals(1, value("switchboard_closes_total{code=\"1009\",initiator=\"server\"}"));
        assertEquals(2, value("switchboard_closes_total{code=\"other\",initiator=\"client\"}"));
        assertFalse(registry.scrape().contains("3999"), "a client's close code must not become a label value");
    }

    @Test
    void everyCloseCodeOfTheProtocolHasASeriesOfItsOwn() {
        for (int code :
                new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011, 1012, 1013, 4000, 4001, 4002, 4003, 4004}) {
            meters.opened(Meters.CHAT);
            meters.closed(Meters.CHAT, code, Meters.Initiator.SERVER);
            assertEquals(
                    1,
                    value("switchboard_closes_total{code=\"" + code + "\",initiator=\"server\"}"),
                    "close code " + code + " of docs/protocol.md's table");
        }
    }

    @Test
    void framesOutAreCountedByEndpointAndTypeWithTheirBytes() {
        meters.frameOut(Meters.CHAT, Meters.frameType("message"), 100);
        meters.frameOut(Meters.CHAT, Meters.frameType("message"), 50);
        meters.frameOut(Meters.NOTIFICATIONS, Meters.frameType("no-such-type"), 7);
        assertEquals(2, value("switchboard_frames_out_total{endpoint=\"chat\",type=\"message\"}"));
        assertEquals(150, value("switchboard_frames_out_bytes_total{endpoint=\"chat\",type=\"message\"}"));
        assertEquals(1, value("switchboard_frames_out_total{endpoint=\"notifications\",type=\"other\"}"));
    }

    @Test
    void messagesInAreCountedByTypeAndUndecodableOnesAsInvalid() {
        Meters.Inbound chat = meters.inbound("chat", List.of("join", "post"));
        chat.received(chat.indexOf("post"), 40);
        chat.received(chat.invalid(), 3);
        assertEquals(1, value("switchboard_messages_in_total{endpoint=\"chat\",type=\"post\"}"));
        assertEquals(40, value("switchboard_messages_in_bytes_total{endpoint=\"chat\",type=\"post\"}"));
        assertEquals(1, value("switchboard_messages_in_total{endpoint=\"chat\",type=\"invalid\"}"));
        assertEquals(0, value("switchboard_messages_in_total{endpoint=\"chat\",type=\"join\"}"));
        assertTrue(chat == meters.inbound("chat", List.of("join", "post")), "one set of meters per endpoint");
    }

    @Test
    void refusalsErrorsRateLimitsAndDomainCountersMove() {
        meters.refused(Meters.Refusal.CREDENTIAL);
        meters.refused(Meters.Refusal.ORIGIN);
        meters.refused(Meters.Refusal.ORIGIN);
        meters.errorFrame("rate_limited");
        meters.rateLimited(true);
        meters.rateLimited(false);
        meters.rateLimited(false);
        meters.chatPosted(false);
        meters.chatPosted(true);
        meters.notificationPublished();
        meters.notificationDelivered();
        meters.notificationReplayed();
        meters.notificationReplayed();
        assertEquals(1, value("switchboard_handshakes_refused_total{reason=\"credential\"}"));
        assertEquals(2, value("switchboard_handshakes_refused_total{reason=\"origin\"}"));
        assertEquals(0, value("switchboard_handshakes_refused_total{reason=\"connection_limit\"}"));
        assertEquals(1, value("switchboard_error_frames_total{code=\"rate_limited\"}"));
        assertEquals(1, value("switchboard_rate_limited_total{scope=\"user\"}"));
        assertEquals(2, value("switchboard_rate_limited_total{scope=\"connection\"}"));
        assertEquals(1, value("switchboard_chat_posts_total"));
        assertEquals(1, value("switchboard_chat_duplicates_total"));
        assertEquals(1, value("switchboard_notifications_published_total"));
        assertEquals(1, value("switchboard_notifications_delivered_total"));
        assertEquals(2, value("switchboard_notifications_replayed_total"));
    }

    @Test
    void fanOutAndHeartbeatAreHistogramsAndQueuesAGauge() {
        meters.fanout(TimeUnit.MICROSECONDS.toNanos(700));
        meters.fanout(TimeUnit.MILLISECONDS.toNanos(30));
        meters.heartbeatRoundTrip(TimeUnit.MILLISECONDS.toNanos(3));
        meters.sendQueues(12, 40);
        assertEquals(2, value("switchboard_fanout_seconds_count"));
        assertEquals(1, value("switchboard_fanout_seconds_bucket{le=\"0.001\"}"));
        assertEquals(2, value("switchboard_fanout_seconds_bucket{le=\"0.05\"}"));
        assertEquals(1, value("switchboard_heartbeat_rtt_seconds_bucket{le=\"0.005\"}"));
        assertEquals(12, value("switchboard_send_queue_depth_max"));
        assertEquals(40, value("switchboard_send_queue_frames"));
    }

    @Test
    void usersOnlineIsReadWhenScraped() {
        int[] users = {3};
        meters.usersOnline(() -> users[0]);
        assertEquals(3, value("switchboard_users_online"));
        users[0] = 5;
        assertEquals(5, value("switchboard_users_online"));
    }

    @Test
    void theEndpointIsTakenFromTheRequestPath() {
        assertEquals(Meters.CHAT, Meters.endpointOf("/switchboard/ws/chat"));
        assertEquals(Meters.NOTIFICATIONS, Meters.endpointOf("/ws/notifications"));
    }

    @Test
    void everyFrameTypeOfBothProtocolsHasItsOwnSeries() {
        for (Class<?> events : List.of(ChatEvent.class, NotificationEvent.class)) {
            for (JsonbSubtype subtype :
                    events.getAnnotation(JsonbTypeInfo.class).value()) {
                assertTrue(Meters.FRAME_TYPES.contains(subtype.alias()), subtype.alias());
            }
        }
        assertTrue(Meters.FRAME_TYPES.containsAll(List.of("welcome", "error")));
    }

    @Test
    void noMetricCarriesAUserOrRoomLabel() {
        meters.opened(Meters.CHAT);
        meters.closed(Meters.CHAT, 1000, Meters.Initiator.CLIENT);
        meters.frameOut(Meters.CHAT, Meters.frameType("message"), 1);
        String text = registry.scrape();
        assertFalse(text.contains("user=\""), text);
        assertFalse(text.contains("room=\""), text);
    }

    @Test
    void metersThatRecordNothingCostNothingToCall() {
        Meters none = Meters.none();
        none.opened(Meters.CHAT);
        none.frameOut(Meters.CHAT, 0, 10);
        none.closed(Meters.CHAT, 1000, Meters.Initiator.SERVER);
        assertTrue(none.registry().getMeters().stream()
                .allMatch(m -> m.measure().iterator().hasNext()));
    }
}
