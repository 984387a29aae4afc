package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.it.probe.BasicLoginProbe;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/**
 * The principal of whatever Jakarta Security mechanism the application configures (here HTTP Basic) is the user on
 * WebSockets and REST, with no ticket and no token, on both servers.
 */
class ContainerLoginIT extends DeployedTest {

    private static final String CAROL =
            "Basic " + Base64.getEncoder().encodeToString("carol:s3cret".getBytes(StandardCharsets.UTF_8));

    @Deployment(testable = false)
    static WebArchive war() {
        return Servers.war().addClass(BasicLoginProbe.class);
    }

    @Test
    void theContainersPrincipalIsTheUserOfASocket() {
        try (WsClient carol = WsClient.open(URI.create(Servers.ws(deployment) + "/ws/chat"), "Authorization", CAROL)) {
            assertEquals("carol", carol.expect("welcome").getString("user"));
        }
    }

    @Test
    void theContainersPrincipalAndRolesCountOnRest() {
        HttpResponse<String> me = Servers.get(http, "/api/auth/me", "Authorization", CAROL);
        assertEquals(200, me.statusCode(), me.body());
        assertEquals("carol", Servers.json(me).getString("user"));
        HttpResponse<String> published = Servers.post(
                http, "/api/notifications", "{\"user\":\"carol\",\"title\":\"from Basic\"}", "Authorization", CAROL);
        assertEquals(201, published.statusCode(), published.body());
        HttpResponse<String> wrongPassword = Servers.get(
                http,
                "/api/auth/me",
                "Authorization",
                "Basic " + Base64.getEncoder().encodeToString("carol:guess".getBytes(StandardCharsets.UTF_8)));
        assertEquals(401, wrongPassword.statusCode());
    }
}
