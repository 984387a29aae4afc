/**
 * Who is on the other end of a connection: the seam where the handshake's principal (or, until authentication
 * is configured, a chosen display name) becomes the identity that chat and notifications use.
 */
package io.switchboard.identity;
