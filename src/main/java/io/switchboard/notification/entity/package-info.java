/**
 * Notification entities: notifications, per-user inbox entries with their sequence, users' sequence counters and
 * topic subscriptions.
 */
package io.switchboard.notification.entity;
