package io.switchboard.bench.micro;

import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.operations.control.Meters;
import io.switchboard.operations.control.TrafficLog;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What metrics and the traffic log add to one room post's fan-out, with nothing else on the measurement (issue 12:
 * "no more than 1 ms more at p99"). The server's two send loops each queue the post's frame for half of a 1,000-member
 * room; for every frame a loop calls {@code Traffic.out}: two counters of the connection (the traffic log's close
 * line), the {@link Meters#frameOut} counters, and the traffic log's level check for message contents. Per post the
 * reading thread counts the message in and the post, and the last loop records the fan-out time.
 *
 * <p>{@code instrumentation}: {@code on} is the default deployment ({@code Meters} over a Prometheus registry, as
 * {@code Metrics} builds it); {@code metrics-off} is {@code switchboard.metrics.enabled=false} (the same registry
 * denying every meter) with the traffic log's counters still counting; {@code none} skips every call, the baseline.
 * A send loop's time per post with {@code on} minus {@code none} is the most a frame can be delayed by them: the last
 * receiver of a loop waits for every call before its own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@Threads(2)
public class MetricsCost {

    /** Half of a 1,000-member room: the receivers of one of the two send loops. */
    static final int RECEIVERS_PER_LOOP = 500;

    private static final int MESSAGE = Meters.frameType("message");
    private static final int PAYLOAD_BYTES = 160;

    @Param({"on", "metrics-off", "none"})
    public String instrumentation;

    Meters meters;
    Meters.Inbound inbound;
    boolean counted;

    @Setup(Level.Trial)
    public void setUp() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (instrumentation.equals("metrics-off")) {
            registry.config().meterFilter(MeterFilter.deny());
        }
        meters = new Meters(registry);
        inbound = meters.inbound("chat", List.of("join", "leave", "post", "typing", "direct", "read", "members"));
        counted = !instrumentation.equals("none");
    }

    /** A receiver's counters, as {@code Traffic} keeps them (written by its send loop only). */
    public static final class Receiver {
        volatile long framesOut;
        volatile long bytesOut;
    }

    /** One send loop's receivers. */
    @State(Scope.Thread)
    public static class Loop {
        final Receiver[] receivers = new Receiver[RECEIVERS_PER_LOOP];

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < receivers.length; i++) {
                receivers[i] = new Receiver();
            }
        }
    }

    /** One send loop's share of a post: a frame for each of its 500 receivers, then the fan-out time. */
    @Benchmark
    public void sendLoopPerPost(Loop loop, Blackhole queued) {
        long started = System.nanoTime();
        for (Receiver receiver : loop.receivers) {
            queued.consume(receiver); // the enqueue itself, the same in every configuration
            if (counted) {
                receiver.framesOut++;
                receiver.bytesOut += PAYLOAD_BYTES;
                meters.frameOut(Meters.CHAT, MESSAGE, PAYLOAD_BYTES);
                if (TrafficLog.contents()) {
                    queued.consume(receiver.framesOut);
                }
            }
        }
        if (counted) {
            meters.fanout(System.nanoTime() - started);
        }
    }

    /** The reading thread's share of a post: the message counted in, the post counted. */
    @Benchmark
    public void readerPerPost() {
        if (counted) {
            inbound.received(inbound.indexOf("post"), PAYLOAD_BYTES);
            meters.chatPosted(false);
        }
    }
}
