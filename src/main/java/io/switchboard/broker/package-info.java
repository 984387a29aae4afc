/**
 * The one seam every publication (room message, presence change, typing, direct message, notification) goes
 * through: in memory on a single node today, a Redis broker later, without touching chat or notification code.
 */
package io.switchboard.broker;
