/**
 * Presence registry: the {@link io.switchboard.presence.control.Presence} seam and its in-memory lease table.
 */
package io.switchboard.presence.control;
