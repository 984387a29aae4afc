package io.switchboard.protocol;

/**
 * A decoded client message. Its {@link #ref()} is what an error frame about it echoes as {@code ref}, so that the
 * client knows which of its messages was refused or dropped.
 */
public interface ClientMessage {

    /** The client's own id of this message ({@code clientId} or {@code ref}), or null when it has none. */
    default String ref() {
        return null;
    }
}
