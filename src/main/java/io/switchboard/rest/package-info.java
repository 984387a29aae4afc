/**
 * REST plumbing shared by every resource: the JAX-RS application under {@code /api} and RFC 9457 problem responses.
 */
package io.switchboard.rest;
