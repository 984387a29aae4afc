package io.switchboard.broker;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Where one gapless, numbered stream (a room's messages, a user's notifications) stands for its receivers on this
 * node, and the one rule that keeps it gapless and free of duplicates whatever the order in which the bus brings its
 * publications: a number at or below the last one sent is dropped; a number beyond the next one is preceded by what
 * storage holds in between; what storage holds beyond the last one is sent on {@link #catchUp}. Storage is the
 * copy that counts: the bus only says "there is more".
 * <p>
 * Not thread-safe: its owner holds a lock of its own (usually the stream itself) around each call, and sends under
 * that lock, so that what it sends for one stream goes out in order.
 *
 * @param <E> a stored entry of the stream
 */
public final class GaplessStream<E> {

    /** Storage's entries of a stream with {@code after < seq < before}, oldest first, at most {@code limit}. */
    @FunctionalInterface
    public interface Stored<E> {
        List<E> between(long after, long before, int limit);
    }

    private static final int PAGE = 200;

    private final ToLongFunction<E> seqOf;
    private long last;

    /** @param last the last number the receivers already have */
    public GaplessStream(long last, ToLongFunction<E> seqOf) {
        this.last = last;
        this.seqOf = seqOf;
    }

    public long last() {
        return last;
    }

    /**
     * A live publication of number {@code seq} arrived.
     *
     * @return whether to send it now (after {@code sendStored} was given what came before it); false for a number
     *     already sent. When storage cannot be read, the exception leaves the stream where it stood, at the last
     *     entry sent: the publication is not to be sent, a later publication or {@link #catchUp} repairs the gap.
     */
    public boolean offer(long seq, Stored<E> stored, Consumer<E> sendStored) {
        if (seq <= last) {
            return false;
        }
        if (seq > last + 1) {
            replay(seq, stored, sendStored);
        }
        last = seq;
        return true;
    }

    /**
     * Sends what storage holds after the last number sent, up to {@code lastStored} (which storage gave as its
     * newest), in case publications were lost on the way.
     *
     * @return whether anything was behind
     */
    public boolean catchUp(long lastStored, Stored<E> stored, Consumer<E> sendStored) {
        if (lastStored <= last) {
            return false;
        }
        replay(lastStored + 1, stored, sendStored);
        last = Math.max(last, lastStored); // entries storage no longer returns (expired) are skipped
        return true;
    }

    /** Skips ahead to {@code seq} without sending: the receivers got everything up to it another way. */
    public void skipTo(long seq) {
        last = Math.max(last, seq);
    }

    /** Sends storage's entries after the last number sent and before {@code before}, page by page. */
    private void replay(long before, Stored<E> stored, Consumer<E> sendStored) {
        List<E> page;
        do {
            page = stored.between(last, before, PAGE);
            for (E entry : page) {
                sendStored.accept(entry);
                last = seqOf.applyAsLong(entry);
            }
        } while (page.size() == PAGE);
    }
}
