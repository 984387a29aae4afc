package io.switchboard.cluster;

/** Redis did not answer (down, unreachable or too slow): what needed it cannot be done now; try again later. */
public class RedisUnavailable extends RuntimeException {

    public RedisUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
