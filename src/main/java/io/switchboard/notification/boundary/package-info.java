/**
 * Notification boundary: the WebSocket endpoint and its codecs, the REST resources for publishing and for inboxes.
 */
package io.switchboard.notification.boundary;
