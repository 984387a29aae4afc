/**
 * Chat boundary: the WebSocket endpoint, its wire records and JSON-B codecs, and the REST resource.
 */
package io.switchboard.chat.boundary;
