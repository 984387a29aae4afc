// @ts-check
/**
 * Switchboard notification client for the `/ws/notifications` WebSocket endpoint: plain ES module, no dependencies
 * beyond the shared connection machinery of `switchboard-client.js` (backoff, pings, dead-connection timer).
 *
 * Server frames are re-dispatched as `CustomEvent`s named after their `type` (`detail` is the frame):
 * welcome, notification, replayed, unread, read, subscribed, unsubscribed, pong, error; connection changes as
 * `state` events (see `StateDetail` in `switchboard-client.js`).
 *
 * Exactly once: the client remembers the highest `seq` it has seen (`lastSeq`, persisted per user in localStorage)
 * and every connection attempt asks for `since=lastSeq`, so a reconnect replays what was missed and nothing else.
 * A `notification` with `seq <= lastSeq` is dropped without an event. (Pass the user's name to `connect`: it is
 * the key under which `lastSeq` is kept; without it, memory only.)
 * Credentials, close codes and reconnection work as in `switchboard-client.js`; types in `notification-client.d.ts`.
 *
 * Commands issued while not connected (`markRead`, `markAllRead`, `subscribe`, `unsubscribe`) are queued and sent
 * once the next connection is welcomed; all of them are idempotent on the server.
 *
 * @module notification-client
 */
import { ReconnectingClient, ROOM_NAME } from './switchboard-client.js';

/** Topic names, as the server checks them (the same rule as room names). */
export const TOPIC_NAME = ROOM_NAME;

const NOTIFICATION_EVENTS = ['welcome', 'notification', 'replayed', 'unread', 'read', 'subscribed', 'unsubscribed',
    'pong', 'error'];

/**
 * Types: declared once, in `notification-client.d.ts` (an import of this module resolves to it).
 * @typedef {import('./notification-client.js').Severity} Severity
 * @typedef {import('./notification-client.js').Notification} Notification
 * @typedef {import('./notification-client.js').Replayed} Replayed
 * @typedef {import('./notification-client.js').Unread} Unread
 * @typedef {import('./notification-client.js').Read} Read
 * @typedef {import('./notification-client.js').Topics} Topics
 * @typedef {import('./notification-client.js').LastSeqStorage} LastSeqStorage
 * @typedef {import('./notification-client.js').NotificationCommand} NotificationCommand
 * @typedef {import('./notification-client.js').NotificationOptions} NotificationOptions
 */

/** @returns {LastSeqStorage|null} */
function defaultStorage() {
    try {
        return globalThis.localStorage ?? null; // even reading it can throw (sandboxed frames, blocked storage)
    } catch {
        return null;
    }
}

/** @param {unknown} n */
const isSeq = n => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

export class NotificationClient extends ReconnectingClient {
    /** @type {LastSeqStorage|null} */ #storage;
    /** @type {string|null} */ #owner = null; // the name whose lastSeq this client holds
    #lastSeq = 0;
    /** @type {number|null} */ #unread = null;
    /** @type {string[]|null} */ #topics = null;
    /** @type {Map<string, NotificationCommand>} */ #queue = new Map(); // commands waiting for a connection, by what they affect

    /** @param {NotificationOptions} options `ticket` is required */
    constructor(options) {
        super('ws/notifications', NOTIFICATION_EVENTS, options);
        this.#storage = options.storage === undefined ? defaultStorage() : options.storage;
    }

