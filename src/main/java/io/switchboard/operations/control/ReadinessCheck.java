package io.switchboard.operations.control;

/**
 * One check of the readiness probe ({@code /api/health/ready}): every CDI bean implementing it is asked, and the node
 * is ready only when all answer UP. A check must answer quickly and say nothing sensitive (no host names, no
 * credentials, no stack traces): the probe is not authenticated. Add one (a message bus, a cache) by writing a bean.
 */
public interface ReadinessCheck {

    /** The check's name in the probe's JSON. */
    String name();

    /** Runs the check; it is given {@code switchboard.health.ready-timeout-ms}, after which it counts as DOWN. */
    HealthStatus check();
}
