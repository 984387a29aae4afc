/**
 * Chat entities: stored messages, known rooms and the members of private rooms. They never go on the wire; the
 * boundary maps them to records.
 */
package io.switchboard.chat.entity;
