package io.switchboard.operations.boundary;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsResourceTest {

    @Test
    void theScrapeTokenMustMatchExactly() {
        assertTrue(MetricsResource.scrapeToken("s3cret", "Bearer s3cret"));
        assertTrue(MetricsResource.scrapeToken("s3cret", "bearer s3cret"));
        assertFalse(MetricsResource.scrapeToken("s3cret", "Bearer s3cre"));
        assertFalse(MetricsResource.scrapeToken("s3cret", "Basic s3cret"));
        assertFalse(MetricsResource.scrapeToken("s3cret", null));
    }

    @Test
    void noConfiguredTokenMeansNoTokenIsAccepted() {
        assertFalse(MetricsResource.scrapeToken("", "Bearer "));
        assertFalse(MetricsResource.scrapeToken("", "Bearer anything"));
    }
}
