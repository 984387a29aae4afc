package io.switchboard.operations.control;

import io.switchboard.config.SwitchboardConfig;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the probes: liveness (the application answers) and readiness (every {@link ReadinessCheck} bean, in parallel,
 * each given {@code switchboard.health.ready-timeout-ms}; one that does not answer in time is DOWN).
 */
@ApplicationScoped
public class Health {

    /** One check's result, as MicroProfile Health shows it ({@code data} only when it is DOWN). */
    public record Check(String name, String status, Map<String, String> data) {}

    /** A probe's result: UP only when every check is. */
    public record Report(String status, List<Check> checks) {
        public boolean up() {
            return "UP".equals(status);
        }
    }

    @Inject
    Instance<ReadinessCheck> checks;

    @Inject
    SwitchboardConfig config;

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ManagedExecutorService executor;

    public Report live() {
        return report(List.of(new Check("switchboard", "UP", null)));
    }

    public Report ready() {
        List<ReadinessCheck> all = checks.stream()
                .sorted(Comparator.comparing(ReadinessCheck::name))
                .toList();
        List<Future<HealthStatus>> running = new ArrayList<>();
        for (ReadinessCheck check : all) {
            running.add(start(check));
        }
        long deadline = System.nanoTime() + config.readinessTimeout().toNanos();
        List<Check> results = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            HealthStatus status = await(running.get(i), deadline);
            results.add(new Check(
                    all.get(i).name(),
                    status.up() ? "UP" : "DOWN",
                    status.detail() == null ? null : Map.of("reason", status.detail())));
        }
        return report(results);
    }

    private Future<HealthStatus> start(ReadinessCheck check) {
        try {
            return executor.submit(check::check);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(HealthStatus.down("no thread to run the check"));
        }
    }

    private static HealthStatus await(Future<HealthStatus> result, long deadline) {
        try {
            return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            return HealthStatus.down("timed out");
        } catch (ExecutionException e) {
            return HealthStatus.down("failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthStatus.down("interrupted");
        }
    }

    private static Report report(List<Check> checks) {
        boolean up = checks.stream().allMatch(c -> "UP".equals(c.status()));
        return new Report(up ? "UP" : "DOWN", checks);
    }
}
