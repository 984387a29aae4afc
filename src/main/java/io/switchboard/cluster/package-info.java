/**
 * Cluster mode (off unless {@code switchboard.cluster.redis-uri} is set): the Redis bus between nodes and the
 * short-lived state every node shares there (tickets, revocations, per-user connection and message counts).
 */
package io.switchboard.cluster;
