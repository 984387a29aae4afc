package io.switchboard.notification.control;

/** Fired when a user marked one notification ({@code seq}) or all of them read; pushed after commit. */
public record ReadChanged(String userId, Long seq, boolean all, long unread) {}
