package io.switchboard.it;

import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** What the browser tests do on the page, the way a user does it: sign in, open a room, say something. */
final class BrowserPage {

    /** How long a browser test waits for the page to show what it expects. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private BrowserPage() {}

    static WebDriverWait waitFor(Chromium browser) {
        WebDriverWait wait = new WebDriverWait(browser.driver(), TIMEOUT);
        wait.pollingEvery(Duration.ofMillis(100));
        return wait;
    }

    static void signIn(Chromium browser, String name) {
        WebElement field = waitFor(browser).until(visibilityOfElementLocated(By.id("name")));
        field.clear();
        field.sendKeys(name, Keys.ENTER);
        waitFor(browser).until(textToBePresentInElementLocated(By.id("status"), "Connected as " + name));
    }

    static void openRoom(Chromium browser, String room) {
        browser.driver().findElement(By.id("room-name")).sendKeys(room, Keys.ENTER);
        waitFor(browser).until(textToBe(By.id("conv-title"), "#" + room));
    }

    static void say(Chromium browser, String text) {
        browser.driver().findElement(By.id("text")).sendKeys(text, Keys.ENTER);
    }
}
