package io.switchboard.websocket;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The response under a RESTEasy event sink (WildFly): its own asynchronous output stream, which queues writes behind
 * the servlet's {@code WriteListener} and never blocks the caller. An event stream writes its frames there as
 * pre-encoded {@code text/event-stream} bytes, several events per write and one flush, instead of one
 * {@code OutboundSseEvent} each, which RESTEasy serialises through a message body writer and flushes on its own.
 * Writes are made under the stream's own lock, as the sink's are, so both keep the order in which they were made.
 */
public final class ResteasyOutput {

    private static final Logger LOG = Logger.getLogger(ResteasyOutput.class.getName());
    private static final String SINK = "org.jboss.resteasy.plugins.providers.sse.SseEventOutputImpl";
    /** For an output stream class: {@code asyncWrite (Object, byte[], int, int)}, {@code asyncFlush (Object)}. */
    private static final ClassValue<MethodHandle[]> HANDLES = Reflection.perClass(type -> {
        Class<?> async = Class.forName("org.jboss.resteasy.spi.AsyncOutputStream", false, type.getClassLoader());
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        return new MethodHandle[] {
            lookup.findVirtual(
                            async,
                            "asyncWrite",
                            MethodType.methodType(CompletionStage.class, byte[].class, int.class, int.class))
                    .asType(MethodType.methodType(
                            CompletionStage.class, Object.class, byte[].class, int.class, int.class)),
            lookup.findVirtual(async, "asyncFlush", MethodType.methodType(CompletionStage.class))
                    .asType(MethodType.methodType(CompletionStage.class, Object.class))
        };
    });

    private final Object stream;
    private final MethodHandle write;
    private final MethodHandle flush;

    private ResteasyOutput(Object stream) {
        this.stream = stream;
        MethodHandle[] handles = HANDLES.get(stream.getClass());
        this.write = handles[0];
        this.flush = handles[1];
    }

    /** The output under {@code sink} when it is RESTEasy's and can be reached; empty otherwise. */
    public static Optional<ResteasyOutput> of(Object sink) {
        if (sink == null || !SINK.equals(sink.getClass().getName())) {
            return Optional.empty();
        }
        try {
            // the sink locks on its response's asynchronous output stream and writes there (RESTEasy 6.2)
            Object stream = Reflection.field(sink, "lock");
            Class<?> async = Class.forName(
                    "org.jboss.resteasy.spi.AsyncOutputStream",
                    false,
                    sink.getClass().getClassLoader());
            if (!async.isInstance(stream)) {
                return Optional.empty();
            }
            return Optional.of(new ResteasyOutput(stream));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "RESTEasy's output stream not reachable, events go through the sink: {0}", e);
            return Optional.empty();
        }
    }

    /**
     * Queues {@code length} bytes of {@code bytes} (complete events; the array is not copied and must not change)
     * and a flush; the stage completes when the container has handed them to the socket, or fails.
     */
    public CompletionStage<?> write(byte[] bytes, int length) {
        try {
            synchronized (stream) {
                CompletionStage<?> written = (CompletionStage<?>) write.invokeExact(stream, bytes, 0, length);
                CompletionStage<?> flushed = (CompletionStage<?>) flush.invokeExact(stream);
                return written.thenCombine(flushed, (a, b) -> null);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
