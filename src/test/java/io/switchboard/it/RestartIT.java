package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Chat history, notification inboxes and revocations survive a restart of the server: a second server (the manual "restart" container of arquillian.xml)
 * is started, given messages, stopped and started again.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestartIT {

    private static final String CONTAINER = "restart";
    private static final String DEPLOYMENT = "restartable";
    private static final String ROOM = "survivors-" + System.currentTimeMillis();
    private static final List<String> TEXTS = List.of("before", "the", "restart");
    private static final String READER = "reader-" + System.currentTimeMillis();
    private static final String REVOKED = "revoked-" + System.currentTimeMillis();
    private static final String REVOKED_TOKEN = Credentials.token(REVOKED);

    @ArquillianResource
    ContainerController controller;

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    @TargetsContainer(CONTAINER)
    static WebArchive war() {
        return Servers.war();
    }

    @Test
    @Order(1)
    void startTheServer() {
        controller.start(CONTAINER);
        deployer.deploy(DEPLOYMENT);
    }

    @Test
    @Order(2)
    void postMessages(@ArquillianResource @OperateOnDeployment(DEPLOYMENT) URL deployment) {
        try (WsClient alice = WsClient.chat(Servers.ws(deployment), "alice")) {
            alice.join(ROOM);
            for (String text : TEXTS) {
                alice.post(ROOM, text, "restart-" + text + "-" + ROOM);
            }
        }
        for (String text : TEXTS) {
            assertEquals(
                    201,
                    Servers.post(
                                    Servers.http(deployment),
                                    "/api/notifications",
                                    "{\"user\":\"" + READER + "\",\"title\":\"" + text + "\"}",
                                    Credentials.bearer("ops", "publisher"))
                            .statusCode());
        }
        assertEquals(
                204,
                Servers.post(
                                Servers.http(deployment),
                                "/api/auth/revocations/" + REVOKED,
                                "",
                                Credentials.bearer("root", "admin"))
                        .statusCode());
    }

    @Test
    @Order(3)
    void restartTheServer(@ArquillianResource @OperateOnDeployment(DEPLOYMENT) URL deployment) {
        URI ws = Servers.ws(deployment);
        List<WsClient> open =
                List.of(WsClient.chat(ws, "carl"), WsClient.chat(ws, "dina"), WsClient.notifications(ws, "erik", 0));
        deployer.undeploy(DEPLOYMENT);
        for (WsClient client : open) {
            assertEquals(1012, client.closeCode(), "an undeploy drains the node: 1012, not a dropped connection");
            assertTrue(client.closeReason().contains("retry-after="), client.closeReason());
        }
        controller.stop(CONTAINER);
        controller.start(CONTAINER);
        deployer.deploy(DEPLOYMENT);
    }

    @Test
    @Order(4)
    void historyAndDeduplicationSurviveTheRestart(@ArquillianResource @OperateOnDeployment(DEPLOYMENT) URL deployment) {
        try (WsClient bob = WsClient.chat(Servers.ws(deployment), "bob")) {
            JsonObject joined = bob.join(ROOM);
            assertEquals(
                    TEXTS,
                    joined.getJsonArray("history").getValuesAs(JsonObject.class).stream()
                            .map(m -> m.getString("text"))
                            .toList());
        }
        JsonObject page = Json.createReader(new StringReader(Servers.get(
                                Servers.http(deployment),
                                "/api/rooms/" + ROOM + "/messages",
                                Credentials.bearer("alice"))
                        .body()))
                .readObject();
        assertEquals(3, page.getJsonArray("messages").size());
        try (WsClient alice = WsClient.chat(Servers.ws(deployment), "alice")) {
            alice.join(ROOM);
            JsonObject retry = alice.post(ROOM, "before", "restart-before-" + ROOM);
            assertTrue(retry.getBoolean("duplicate"), "a retry after the restart is still recognised");
        }
        try (WsClient reader = WsClient.notifications(Servers.ws(deployment), READER, 1)) {
            assertEquals(
                    "the",
                    reader.expect("notification").getString("title"),
                    "the inbox survives, replayed after seq 1");
            assertEquals("restart", reader.expect("notification").getString("title"));
            assertEquals(3, reader.expect("replayed").getInt("lastSeq"));
        }
        HttpResponse<String> revoked = Servers.post(
                Servers.http(deployment), "/api/auth/ticket", "", "Authorization", "Bearer " + REVOKED_TOKEN);
        assertEquals(401, revoked.statusCode(), "a revocation survives the restart: " + revoked.body());
    }

    @Test
    @Order(5)
    void stopTheServer() {
        deployer.undeploy(DEPLOYMENT);
        controller.stop(CONTAINER);
    }
}
