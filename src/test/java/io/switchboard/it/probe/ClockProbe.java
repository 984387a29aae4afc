package io.switchboard.it.probe;

import jakarta.inject.Inject;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.time.Duration;

/** Test-only resource: {@code PUT /api/test/clock?offsetSeconds=N} moves the server's clock (see {@link TestClock}). */
@Path("test/clock")
public class ClockProbe {

    @Inject
    TestClock clock;

    @PUT
    public void offset(@QueryParam("offsetSeconds") long seconds) {
        clock.set(Duration.ofSeconds(seconds));
    }
}
