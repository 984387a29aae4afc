package io.switchboard.it;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its own chromedriver, both named explicitly so that Selenium Manager never
 * looks for (or downloads) anything. Each {@link #start} is a separate browser with a fresh profile, like a separate
 * person. Where they are missing the browser tests are skipped with a visible message, except in CI (env CI), where
 * they fail.
 */
final class Chromium implements AutoCloseable {

    static final String BROWSER = System.getProperty("chromium.binary", "/usr/bin/chromium");
    static final String DRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    private static final String MISSING =
            "browser tests need " + BROWSER + " and " + DRIVER + " (Debian: apt-get install chromium chromium-driver)";

    static boolean installed() {
        return new File(BROWSER).canExecute() && new File(DRIVER).canExecute();
    }

    /** Skips the calling test class (or fails it in CI) unless Chromium and chromedriver are installed. */
    static void assumeInstalled() {
        if (installed()) {
            return;
        }
        if (System.getenv("CI") != null) {
            Assertions.fail("CI must run the browser tests, but " + MISSING);
        }
        System.err.println("SKIPPED: " + MISSING); // the Maven log shows it; a JUnit skip alone is easy to miss
        Assumptions.assumeTrue(false, "SKIPPED: " + MISSING);
    }

    /**
     * Disables a test class before anything is deployed when Chromium is missing (no server boots for nothing), with
     * the same visible message; in CI (env CI) it lets the class run, so that {@link #assumeInstalled} fails it.
     */
    static final class Required implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (installed()
                    || System.getenv("CI") != null
                    || context.getTestMethod().isPresent()) {
                return ConditionEvaluationResult.enabled("chromium is installed, or CI must fail without it");
            }
            System.err.println("SKIPPED: " + context.getDisplayName() + ": " + MISSING);
            return ConditionEvaluationResult.disabled("SKIPPED: " + MISSING);
        }
    }

    /** A new headless browser with a fresh profile and a window of {@code width} x {@code height}. */
    static Chromium start(int width, int height) {
        Path profile;
        try {
            profile = Files.createTempDirectory("switchboard-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-dev-shm-usage",
                "--lang=en-US",
                "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        return new Chromium(new ChromeDriver(service, options), profile);
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Saves what the page shows now as {@code dir/name.png}. */
    void screenshot(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Files.copy(
                    driver.getScreenshotAs(OutputType.FILE).toPath(),
                    dir.resolve(name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException e) {
                // a profile left in the temp dir is harmless
            }
        }
    }
}
