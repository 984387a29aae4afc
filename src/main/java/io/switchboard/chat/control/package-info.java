/**
 * Chat control: the service that carries out chat commands in order per room, and the JPA history store.
 */
package io.switchboard.chat.control;
