/**
 * Who may connect, to what, and how much: bearer tokens (JWT) and one-time WebSocket tickets, the origin allow-list,
 * revocation, and the REST caller checks (roles, own data only).
 */
package io.switchboard.security;
