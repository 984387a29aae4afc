package io.switchboard.operations.boundary;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.operations.control.Metrics;
import io.switchboard.security.boundary.Caller;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/**
 * {@code GET /api/metrics}: every meter in the Prometheus text format, for a scraper that sends the configured
 * token ({@code switchboard.metrics.token}) as {@code Authorization: Bearer <token>}, or for a caller with the admin
 * role; 401 / 403 problems otherwise. Not at {@code /metrics}, which the servers keep for their own.
 */
@Path("metrics")
public class MetricsResource {

    /** The Prometheus text exposition format. */
    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    @Inject
    Metrics metrics;

    @Inject
    SwitchboardConfig config;

    @GET
    public Response scrape(
            @Context SecurityContext caller, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        if (!metrics.enabled()) {
            throw new NotFoundException("metrics are off on this server (switchboard.metrics.enabled)");
        }
        if (!Metrics.scrapeToken(config.metricsToken(), authorization)) {
            Caller.requireRole(caller, config.adminRole());
        }
        return Response.ok(metrics.scrape(), TEXT_FORMAT).build();
    }
}
