package io.switchboard.chat.control;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One monitor per key (a room, a direct-message pair) that exists only while someone holds it or waits for it, so
 * the map is as small as the work in flight however many rooms come and go. Reentrant like {@code synchronized};
 * the same key always gets the same monitor while it is in use.
 */
final class KeyedLocks {

    /** A key's monitor and how many threads hold it or wait for it; changed only inside the map's compute. */
    private static final class Lock {
        private int users;
    }

    private final Map<String, Lock> locks = new ConcurrentHashMap<>();

    <T> T underLock(String key, Supplier<T> action) {
        Lock lock = locks.compute(key, (k, held) -> {
            Lock l = held == null ? new Lock() : held;
            l.users++;
            return l;
        });
        try {
            synchronized (lock) {
                return action.get();
            }
        } finally {
            locks.computeIfPresent(key, (k, l) -> --l.users == 0 ? null : l);
        }
    }

    /** Keys whose monitor is held or waited for now. */
    int inUse() {
        return locks.size();
    }
}
