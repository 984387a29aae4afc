/**
 * Who is on the other end of a connection: the seam where the handshake's principal (a container login) or its
 * one-time {@code ?ticket=} becomes the identity that chat and notifications use; nothing else is accepted.
 */
package io.switchboard.identity;