    /** The highest notification `seq` received (0: none); the next connection asks for what follows it. */
    get lastSeq() { return this.#lastSeq; }
    /** The user's unread count as the server last said (`replayed`, `unread`), or null before the first. */
    get unread() { return this.#unread; }
    /** The user's topics as the last `subscribed`/`unsubscribed` said, or null before the first. */
    get topics() { return this.#topics && [...this.#topics]; }

    /**
     * Opens the notification stream of the ticket's user, starting after the `lastSeq` stored for `name` (or kept by
     * this client, when it was connected as the same user before). `name` is not sent, only used as that key.
     * @param {string} [name]
     */
    connect(name) {
        if (typeof name === 'string' && name !== this.#owner) {
            if (this.#owner !== null) this.#queue.clear(); // another user's commands
            this.#owner = name;
            this.#lastSeq = this.#load();
            this.#unread = this.#topics = null;
        }
        super.connect(name); // validates name
    }

    /**
     * Marks one notification read; every connection of the user then gets `read` and `unread`.
     * @param {number} seq
     * @returns {boolean} true if sent now, false if queued until connected
     */
    markRead(seq) {
        if (!Number.isSafeInteger(seq) || seq < 1) throw new TypeError('seq must be a positive integer');
        if (this.#queue.has('readAll')) return false; // already covered
        return this.#command(`read:${seq}`, { type: 'read', seq });
    }

    /**
     * Marks every notification read.
     * @returns {boolean} true if sent now, false if queued until connected
     */
    markAllRead() {
        for (const key of [...this.#queue.keys()]) if (key.startsWith('read:')) this.#queue.delete(key);
        return this.#command('readAll', { type: 'readAll' });
    }

    /**
     * Subscribes the user to a topic (stored on the server); the reply is a `subscribed` event.
     * @param {string} topic
     * @returns {boolean} true if sent now, false if queued until connected
     */
    subscribe(topic) {
        if (!TOPIC_NAME.test(topic)) throw new TypeError("topic must be 1-64 letters, digits, '.', '_' or '-'");
        return this.#command(`topic:${topic}`, { type: 'subscribe', topic });
    }

    /**
     * @param {string} topic
     * @returns {boolean} true if sent now, false if queued until connected
     */
    unsubscribe(topic) {
        if (!TOPIC_NAME.test(topic)) throw new TypeError("topic must be 1-64 letters, digits, '.', '_' or '-'");
        return this.#command(`topic:${topic}`, { type: 'unsubscribe', topic });
    }

    /**
     * @param {string} key what the command affects: a later command for the same key replaces a queued one
     * @param {NotificationCommand} command
     */
    #command(key, command) {
        if (this._sendIfReady(command)) return true;
        this.#queue.delete(key); // re-insert: queued commands go out in the order they were last issued
        this.#queue.set(key, command);
        return false;
    }

    /** @param {URL} url */
    _prepare(url) {
        url.searchParams.set('since', String(this.#lastSeq));
    }

    /** @param {any} frame */
    _receive(frame) {
        switch (frame.type) {
            case 'welcome':
                for (const command of this.#queue.values()) this._send(command);
                this.#queue.clear();
                break;
            case 'notification':
                if (!isSeq(frame.seq) || frame.seq <= this.#lastSeq) return false; // seen already
                this.#setLastSeq(frame.seq);
                break;
            case 'replayed':
                // Normally lastSeq or more (the tail may have expired). Less only when the server's sequence is
                // behind ours (e.g. its inbox was reset): follow it, or its new notifications would be dropped.
                if (isSeq(frame.lastSeq) && frame.lastSeq !== this.#lastSeq) this.#setLastSeq(frame.lastSeq);
                if (isSeq(frame.unread)) this.#unread = frame.unread;
                break;
            case 'unread':
                if (isSeq(frame.count)) this.#unread = frame.count;
                break;
            case 'subscribed':
            case 'unsubscribed':
                if (Array.isArray(frame.topics)) this.#topics = frame.topics;
                break;
            default:
        }
        return true;
    }

    #key() {
        return `switchboard.notifications.${this.#owner}.lastSeq`;
    }

    #load() {
        if (this.#owner === null) return 0;
        try {
            const seq = Number(this.#storage?.getItem(this.#key()));
            return isSeq(seq) ? seq : 0;
        } catch {
            return 0;
        }
    }

    /** @param {number} seq */
    #setLastSeq(seq) {
        this.#lastSeq = seq;
        if (this.#owner === null) return;
        try {
            this.#storage?.setItem(this.#key(), String(seq));
        } catch {
            // full or blocked: memory only
        }
    }
}
