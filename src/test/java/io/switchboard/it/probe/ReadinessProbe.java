package io.switchboard.it.probe;

import io.switchboard.operations.control.Readiness;
import jakarta.inject.Inject;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

/**
 * Test-only: {@code PUT /api/test/readiness?draining=true} marks the node draining as a drain would
 * ({@link Readiness#drain()}); {@code false} resumes it.
 */
@Path("test/readiness")
public class ReadinessProbe {

    @Inject
    Readiness readiness;

    @PUT
    public void set(@QueryParam("draining") boolean draining) {
        if (draining) {
            readiness.drain();
        } else {
            readiness.resume();
        }
    }
}
