package io.switchboard.it.probe;

import io.switchboard.operations.control.TrafficLog;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Test-only: what the deployment wrote to the traffic log ({@code io.switchboard.traffic}), read through a JUL handler
 * on that logger, as the server's own log handlers see it. {@code GET /api/test/traffic-log}: the lines, one a line
 * (the latest 2,000).
 */
@Path("test/traffic-log")
public class TrafficLogProbe {

    @jakarta.inject.Inject
    Capture capture;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String lines() {
        return String.join("\n", capture.lines());
    }

    /** The handler, on the logger from deployment to undeployment. */
    @ApplicationScoped
    public static class Capture extends Handler {
        private static final int KEEP = 2_000;
        private final Deque<String> lines = new ConcurrentLinkedDeque<>();
        private Logger logger;

        void install(@Observes @Initialized(ApplicationScoped.class) Object started) {
            logger = Logger.getLogger(TrafficLog.LOGGER); // held: a logger nobody references may be collected
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            lines.addLast(record.getLevel() + " " + record.getMessage());
            while (lines.size() > KEEP) {
                lines.pollFirst();
            }
        }

        List<String> lines() {
            return new ArrayList<>(lines);
        }

        @Override
        public void flush() {}

        @Override
        @PreDestroy
        public void close() {
            if (logger != null) {
                logger.removeHandler(this);
            }
        }
    }
}
