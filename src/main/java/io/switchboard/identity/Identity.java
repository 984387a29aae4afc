package io.switchboard.identity;

/** The user behind a connection: a stable id (the principal name) and the name shown to others. */
public record Identity(String userId, String displayName) {
}
