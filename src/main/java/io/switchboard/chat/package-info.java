/**
 * Chat: rooms with history, who's-online presence, typing indicators and direct messages over {@code /ws/chat},
 * and a REST view of rooms, history and presence under {@code /api/rooms}.
 */
package io.switchboard.chat;
