/**
 * Notification control: publishing (transactional, pushed after commit), the inbox, read state, topic
 * subscriptions, per-connection gap-free streams and the purge of expired notifications.
 */
package io.switchboard.notification.control;
