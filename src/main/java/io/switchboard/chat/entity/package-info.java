/**
 * Chat entities: stored messages and known rooms. They never go on the wire; the boundary maps them to records.
 */
package io.switchboard.chat.entity;
