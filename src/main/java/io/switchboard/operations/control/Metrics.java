package io.switchboard.operations.control;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.config.SwitchboardConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This deployment's Micrometer registry in Prometheus format, with Switchboard's {@link Meters} and the JVM's
 * (memory, GC, threads, class loading, CPU, uptime, file descriptors). With {@code switchboard.metrics.enabled=false}
 * every meter is a no-op and nothing is served.
 */
@ApplicationScoped
public class Metrics {

    private static final Logger LOG = Logger.getLogger(Metrics.class.getName());

    @Inject
    SwitchboardConfig config;

    private PrometheusMeterRegistry registry;
    private Meters meters;
    private JvmGcMetrics gc;

    @PostConstruct
    void start() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (!config.metricsEnabled()) {
            registry.config().meterFilter(MeterFilter.deny());
            LOG.info("Switchboard metrics are off (switchboard.metrics.enabled=false)");
        }
        meters = new Meters(registry);
        gc = new JvmGcMetrics();
        for (MeterBinder binder : List.of(
                new JvmMemoryMetrics(),
                gc,
                new JvmThreadMetrics(),
                new ClassLoaderMetrics(),
                new ProcessorMetrics(),
                new UptimeMetrics(),
                new FileDescriptorMetrics())) {
            try {
                binder.bindTo(registry);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "JVM metrics {0} unavailable: {1}", new Object[] {
                    binder.getClass().getSimpleName(), e.toString()
                });
            }
        }
    }

    /** The meters the hot paths hold on to (a plain object, not this bean's proxy). */
    public Meters meters() {
        return meters;
    }

    public boolean enabled() {
        return config.metricsEnabled();
    }

    /** Every meter in the Prometheus text exposition format (version 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    @PreDestroy
    void stop() {
        gc.close(); // removes its GC notification listeners, which would otherwise keep this deployment loaded
        registry.close();
    }

    /**
     * Whether {@code authorization} is {@code Bearer <token>} with the configured scrape token (compared in constant
     * time); never when no token is configured.
     */
    public static boolean scrapeToken(String token, String authorization) {
        if (token == null || token.isEmpty() || authorization == null) {
            return false;
        }
        String prefix = "Bearer ";
        if (!authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        return MessageDigest.isEqual(
                authorization.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }
}
