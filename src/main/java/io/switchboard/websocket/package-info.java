/**
 * WebSocket plumbing shared by every Switchboard endpoint: the connection registry, per-connection send queues,
 * the container fast path for sending, heartbeat, close codes, error frames and the JSON-B codec base.
 */
package io.switchboard.websocket;
