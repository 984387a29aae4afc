/**
 * Running Switchboard in production: Prometheus metrics ({@code /api/metrics}), health probes
 * ({@code /api/health/live}, {@code /api/health/ready}) and the traffic log ({@code io.switchboard.traffic}).
 */
package io.switchboard.operations;
