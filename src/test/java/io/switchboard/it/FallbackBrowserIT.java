package io.switchboard.it;

import static io.switchboard.it.BrowserPage.openRoom;
import static io.switchboard.it.BrowserPage.say;
import static io.switchboard.it.BrowserPage.signIn;
import static io.switchboard.it.BrowserPage.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.openqa.selenium.support.ui.ExpectedConditions.attributeToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;

import java.nio.file.Path;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * The page in a browser without WebSocket (removed by a script that runs before the page's): it falls back to
 * Server-Sent Events + POST, says so, chats with a WebSocket user and gets its notifications.
 */
@ExtendWith(Chromium.Required.class)
class FallbackBrowserIT extends DeployedTest {

    private static final String RUN = Long.toString(System.currentTimeMillis() % 100_000);
    private static final Path SCREENSHOTS = Path.of(
            System.getProperty("screenshots.dir", "target/screenshots"),
            System.getProperty("arquillian.launch", "payara"));

    private static Chromium withoutWebSocket;
    private static Chromium withWebSocket;

    @Deployment(testable = false)
    static WebArchive war() {
        return Servers.war();
    }

    @BeforeAll
    static void browsers() {
        Chromium.assumeInstalled();
        withoutWebSocket = Chromium.start(1280, 800);
        withoutWebSocket
                .driver()
                .executeCdpCommand(
                        "Page.addScriptToEvaluateOnNewDocument",
                        Map.of("source", "delete window.WebSocket; window.WebSocket = undefined;"));
        withWebSocket = Chromium.start(1280, 800);
    }

    @AfterAll
    static void closeBrowsers() {
        for (Chromium browser : new Chromium[] {withoutWebSocket, withWebSocket}) {
            if (browser != null) {
                browser.close();
            }
        }
    }

    @Test
    void aPageWithoutWebSocketChatsAndGetsNotificationsOverTheFallback() {
        String ann = "ann-" + RUN;
        String ben = "ben-" + RUN;
        String room = "fallback-" + RUN;
        withoutWebSocket.driver().get(http + "/");
        signIn(withoutWebSocket, ann);
        waitFor(withoutWebSocket)
                .until(textToBe(By.id("status-text"), "Connected as " + ann + " (fallback: Server-Sent Events)"));
        waitFor(withoutWebSocket).until(attributeToBe(By.id("status"), "data-transport", "sse"));
        withWebSocket.driver().get(http + "/");
        signIn(withWebSocket, ben);
        waitFor(withWebSocket).until(attributeToBe(By.id("status"), "data-transport", "websocket"));

        openRoom(withoutWebSocket, room);
        openRoom(withWebSocket, room);
        waitFor(withoutWebSocket).until(textToBePresentInElementLocated(By.id("members"), ben));
        say(withoutWebSocket, "Hello over the fallback");
        waitFor(withWebSocket).until(textToBePresentInElementLocated(By.id("log"), "Hello over the fallback"));
        say(withWebSocket, "Received over WebSocket");
        waitFor(withoutWebSocket).until(textToBePresentInElementLocated(By.id("log"), "Received over WebSocket"));

        String body = jakarta.json.Json.createObjectBuilder()
                .add("user", ann)
                .add("title", "Deploy finished")
                .build()
                .toString();
        assertEquals(
                201,
                Servers.post(http, "/api/notifications", body, Credentials.bearer("ops", "publisher"))
                        .statusCode());
        waitFor(withoutWebSocket).until(textToBe(By.id("bell-count"), "1"));
        withoutWebSocket.screenshot(SCREENSHOTS, "20-fallback-transport");
    }
}
