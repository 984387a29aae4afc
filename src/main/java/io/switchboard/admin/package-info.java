/**
 * Operating a node: the administrators' view of its connections, users and rooms, closing connections, and the
 * graceful drain before a deploy, under {@code /api/admin} (admin role).
 */
package io.switchboard.admin;
