package io.switchboard.broker;

/** Redis did not answer (down, unreachable or too slow): what needed it cannot be done now; try again later. */
public class SharedStateUnavailable extends RuntimeException {

    public SharedStateUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
