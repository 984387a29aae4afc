/**
 * The one seam every publication (room message, presence change, typing, direct message, notification) goes
 * through: in memory on a single node, over the Redis bus in cluster mode ({@code io.switchboard.cluster}), without
 * touching chat or notification code.
 */
package io.switchboard.broker;
