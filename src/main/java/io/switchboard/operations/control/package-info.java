/**
 * The meters every hot path records into (pre-registered, no look-up by name per frame), the readiness state a drain
 * flips, the readiness checks, and the structured traffic log.
 */
package io.switchboard.operations.control;
