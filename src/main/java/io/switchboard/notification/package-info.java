/**
 * Notifications: published over REST or through CDI, stored in a durable per-user inbox with a per-user sequence,
 * pushed after commit over {@code /ws/notifications}, replayed from the client's last sequence on reconnect.
 */
package io.switchboard.notification;
