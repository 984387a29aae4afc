/**
 * The fallback transport for clients whose network refuses WebSocket: a Server-Sent Events stream from the server and
 * HTTP POSTs from the client, carrying the same JSON frames. A stream is presented to the WebSocket plumbing as a
 * {@code jakarta.websocket.Session} ({@link io.switchboard.sse.SseSession}), so connections, send queues, limits,
 * heartbeat and close codes are the WebSocket endpoints' own.
 */
package io.switchboard.sse;
