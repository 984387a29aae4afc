package org.xnio;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for XNIO's I/O thread (WildFly's socket threads) with the one method Switchboard calls on it:
 * {@code execute(Runnable)}, which runs tasks one at a time, in order, on a thread of its own.
 */
public class XnioIoThread implements AutoCloseable {

    public static final String NAME = "fake-xnio-io-thread";

    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> new Thread(task, NAME));

    public void execute(Runnable command) {
        thread.execute(command);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
