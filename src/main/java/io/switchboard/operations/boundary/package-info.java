/** The operations endpoints: metrics for a scraper (admin role or scrape token) and health for load balancers. */
package io.switchboard.operations.boundary;
