package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Chat over wss:// on the HTTPS listener that server-config/ sets up (payara/tls.asadmin, wildfly/configure-tls.cli),
 * serving the build's self-signed certificate (target/tls/).
 */
class TlsIT extends DeployedTest {

    private URI wss;
    private String room;

    @Deployment(testable = false)
    static WebArchive war() {
        return Servers.war();
    }

    @BeforeEach
    void secureAddress() {
        wss = Servers.wss(deployment);
        room = "tls-" + tag;
    }

    @Test
    void twoUsersChatOverWssWithTheConfiguredCertificate() {
        SSLContext tls = Servers.trustingTestCertificate();
        try (WsClient alice = WsClient.chat(wss, "alice", tls);
                WsClient bob = WsClient.chat(wss, "bob", tls)) {
            alice.join(room);
            bob.join(room);
            alice.send(Json.createObjectBuilder()
                    .add("type", "post")
                    .add("room", room)
                    .add("text", "hello over tls")
                    .add("clientId", "tls-" + room)
                    .build()
                    .toString());
            Map<String, JsonObject> toSender = ackAndMessage(alice); // either may come first
            JsonObject ack = toSender.get("ack");
            assertFalse(ack.getBoolean("duplicate"));
            for (JsonObject message : List.of(toSender.get("message"), bob.expect("message"))) {
                assertEquals("hello over tls", message.getString("text"));
                assertEquals("alice", message.getString("from"));
                assertEquals(
                        ack.getJsonNumber("id").longValue(),
                        message.getJsonNumber("id").longValue());
            }
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() throws NoSuchAlgorithmException {
        SSLContext jdkDefaults =
                SSLContext.getDefault(); // public CAs only: the self-signed certificate is not among them
        String ticket = Servers.ticket(wss, "mallory", Servers.trustingTestCertificate());
        RuntimeException failure = assertThrows(
                RuntimeException.class,
                () -> WsClient.open(URI.create(wss + "/ws/chat?ticket=" + ticket), jdkDefaults));
        assertTrue(
                causedBy(failure, SSLHandshakeException.class),
                () -> "expected a failed TLS handshake, got " + failure);
    }

    private static Map<String, JsonObject> ackAndMessage(WsClient sender) {
        Map<String, JsonObject> frames = new HashMap<>();
        while (!frames.keySet().containsAll(List.of("ack", "message"))) {
            JsonObject frame = sender.next();
            frames.putIfAbsent(frame.getString("type", ""), frame);
        }
        return frames;
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
