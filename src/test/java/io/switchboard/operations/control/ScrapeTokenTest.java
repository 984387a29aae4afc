package io.switchboard.operations.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScrapeTokenTest {

    @Test
    void theScrapeTokenMustMatchExactly() {
        assertTrue(Metrics.scrapeToken("s3cret", "Bearer s3cret"));
        assertTrue(Metrics.scrapeToken("s3cret", "bearer s3cret"));
        assertFalse(Metrics.scrapeToken("s3cret", "Bearer s3cre"));
        assertFalse(Metrics.scrapeToken("s3cret", "Basic s3cret"));
        assertFalse(Metrics.scrapeToken("s3cret", null));
    }

    @Test
    void noConfiguredTokenMeansNoTokenIsAccepted() {
        assertFalse(Metrics.scrapeToken("", "Bearer "));
        assertFalse(Metrics.scrapeToken("", "Bearer anything"));
    }
}
