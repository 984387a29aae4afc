package io.switchboard.it;

import static io.switchboard.it.BrowserPage.openRoom;
import static io.switchboard.it.BrowserPage.say;
import static io.switchboard.it.BrowserPage.signIn;
import static io.switchboard.it.BrowserPage.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent;
import static org.openqa.selenium.support.ui.ExpectedConditions.attributeToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textMatches;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real headless Chromium, as two people use it: alice and bob, each in a browser of their own. Alice's
 * browser reaches the server through a {@link CuttableProxy}, so that her network can be cut. The tests run in order,
 * as one visit: sign in, chat, direct messages, notifications, history, a cut network, a phone-sized window, the
 * token flow of the sign-in (seen by a recorder in the page), and last a server without a dev login.
 * Screenshots of the main screens go to target/screenshots/&lt;server&gt;/.
 */
@ExtendWith(Chromium.Required.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserIT extends DeployedTest {

    private static final String RUN = Long.toString(System.currentTimeMillis() % 100_000);
    private static final String ALICE = "alice-" + RUN;
    private static final String BOB = "bob-" + RUN;
    private static final String ROOM = "browsers-" + RUN;
    private static final String HISTORY_ROOM = "history-" + RUN;
    private static final Path SCREENSHOTS = Path.of(
            System.getProperty("screenshots.dir", "target/screenshots"),
            System.getProperty("arquillian.launch", "payara"));

    private static Chromium alice;
    private static Chromium bob;
    private static CuttableProxy proxy;

    @Deployment(testable = false)
    static WebArchive war() {
        return Servers.war()
                .addAsWebResource("browser/client-spec.html", "test/client-spec.html")
                .addAsWebResource("browser/client-spec.js", "test/client-spec.js");
    }

    @BeforeAll
    static void browsers() {
        Chromium.assumeInstalled();
        alice = Chromium.start(1280, 800);
        bob = Chromium.start(1280, 800);
    }

    @AfterAll
    static void closeBrowsers() {
        for (AutoCloseable resource : new AutoCloseable[] {alice, bob, proxy}) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                // the next resource still gets closed
            }
        }
    }

    @BeforeEach
    void startProxy() {
        if (proxy == null) {
            proxy = new CuttableProxy(http);
        }
    }

    @Test
    @Order(1)
    void theJavaScriptClientsPassTheirSpecsInTheBrowser() {
        WebDriver page = alice.driver();
        page.get(http + "/test/client-spec.html");
        new WebDriverWait(page, Duration.ofSeconds(60)).until(attributeToBe(By.tagName("body"), "data-done", "true"));
        alice.screenshot(SCREENSHOTS, "00-client-spec");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results =
                (List<Map<String, Object>>) alice.driver().executeScript("return window.specResults");
        String failed = results.stream()
                .filter(r -> !Boolean.TRUE.equals(r.get("ok")))
                .map(r -> r.get("name") + ": " + r.get("error"))
                .collect(Collectors.joining("\n"));
        assertTrue(results.size() >= 10, "all specs ran: " + results);
        assertEquals("", failed, "failed client specs");
    }

    @Test
    @Order(2)
    void twoPeopleSignInJoinARoomAndChat() {
        alice.driver().get(proxy.in(http) + "/");
        alice.screenshot(SCREENSHOTS, "01-sign-in");
        signIn(alice, ALICE);
        bob.driver().get(http + "/");
        signIn(bob, BOB);
        openRoom(alice, ROOM);
        openRoom(bob, ROOM);

        waitFor(alice).until(textToBe(By.id("people-title"), "Online in #" + ROOM + " (2)"));
        waitFor(alice).until(textToBePresentInElementLocated(By.id("members"), BOB));

        say(alice, "Hello bob, can you read me?");
        waitFor(bob).until(textToBePresentInElementLocated(By.id("log"), "Hello bob, can you read me?"));

        bob.driver().findElement(By.id("text")).sendKeys("Loud and");
        waitFor(alice).until(textToBe(By.id("typing"), BOB + " is typing…"));
        bob.driver().findElement(By.id("text")).sendKeys(" clear", Keys.ENTER);
        waitFor(alice).until(textToBePresentInElementLocated(By.id("log"), "Loud and clear"));
        waitFor(alice).until(textToBe(By.id("typing"), ""));
        alice.screenshot(SCREENSHOTS, "02-chat");
    }

    @Test
    @Order(3)
    void directMessagesReachOnlyThePersonTheyAreFor() {
        alice.driver()
                .findElement(By.xpath("//ul[@id='members']//button[span[@class='name' and text()='" + BOB + "']]"))
                .click();
        waitFor(alice).until(textToBe(By.id("conv-title"), "Direct messages with " + BOB));
        say(alice, "Just between us");

        By fromAlice = By.xpath("//ul[@id='dms']//button[span[@class='name' and text()='" + ALICE + "']]");
        waitFor(bob).until(textToBePresentInElementLocated(fromAlice, "1 unread"));
        assertTrue(
                bob.driver().findElement(By.id("log")).getText().contains("Loud and clear"),
                "bob is still in the room");
        bob.driver().findElement(fromAlice).click();
        waitFor(bob).until(textToBePresentInElementLocated(By.id("log"), "Just between us"));
        bob.screenshot(SCREENSHOTS, "03-direct-message");
        openRoom(alice, ROOM);
        openRoom(bob, ROOM);
    }

    @Test
    @Order(4)
    void markupInAMessageIsShownAsText() {
        String payload = "<img src=x onerror=\"window.xssed=1\"><script>window.xssed=2</script><b>bold?</b>";
        say(alice, payload);
        waitFor(bob).until(textToBePresentInElementLocated(By.id("log"), payload));
        assertTrue(
                bob.driver()
                        .findElements(By.cssSelector("#log img, #log script, #log b"))
                        .isEmpty(),
                "no element made of the text");
        assertEquals(Boolean.TRUE, bob.driver().executeScript("return window.xssed === undefined"), "no script ran");
        bob.screenshot(SCREENSHOTS, "04-markup-as-text");
    }

    @Test
    @Order(5)
    void aNotificationPublishedOverRestRingsTheBellAndCanBeMarkedRead() {
        publish(ALICE, "Deploy <b>v2.3</b> finished", "success");
        waitFor(alice).until(textToBe(By.id("bell-count"), "1"));
        WebElement bell = alice.driver().findElement(By.id("bell"));
        assertEquals("Notifications, 1 unread", bell.getAttribute("aria-label"));

        bell.click();
        waitFor(alice).until(textToBePresentInElementLocated(By.id("notif-list"), "Deploy <b>v2.3</b> finished"));
        assertTrue(
                alice.driver().findElements(By.cssSelector("#notif-list b")).isEmpty(), "the title's markup is text");
        alice.screenshot(SCREENSHOTS, "05-notifications");
        alice.driver()
                .findElement(By.xpath("//ol[@id='notif-list']//button[starts-with(normalize-space(.), 'Mark read')]"))
                .click();
        waitFor(alice).until(invisibilityOfElementLocated(By.id("bell-count")));
        waitFor(alice).until(attributeToBe(By.id("bell"), "aria-label", "Notifications, no unread"));

        pressEscape(alice.driver());
        waitFor(alice).until(invisibilityOfElementLocated(By.id("notif-panel")));
    }

    @Test
    @Order(6)
    void olderMessagesLoadWhenScrollingUp() {
        // 54 older messages from two other people (each within the server's burst of 40 per connection), then bob's
        try (WsClient first = WsClient.chat(ws, "seed-a-" + RUN);
                WsClient second = WsClient.chat(ws, "seed-b-" + RUN)) {
            first.join(HISTORY_ROOM);
            second.join(HISTORY_ROOM);
            IntStream.rangeClosed(1, 54)
                    .forEach(i -> (i <= 27 ? first : second)
                            .post(HISTORY_ROOM, String.format("older-%02d", i), "seed-" + i + "-" + RUN));
        }
        openRoom(bob, HISTORY_ROOM);
        say(bob, "older-55");
        waitFor(bob).until(textToBePresentInElementLocated(By.id("log"), "older-55"));
        waitFor(bob).until(invisibilityOfElementLocated(By.cssSelector("#log .msg.pending")));

        openRoom(alice, HISTORY_ROOM); // the newest 50 come with the join
        waitFor(alice).until(textToBePresentInElementLocated(By.id("log"), "older-55"));
        assertTrue(
                !alice.driver().findElement(By.id("log")).getText().contains("older-05"),
                "only the newest page at first");
        // as a reader sees it: the pane at its newest message first (pressed before the page scrolled it down, HOME
        // would move nothing and load nothing), then the keyboard's way to scroll up
        waitFor(alice)
                .until(driver -> ((Number) ((JavascriptExecutor) driver)
                                        .executeScript("return document.getElementById('log').scrollTop"))
                                .intValue()
                        > 0);
        alice.driver().findElement(By.id("log")).sendKeys(Keys.HOME);
        waitFor(alice).until(textToBePresentInElementLocated(By.id("log"), "older-01"));
        alice.screenshot(SCREENSHOTS, "06-history-loaded");
        openRoom(alice, ROOM);
        openRoom(bob, ROOM);
    }

    @Test
    @Order(7)
    void afterTheNetworkIsCutThePageReconnectsByItselfAndShowsWhatItMissed() {
        proxy.cut();
        Pattern countdown = Pattern.compile("reconnecting in \\d+ s");
        waitFor(alice).until(textMatches(By.id("status"), countdown));

        say(alice, "Written while offline");
        waitFor(alice).until(textToBePresentInElementLocated(By.id("log"), "Will be sent when reconnected"));
        waitFor(alice).until(textMatches(By.id("status"), countdown));
        alice.screenshot(SCREENSHOTS, "07-reconnecting");
        say(bob, "Posted while alice was away");
        waitFor(bob).until(invisibilityOfElementLocated(By.cssSelector("#log .msg.pending")));
        publish(ALICE, "Missed while offline", "warning");
        assertTrue(
                !alice.driver().findElement(By.id("log")).getText().contains("Posted while alice was away"),
                "alice is really cut off");

        proxy.restore();
        waitFor(alice).until(textToBePresentInElementLocated(By.id("status"), "Connected as " + ALICE));
        waitFor(alice).until(textToBePresentInElementLocated(By.id("log"), "Posted while alice was away"));
        waitFor(alice).until(textToBe(By.id("bell-count"), "1"));
        waitFor(alice).until(invisibilityOfElementLocated(By.cssSelector("#log .msg.pending")));
        waitFor(bob).until(textToBePresentInElementLocated(By.id("log"), "Written while offline"));
        alice.screenshot(SCREENSHOTS, "08-reconnected");
        assertEquals(
                1,
                bob.driver()
                        .findElements(By.xpath("//div[@id='log']//p[@class='text' and text()='Written while offline']"))
                        .size(),
                "the message queued offline arrives once");
    }

    @Test
    @Order(8)
    void thePageIsUsableAtPhoneWidthAndInALowWindow() {
        WebDriver phone = bob.driver();
        try {
            phone.manage()
                    .window()
                    .setSize(new Dimension(1280, 420)); // the sidebar overflows: it scrolls, not the page
            waitFor(bob)
                    .withMessage("the page itself scrolls, not only its panes")
                    .until(driver -> pageDoesNotScroll(bob));
            phone.manage().window().setSize(new Dimension(390, 844));
            waitFor(bob).until(visibilityOfElementLocated(By.id("menu")));
            assertTrue(pageDoesNotScroll(bob), "the page itself never scrolls, its panes do");
            assertTrue(phone.findElement(By.id("send")).isDisplayed()
                    && phone.findElement(By.id("bell")).isDisplayed());
            bob.screenshot(SCREENSHOTS, "09-phone-chat");
            phone.findElement(By.id("menu")).click();
            waitFor(bob).until(visibilityOfElementLocated(By.id("rooms")));
            bob.screenshot(SCREENSHOTS, "10-phone-rooms");
            pressEscape(phone);
            waitFor(bob).until(invisibilityOfElementLocated(By.id("rooms")));
        } finally {
            phone.manage().window().setSize(new Dimension(1280, 800));
        }
    }

    @Test
    @Order(9)
    void everyControlHasAnAccessibleName() {
        // (the notification panel open, so that its controls count too)
        alice.driver().findElement(By.id("bell")).click();
        waitFor(alice).until(visibilityOfElementLocated(By.id("notif-panel")));
        Object unnamed = alice.driver().executeScript("""
                const name = e => (e.getAttribute('aria-label') || [...(e.labels || [])].map(l => l.textContent).join(' ')
                    || (e.getAttribute('aria-labelledby') || '').split(' ').map(id => document.getElementById(id)?.textContent ?? '').join(' ')
                    || (e.tagName === 'BUTTON' ? e.textContent : '')).trim();
                return [...document.querySelectorAll('input, textarea, select, button')]
                    .filter(e => e.getClientRects().length && !name(e)).map(e => e.outerHTML);""");
        assertEquals(List.of(), unnamed, "controls without a label");
        assertEquals("status", alice.driver().findElement(By.id("status-text")).getAttribute("role"));
        pressEscape(alice.driver());
    }

    @Test
    @Order(10)
    void withADevLoginRestCallsCarryTheTokenAndEveryConnectionAFreshTicket() throws Exception {
        String carol = "carol-" + RUN;
        ChromeDriver page = bob.driver();
        page.findElement(By.id("signout")).click();
        waitFor(bob).until(visibilityOfElementLocated(By.id("name")));
        String recorder;
        try (var in = BrowserIT.class.getResourceAsStream("/browser/auth-recorder.js")) {
            recorder = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        page.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", recorder));
        page.get(http + "/");
        signIn(bob, carol);
        publish(carol, "Welcome, carol", "info");
        waitFor(bob).until(textToBe(By.id("bell-count"), "1"));

        page.executeScript("window.__auth.dropAll()");
        waitFor(bob)
                .until(driver -> ((Number) page.executeScript("return window.__auth.sockets.length")).intValue() >= 4);
        waitFor(bob).until(textToBePresentInElementLocated(By.id("status"), "Connected as " + carol));

        @SuppressWarnings("unchecked")
        Map<String, Object> auth = (Map<String, Object>) page.executeScript(
                "const a = window.__auth; return {sockets: a.sockets, tickets: a.tickets, rest: a.rest};");
        @SuppressWarnings("unchecked")
        List<String> sockets = (List<String>) auth.get("sockets");
        @SuppressWarnings("unchecked")
        List<String> tickets = (List<String>) auth.get("tickets");
        @SuppressWarnings("unchecked")
        List<String> rest = (List<String>) auth.get("rest");
        assertTrue(
                sockets.stream().allMatch(q -> q.contains("ticket=") && !q.contains("name=")),
                "tickets, not names: " + sockets);
        List<String> used = sockets.stream()
                .map(q -> q.replaceAll(".*[?&]ticket=([^&]*).*", "$1"))
                .toList();
        assertEquals(sockets.size(), used.stream().distinct().count(), "a fresh ticket for every connection: " + used);
        assertTrue(tickets.containsAll(used), "the tickets the server issued: " + tickets);
        assertTrue(
                !rest.isEmpty() && rest.stream().allMatch(r -> r.contains(" Bearer ")),
                "REST calls carry the token: " + rest);
        waitFor(bob)
                .withMessage("chat and notifications both speak the subprotocol the clients offered")
                .until(driver -> List.of("switchboard.v1", "switchboard.v1")
                        .equals(page.executeScript(
                                "return window.__auth.open.filter(ws => ws.readyState === 1).map(ws => ws.protocol)")));
    }

    @Test
    @Order(11)
    void onAServerWithoutADevLoginThePageSaysHowToSignIn() {
        ChromeDriver page = bob.driver();
        page.findElement(By.id("signout")).click();
        waitFor(bob).until(visibilityOfElementLocated(By.id("name")));
        page.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                const fetchOfServer = window.fetch.bind(window);
                window.fetch = (input, init) => String(input instanceof Request ? input.url : input).endsWith('/api/auth/dev-login')
                    ? Promise.resolve(new Response('{"status":404}', {status: 404})) : fetchOfServer(input, init);"""));
        page.get(http + "/");
        WebElement field = waitFor(bob).until(visibilityOfElementLocated(By.id("name")));
        field.clear();
        field.sendKeys("dave-" + RUN, Keys.ENTER);
        waitFor(bob).until(textMatches(By.id("signin-error"), Pattern.compile("no development login.*ticket\\(\\)")));
        assertTrue(page.findElement(By.id("chat-view")).getAttribute("hidden") != null, "still signed out");
        assertTrue(
                page.findElement(By.cssSelector("#signin .hint")).getText().contains("ticket()"),
                "the page says so up front");
    }

    @Test
    @Order(12)
    void theAdminPageShowsLiveFiguresAndClosesAConnection() {
        ChromeDriver page = alice.driver();
        page.get(http + "/admin.html");
        WebElement name = waitFor(alice).until(visibilityOfElementLocated(By.id("name")));
        name.sendKeys("root-" + RUN, Keys.ENTER);
        waitFor(alice).until(textMatches(By.id("connections"), Pattern.compile("\\d+")));
        String watched = "watched-" + RUN;
        page.findElement(By.id("filter")).sendKeys(watched);
        try (WsClient first = WsClient.chat(ws, watched)) {
            waitFor(alice).until(textToBe(By.id("list-summary"), "1 connection(s)"));
            String before = page.findElement(By.id("connections")).getText();
            try (WsClient second = WsClient.notifications(ws, watched, 0)) {
                waitFor(alice).until(textToBe(By.id("list-summary"), "2 connection(s)"));
                waitFor(alice)
                        .until(d -> !before.equals(
                                d.findElement(By.id("connections")).getText()));
                alice.screenshot(SCREENSHOTS, "12-admin");
                waitFor(alice) // the list is drawn anew at every poll: a row found just before may be gone
                        .ignoring(StaleElementReferenceException.class)
                        .until(d -> {
                            d.findElement(By.cssSelector("#rows tr:last-child button"))
                                    .click();
                            return true;
                        });
                Alert reason = waitFor(alice).until(alertIsPresent());
                reason.sendKeys("maintenance");
                reason.accept();
                waitFor(alice).until(textToBe(By.id("list-summary"), "1 connection(s)"));
                waitFor(alice).until(d -> !first.isOpen() || !second.isOpen());
                WsClient closed = second.isOpen() ? first : second;
                assertEquals(4004, closed.closeCode());
                assertEquals("closed by an administrator: maintenance", closed.closeReason());
            }
        }
        page.get(http + "/"); // back to the chat page for any later test
    }

    // ---- what a person does ----

    /** Neither sideways nor down: only the panes (rooms, messages) scroll. */
    private static boolean pageDoesNotScroll(Chromium browser) {
        return Boolean.TRUE.equals(browser.driver()
                .executeScript("const d = document.documentElement;"
                        + " return d.scrollWidth <= d.clientWidth && d.scrollHeight <= d.clientHeight"));
    }

    private void publish(String user, String title, String severity) {
        String body = jakarta.json.Json.createObjectBuilder()
                .add("user", user)
                .add("title", title)
                .add("severity", severity)
                .build()
                .toString();
        assertEquals(
                201,
                Servers.post(http, "/api/notifications", body, Credentials.bearer("ops", "publisher"))
                        .statusCode());
    }

    /**
     * Presses Escape wherever the focus is when the key arrives: the page may re-render the focused element (a read
     * state arriving from the server), so no element reference is held.
     */
    private static void pressEscape(WebDriver driver) {
        new Actions(driver).sendKeys(Keys.ESCAPE).perform();
    }
}
