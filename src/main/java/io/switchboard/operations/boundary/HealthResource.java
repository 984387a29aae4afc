package io.switchboard.operations.boundary;

import io.switchboard.operations.control.Health;
import io.switchboard.protocol.Json;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Probes for load balancers and orchestrators, unauthenticated, in MicroProfile Health's JSON shape:
 * {@code {"status":"UP","checks":[{"name":"database","status":"UP"}]}}; 200 when UP, 503 when DOWN.
 * {@code live}: the application answers. {@code ready}: it should get new clients (database reachable, not
 * draining).
 */
@Path("health")
@Produces(MediaType.APPLICATION_JSON)
public class HealthResource {

    private static final CacheControl NO_STORE = CacheControl.valueOf("no-store");

    @Inject
    Health health;

    @GET
    @Path("live")
    public Response live() {
        return answer(health.live());
    }

    @GET
    @Path("ready")
    public Response ready() {
        return answer(health.ready());
    }

    private static Response answer(Health.Report report) {
        return Response.status(report.up() ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .cacheControl(NO_STORE)
                .entity(Json.write(report))
                .build();
    }
}
