// @ts-check
/**
 * Switchboard WebSocket clients: plain ES module, no dependencies.
 *
 * {@link ReconnectingClient} is the connection machinery both endpoints share: reconnects with exponential backoff
 * and full jitter, sends `{"type":"ping"}` periodically and treats a silent connection as dead (after the server's
 * `welcome.heartbeatTimeoutSeconds`, unless `deadAfter` is given), and re-dispatches server frames as
 * `CustomEvent`s named after their `type` (`detail` is the frame). Connection changes are dispatched as `state`
 * events (`detail` is a {@link StateDetail}). `client.on(type, listener)` is the short form: the listener gets
 * the frame itself, and the call returns a function that removes it.
 *
 * Credentials: the `ticket` option is required. It is a function (usually async) that returns a fresh one-time
 * ticket, obtained by the embedding app with the user's bearer token from `POST api/auth/ticket`; the client calls it
 * before every connection attempt and connects with `?ticket=...`. The server takes no other identity in the URL.
 * Subprotocol: every connection offers `switchboard.v1` (`PROTOCOL`), the version of the protocol this client speaks.
 * Close codes: 1008 (credential or identity refused), 4003 (user signed out or revoked), 4004 (closed by an
 * administrator) and 1003 end in state `offline` (no blind retries; `reason` says why); 4002 (credential expired)
 * asks `ticket({expired: true})` for a fresh credential and reconnects at once; 1012 (server draining) reconnects
 * after a random delay within the reason's `retry-after=N` seconds, once; anything else the client did not ask for
 * is retried with backoff.
 * Fallback transport: where the WebSocket cannot be used (no `WebSocket` in the page, or two attempts in a row that
 * ended before their `welcome`: a proxy that refuses the upgrade or cuts the socket), the client connects over
 * Server-Sent Events + POST (`api/sse/chat`, `api/sse/notifications`; {@link EventStreamSocket}) with the same frames,
 * tickets and close codes, and tries WebSocket again at the first reconnect after `retryWebSocketAfter` ms
 * (default 5 minutes). `client.transport` says which is in use (`websocket` or `sse`); the `state` event of
 * `connected` carries it too. `transport: 'websocket'` or `'sse'` in the options forces one; a `WebSocket` option (an
 * implementation of the app's own) means WebSocket only.
 * Types for editors: `switchboard-client.d.ts` beside this file.
 *
 * {@link SwitchboardClient} is the chat client for `/ws/chat`. Events: welcome, joined, left, message, ack,
 * presence, occupancy, members, typing, direct, history, pong, error, state. It rejoins the rooms it was asked to join after every
 * reconnect, with `since` set to the highest room sequence number it has seen there (so `joined.history` holds
 * only what was posted meanwhile, whichever node it reconnected to), and keeps `post`/`direct` commands in an outbox until the server acks them, re-sending them once after
 * every reconnect (their `clientId` never changes, so the server's de-duplication makes the retries idempotent).
 * An `error` whose `ref` is the `clientId` of a queued command removes it from the outbox, whatever the code:
 * the server refused that very message, so re-sending it would not help. A `rate_limited` error (the client sent
 * faster than the server allows) keeps the outbox and re-sends it after about a second.
 *
 * The notification client for `/ws/notifications` is `NotificationClient` in `notification-client.js`.
 *
 * @module switchboard-client
 */

/** User names, as the server checks them (the addressee of `direct`). */
export const USER_NAME = /^[\p{L}\p{N}._-]{1,32}$/u;
/** Room names, as the server checks them. */
export const ROOM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Longest chat text the server accepts, in characters. */
export const MAX_TEXT = 4000;
/** What the server's @PlainText refuses in chat text: C0 controls but tab, LF and CR; DEL; C1; U+2028/U+2029; unpaired surrogates. */
const REFUSED_CHARACTER =
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The WebSocket subprotocol (protocol version) the clients offer; the server answers with it. */
export const PROTOCOL = 'switchboard.v1';

/** Close code: the credential expired; reconnect with a fresh one. */
export const CREDENTIAL_EXPIRED = 4002;
/** Close code: the user was signed out or revoked; do not reconnect. */
export const SIGNED_OUT = 4003;
/** Close code: an administrator closed the connection; do not reconnect on your own. */
export const CLOSED_BY_ADMIN = 4004;
/**
 * Close code: the server is draining (deploy, restart); its reason ends in `retry-after=N`: reconnect after a random
 * delay of at most N seconds, once, then back off as usual.
 */
export const SERVICE_RESTART = 1012;
const RETRY_AFTER = /retry-after=(\d+(?:\.\d+)?)/;

/**
 * Thrown (rejected) by a `ticket` function when the user's credential is refused for good (e.g. HTTP 401 or 403 that
 * a fresh sign-in cannot fix): the client stops in state `offline` with code 1008 and this message as `reason`.
 * Any other rejection counts as a failed connection attempt and is retried with backoff.
 */
export class CredentialError extends Error {
    /** @param {string} message */
    constructor(message) {
        super(message);
        this.name = 'CredentialError';
    }
}

/** WebSocket attempts in a row that end before their `welcome` after which the client falls back to SSE. */
const WEBSOCKET_FAILURES_BEFORE_FALLBACK = 2;

/** Frames one POST carries at most (the server takes up to 32 in a JSON array). */
const POST_BATCH_FRAMES = 32;
/** UTF-8 bytes of frames put together in one POST at most: well under any server's `maxTextBytes`. */
const POST_BATCH_BYTES = 4096;
const UTF8 = new TextEncoder();

/**
 * How many of the first queued frames go in the next POST: those waiting, as a JSON array, up to
 * {@link POST_BATCH_FRAMES} and {@link POST_BATCH_BYTES}; a larger frame goes alone.
 * @param {string[]} outbox
 */
function batchSize(outbox) {
    let bytes = UTF8.encode(outbox[0]).length;
    let count = 1;
    while (count < outbox.length && count < POST_BATCH_FRAMES) {
        bytes += UTF8.encode(outbox[count]).length + 1;
        if (bytes + 2 > POST_BATCH_BYTES) break;
        count++;
    }
    return count;
}

/**
 * The fallback transport as a WebSocket look-alike (the members {@link ReconnectingClient} uses): an `EventSource`
 * on the stream URL for the server's frames, one POST at a time, in order, to `api/sse/{stream}` for the client's (the
 * frames queued meanwhile go together, as a JSON array, in the next one).
 * The server's `close` event becomes `onclose` with its code and reason; a stream that fails is closed with 1006.
 */
export class EventStreamSocket {
    /** 0 connecting, 1 open (the `stream` event arrived), 3 closed. */
    readyState = 0;
    /** @type {(() => void)|null} */ onopen = null;
    /** @type {((event: {data: string}) => void)|null} */ onmessage = null;
    /** @type {((event: {code: number, reason: string}) => void)|null} */ onclose = null;
    /** @type {(() => void)|null} */ onerror = null;
    /** @type {EventSource} */ #source;
    /** @type {URL|null} */ #post = null;
    /** @type {string[]} */ #outbox = [];
    #posting = false;

    /** @param {string} url the stream's http(s) URL, with its `ticket` */
    constructor(url) {
        this.#source = new EventSource(url);
        this.#source.addEventListener('stream', event => {
            const token = JSON.parse(/** @type {MessageEvent} */ (event).data).stream;
            this.#post = new URL(encodeURIComponent(token), url);
            this.readyState = 1;
            this.onopen?.();
            this.#pump();
        });
        this.#source.onmessage = event => this.onmessage?.({ data: event.data });
        this.#source.addEventListener('close', event => {
            const { code, reason } = JSON.parse(/** @type {MessageEvent} */ (event).data);
            this.#end(code, reason);
        });
        this.#source.onerror = () => this.#end(1006, 'the event stream failed');
    }

    /** @param {string} text one JSON frame */
    send(text) {
        if (this.readyState !== 1) throw new Error('the event stream is not open');
        this.#outbox.push(text);
        this.#pump();
    }

    /**
     * Ends the stream (the server notices at its next write); no `onclose`.
     * @param {number} [code]
     * @param {string} [reason]
     */
    close(code, reason) { // eslint-disable-line no-unused-vars
        this.readyState = 3;
        this.#source.close();
    }

    async #pump() {
        if (this.#posting || !this.#post) return;
        this.#posting = true;
        try {
            while (this.#outbox.length && this.readyState === 1) {
                const count = batchSize(this.#outbox);
                const body = count === 1 ? this.#outbox[0] : `[${this.#outbox.slice(0, count).join(',')}]`;
                const response = await fetch(this.#post, {
                    method: 'POST', body, headers: { 'Content-Type': 'text/plain' },
                });
                if (response.status === 404) return this.#end(1006, 'the event stream is gone');
                this.#outbox.splice(0, count); // refused frames are answered with an error event, as on WebSocket
            }
        } catch {
            this.#end(1006, 'a POST to the event stream failed');
        } finally {
            this.#posting = false;
        }
    }

    /**
     * @param {number} code
     * @param {string} reason
     */
    #end(code, reason) {
        if (this.readyState === 3) return;
        this.readyState = 3;
        this.#source.close();
        this.onclose?.({ code, reason });
    }
}

/** A connection that lasted this long (ms) resets the backoff; one that drops sooner keeps backing off. */
const STABLE_AFTER = 10_000;
/** Dead-connection timeout (ms) until a `welcome` says the server's heartbeat timeout. */
const DEFAULT_DEAD_AFTER = 45_000;
const CHAT_EVENTS = ['welcome', 'joined', 'left', 'message', 'ack', 'presence', 'occupancy', 'members', 'typing',
    'direct', 'history', 'pong', 'error'];

/**
 * Types: the frames, options and states are declared once, in `switchboard-client.d.ts` (an import of this module
 * resolves to it); see there for what each field means.
 * @typedef {import('./switchboard-client.js').ConnectionState} ConnectionState
 * @typedef {import('./switchboard-client.js').StateDetail} StateDetail
 * @typedef {import('./switchboard-client.js').Welcome} Welcome
 * @typedef {import('./switchboard-client.js').Message} Message
 * @typedef {import('./switchboard-client.js').Joined} Joined
 * @typedef {import('./switchboard-client.js').Ack} Ack
 * @typedef {import('./switchboard-client.js').Presence} Presence
 * @typedef {import('./switchboard-client.js').Occupancy} Occupancy
 * @typedef {import('./switchboard-client.js').Members} Members
 * @typedef {import('./switchboard-client.js').Typing} Typing
 * @typedef {import('./switchboard-client.js').Direct} Direct
 * @typedef {import('./switchboard-client.js').History} History
 * @typedef {import('./switchboard-client.js').Left} Left
 * @typedef {import('./switchboard-client.js').Pong} Pong
 * @typedef {import('./switchboard-client.js').ErrorFrame} ErrorFrame
 * @typedef {import('./switchboard-client.js').TicketRequest} TicketRequest
 * @typedef {import('./switchboard-client.js').ChatCommand} ChatCommand
 * @typedef {import('./switchboard-client.js').QueuedCommand} QueuedCommand
 * @typedef {import('./switchboard-client.js').ClientOptions} ClientOptions
 * @typedef {import('./switchboard-client.js').SwitchboardOptions} SwitchboardOptions
 * @typedef {ChatCommand|import('./notification-client.js').NotificationCommand} Command
 */

/** A client-side message id, unique per message: the server de-duplicates retries by it. */
export function newClientId() {
    const c = globalThis.crypto;
    if (typeof c?.randomUUID === 'function') return 'c-' + c.randomUUID(); // secure contexts only
    return 'c-' + Array.from(c.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The connection machinery shared by the Switchboard clients: one WebSocket at a time, reconnecting with backoff,
 * application-level pings and a dead-connection timer. Subclasses add their commands and bookkeeping through the
 * `_`-prefixed hooks, which are not part of the public API.
 */
export class ReconnectingClient extends EventTarget {
    /** @type {Required<Omit<ClientOptions, 'url'|'WebSocket'|'deadAfter'|'ticket'>> & ClientOptions} */
    #opts;
    #path;
    /** @type {Set<string>} */ #events;
    /** @type {WebSocket|null} */ #ws = null;
    /** @type {string|null} */ #name = null; // the user this client expects, until `welcome` says who it is
    /** @type {ConnectionState} */ #state = 'idle';
    #attempt = 0;
    #retryAt = 0;
    /** Whether a drain's retry hint was used since the last welcome. */
    #drained = false;
    /** @type {Welcome|null} */ #welcome = null;
    /** @type {any} */ #retryTimer;
    /** @type {any} */ #pingTimer;
    /** @type {any} */ #deadTimer;
    #lastFrameAt = 0;
    #welcomedAt = 0;
    #pingedAt = 0; // first ping sent after the last frame arrived
    #generation = 0; // bumped by every teardown: a ticket that arrives for an abandoned attempt is ignored
    #expired = false; // the last close was 4002: ask the ticket function for a renewed credential
    #renewed = false; // a renewed credential was already tried since the last welcome
    #onOnline = () => this.reconnectNow();
    /** @type {'websocket'|'sse'|null} */ #transport = null; // of the current attempt or connection
    #webSocketFailures = 0; // WebSocket attempts in a row that ended before their welcome
    #fallbackSince = 0; // when the client last fell back to SSE

    /**
     * @param {string} path default endpoint, relative to the page
     * @param {Iterable<string>} events server frame types re-dispatched as events
     * @param {ClientOptions} options
     */
    constructor(path, events, options) {
        super();
        if (typeof options?.ticket !== 'function') {
            throw new TypeError('the ticket option is required: a function returning a one-time ticket from POST api/auth/ticket');
        }
        this.#path = path;
        this.#events = new Set(events);
        this.#opts = { baseDelay: 500, maxDelay: 30_000, pingInterval: 20_000, fatalCodes: [1003, 1008, SIGNED_OUT, CLOSED_BY_ADMIN],
            transport: 'auto', retryWebSocketAfter: 300_000, ...options };
    }

    /** @returns {ConnectionState} */
    get state() { return this.#state; }
    /** The user id the server confirmed in `welcome`, else the name given to `connect`. */
    get user() { return this.#welcome?.user ?? this.#name; }
    /** The last `welcome` frame of the current connection, or null. */
    get welcome() { return this.#welcome; }
    /** The transport of the current connection (or attempt): `websocket`, `sse` (the fallback), or null. */
    get transport() { return this.#transport; }
    /** Epoch ms of the next reconnection attempt, while `state` is `reconnecting`. */
    get retryAt() { return this.#retryAt; }

    /**
     * Opens the connection. `name` is only the user this client expects (optional, never sent: the ticket says who
     * connects, and the server says who it is in `welcome`).
     * @param {string} [name]
     */
    connect(name) {
        if (name !== undefined && typeof name !== 'string') throw new TypeError('name must be a string');
        this.#teardown();
        this.#name = name ?? null;
        this.#attempt = 0;
        this.#expired = this.#renewed = this.#drained = false;
        globalThis.addEventListener?.('online', this.#onOnline);
        this.#open();
    }

    /**
     * Listens to one event type; the listener gets the frame (or, for `state`, the {@link StateDetail}) itself.
     * @param {string} type
     * @param {(detail: any) => void} listener
     * @returns {() => void} removes the listener
     */
    on(type, listener) {
        /** @param {Event} event */
        const wrapped = event => listener(/** @type {CustomEvent} */ (event).detail);
        this.addEventListener(type, wrapped);
        return () => this.removeEventListener(type, wrapped);
    }

    /** Closes the connection for good (code 1000); no reconnect until `connect` is called again. */
    close() {
        globalThis.removeEventListener?.('online', this.#onOnline);
        this.#teardown(1000, 'bye');
        this.#welcome = null;
        this.#setState('offline', { code: 1000, reason: 'closed by client' });
    }

    /** Skips the backoff wait and tries again now (e.g. a "Retry now" button). */
    reconnectNow() {
        if (this.#state === 'reconnecting') this.#open();
    }

    /**
     * @param {string} [ref] echoed in the `pong` event
     * @returns {boolean} whether it was sent
     */
    ping(ref) {
        return this._sendIfReady({ type: 'ping', ref });
    }

    /**
     * Hook: adds the endpoint's own query parameters to the URL of each connection attempt (`ticket` is set).
     * @protected
     * @param {URL} url
     */
    _prepare(url) { } // eslint-disable-line no-unused-vars

    /**
     * Hook: sees every frame before it is dispatched; for `welcome`, the state is already `connected`, so this is
     * where a subclass restores its session. Returns false to swallow the frame (no event).
     * @protected
     * @param {any} frame
     * @returns {boolean}
     */
    _receive(frame) { return true; } // eslint-disable-line no-unused-vars

    /**
     * Sends a command only on a connection that got its `welcome`.
     * @protected
     * @param {Command} command
     * @returns {boolean} whether it was sent
     */
    _sendIfReady(command) {
        return this.#state === 'connected' && this._send(command);
    }

    /**
     * Sends a command on the open socket, welcomed or not.
     * @protected
     * @param {Command} command
     * @returns {boolean} whether it was sent
     */
    _send(command) {
        if (this.#ws?.readyState !== 1) return false;
        this.#ws.send(JSON.stringify(command));
        return true;
    }

    /** Dead-connection timeout and ping interval (ms) for the current connection. */
    #timing() {
        const timeout = this.#welcome?.heartbeatTimeoutSeconds;
        const deadAfter = this.#opts.deadAfter
            ?? (typeof timeout === 'number' && timeout > 0 ? timeout * 1000 : DEFAULT_DEAD_AFTER);
        return { deadAfter, pingInterval: Math.min(this.#opts.pingInterval, deadAfter / 2) };
    }

    #startPings() {
        clearInterval(this.#pingTimer);
        this.#pingTimer = setInterval(() => this.#ping(), this.#timing().pingInterval);
    }

    #open() {
        this.#teardown();
        this.#welcome = null;
        const generation = this.#generation;
        this.#setState('connecting');
        this.#touch(); // a ticket request or a handshake that hangs counts as a dead connection too
        const ticket = this.#opts.ticket;
        const request = { expired: this.#expired, attempt: this.#attempt };
        Promise.resolve().then(() => ticket(request)).then(value => {
            if (generation !== this.#generation) return; // closed or retried meanwhile
            if (typeof value !== 'string' || !value) throw new TypeError('the ticket function returned no ticket');
            this.#expired = false;
            this.#dial(value);
        }).catch(err => {
            if (generation !== this.#generation) return;
            const reason = err instanceof Error ? err.message : String(err);
            if (err instanceof CredentialError) this.#stop(1008, reason);
            else this.#lost(1006, `no ticket: ${reason}`);
        });
    }

    /** @param {string} ticket the one-time ticket that says who connects */
    #dial(ticket) {
        const url = new URL(this.#opts.url ?? this.#path, globalThis.location?.href);
        url.searchParams.set('ticket', ticket);
        this._prepare(url);
        /** @type {WebSocket|EventStreamSocket} */
        let ws;
        if (this.#chooseTransport() === 'sse') {
            url.protocol = url.protocol.replace(/^ws/, 'http');
            url.pathname = url.pathname.replace(/(^|\/)ws\/(chat|notifications)$/, '$1api/sse/$2');
            ws = new EventStreamSocket(url.href);
            this.#transport = 'sse';
        } else {
            url.protocol = url.protocol.replace(/^http/, 'ws');
            ws = new (this.#opts.WebSocket ?? WebSocket)(url.href, [PROTOCOL]);
            this.#transport = 'websocket';
        }
        this.#ws = /** @type {WebSocket} */ (ws);
        ws.onopen = () => this.#startPings();
        ws.onmessage = (/** @type {{data: any}} */ event) => this.#receive(event.data);
        ws.onclose = (/** @type {{code: number, reason: string}} */ event) => this.#lost(event.code, event.reason);
    }

    /** WebSocket unless forced otherwise, missing, or failing before its welcome (then retried now and then). */
    #chooseTransport() {
        const forced = this.#opts.transport;
        if (forced === 'websocket' || forced === 'sse') return forced;
        if (this.#opts.WebSocket) return 'websocket'; // a WebSocket implementation of the app's own: its choice
        if (!globalThis.WebSocket) return 'sse';
        if (this.#webSocketFailures < WEBSOCKET_FAILURES_BEFORE_FALLBACK) return 'websocket';
        if (this.#transport !== 'sse') this.#fallbackSince = Date.now();
        if (Date.now() - this.#fallbackSince >= this.#opts.retryWebSocketAfter) {
            this.#webSocketFailures = 0;
            return 'websocket';
        }
        return 'sse';
    }

    /** @param {unknown} data */
    #receive(data) {
        let frame;
        try {
            frame = JSON.parse(String(data));
        } catch {
            frame = null;
        }
        if (frame?.type === 'welcome') {
            if (this.#transport === 'websocket') this.#webSocketFailures = 0;
            this.#welcome = frame;
            this.#welcomedAt = Date.now();
            this.#renewed = this.#drained = false;
            this.#startPings(); // the server's heartbeat timeout may change the timing
        }
        this.#touch();
        if (!frame || typeof frame.type !== 'string') return;
        if (frame.type === 'welcome') this.#setState('connected');
        if (this._receive(frame) && this.#events.has(frame.type)) {
            this.dispatchEvent(new CustomEvent(frame.type, { detail: frame }));
        }
    }

    #ping() {
        const first = this.#pingedAt <= this.#lastFrameAt;
        if (this._send({ type: 'ping' }) && first) this.#pingedAt = Date.now();
    }

    /** Any frame proves the connection alive: restart the dead-connection timer. */
    #touch() {
        this.#lastFrameAt = Date.now();
        this.#checkAliveIn(this.#timing().deadAfter);
    }

    /** @param {number} ms */
    #checkAliveIn(ms) {
        clearTimeout(this.#deadTimer);
        this.#deadTimer = setTimeout(() => this.#checkAlive(), ms);
    }

    /**
     * No frame for `deadAfter`. Hidden tabs run timers late, pings included, so a connection is only declared dead
     * when a ping has gone unanswered for `deadAfter - pingInterval`; if none was sent since the last frame, one is.
     */
    #checkAlive() {
        const { deadAfter, pingInterval } = this.#timing();
        const grace = Math.max(deadAfter - pingInterval, deadAfter / 4);
        const unanswered = this.#pingedAt > this.#lastFrameAt ? Date.now() - this.#pingedAt : -1;
        if (this.#ws?.readyState === 1 && unanswered < grace) {
            if (unanswered < 0) this.#ping();
            this.#checkAliveIn(unanswered < 0 ? grace : grace - unanswered);
            return;
        }
        this.#teardown(4000, 'heartbeat timeout');
        this.#lost(4000, `no frame for ${Math.round((Date.now() - this.#lastFrameAt) / 1000)} s`);
    }

    /**
     * @param {number} code
     * @param {string} reason
     */
    #lost(code, reason) {
        if (this.#transport === 'websocket' && !this.#welcome) this.#webSocketFailures++;
        this.#teardown();
        const stable = this.#welcome && Date.now() - this.#welcomedAt >= STABLE_AFTER;
        this.#welcome = null;
        if (this.#state === 'offline' || this.#state === 'idle') return;
        if (this.#opts.fatalCodes.includes(code)) {
            this.#stop(code, reason);
            return;
        }
        if (stable) this.#attempt = 0; // a connection that flaps keeps backing off
        // Credential expired: renew it (the ticket function is told) and reconnect at once, unless a renewed one
        // was already refused as expired, which then backs off like any other failure.
        const renewNow = code === CREDENTIAL_EXPIRED && !this.#renewed;
        if (code === CREDENTIAL_EXPIRED) this.#expired = this.#renewed = true;
        // A draining server says how long to spread the reconnects over: once, a random delay within it; if that
        // attempt fails too, the usual backoff.
        const hint = code === SERVICE_RESTART && !this.#drained ? RETRY_AFTER.exec(reason ?? '') : null;
        if (hint) this.#drained = true;
        const ceiling = hint
            ? Number(hint[1]) * 1000
            : Math.min(this.#opts.maxDelay, this.#opts.baseDelay * 2 ** this.#attempt);
        const delay = renewNow ? 0 : Math.random() * ceiling; // full jitter
        if (!renewNow && !hint) this.#attempt++;
        this.#retryAt = Date.now() + delay;
        this.#retryTimer = setTimeout(() => this.#open(), delay);
        this.#setState('reconnecting', { code, reason, retryAt: this.#retryAt });
    }

    /**
     * Gives up: state `offline` with the close code and reason that ended it.
     * @param {number} code
     * @param {string} reason
     */
    #stop(code, reason) {
        this.#teardown();
        globalThis.removeEventListener?.('online', this.#onOnline);
        this.#setState('offline', { code, reason });
    }

    /**
     * Detaches from the current socket (so its late events are ignored), stops timers and closes it.
     * @param {number} [code]
     * @param {string} [reason]
     */
    #teardown(code = 1000, reason = '') {
        clearInterval(this.#pingTimer);
        clearTimeout(this.#deadTimer);
        clearTimeout(this.#retryTimer);
        this.#generation++;
        const ws = this.#ws;
        this.#ws = null;
        if (!ws) return;
        ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
        try {
            ws.close(code, reason);
        } catch {
            // already closing
        }
    }

    /**
     * @param {ConnectionState} state
     * @param {Partial<StateDetail>} [extra]
     */
    #setState(state, extra = {}) {
        this.#state = state;
        if (state !== 'reconnecting') this.#retryAt = 0;
        /** @type {StateDetail} */
        const detail = { state, attempt: this.#attempt, ...extra };
        if (state === 'connected' && this.#transport) detail.transport = this.#transport;
        this.dispatchEvent(new CustomEvent('state', { detail }));
    }
}

/** The chat client for `/ws/chat`. */
export class SwitchboardClient extends ReconnectingClient {
    /** @type {Set<string>} */ #rooms = new Set();
    /** @type {Map<string, number>} highest room sequence number seen per joined room */ #lastSeq = new Map();
    /** @type {Map<string, QueuedCommand>} */ #outbox = new Map();
    /** @type {ReturnType<typeof setTimeout>|null} */ #resend = null;

    /** @param {SwitchboardOptions} options `ticket` is required */
    constructor(options) {
        super('ws/chat', CHAT_EVENTS, options);
    }

    /** Rooms this client is in (or will rejoin after reconnecting). */
    get rooms() { return [...this.#rooms]; }
    /** Posts and direct messages not yet acknowledged by the server, oldest first. */
    get pending() { return [...this.#outbox.values()]; }

    /**
     * Opens the connection (see {@link ReconnectingClient#connect} for `name`). Rooms and queued messages of an
     * earlier session of this client are kept.
     * @param {string} [name]
     */
    connect(name) {
        super.connect(name);
    }

    /** @param {string} room joins now, or as soon as connected; rejoined after every reconnect */
    join(room) {
        if (!ROOM_NAME.test(room)) throw new TypeError("room must be 1-64 letters, digits, '.', '_' or '-'");
        this.#rooms.add(room);
        this._sendIfReady({ type: 'join', room });
    }

    /** @param {string} room */
    leave(room) {
        this.#lastSeq.delete(room);
        if (this.#rooms.delete(room)) this._sendIfReady({ type: 'leave', room });
    }

    /**
     * Posts to a joined room; queued while offline.
     * @param {string} room
     * @param {string} text
     * @returns {string} the message's clientId (matches the later `ack` and the echoed `message`)
     */
    post(room, text) {
        if (!ROOM_NAME.test(room)) throw new TypeError('invalid room name');
        return this.#enqueue({ type: 'post', room, text: checkText(text, this.welcome), clientId: newClientId() });
    }

    /**
     * Sends a direct message to one user; queued while offline.
     * @param {string} to
     * @param {string} text
     * @returns {string} the message's clientId
     */
    direct(to, text) {
        if (!USER_NAME.test(to)) throw new TypeError('invalid user name');
        return this.#enqueue({ type: 'direct', to, text: checkText(text, this.welcome), clientId: newClientId() });
    }

    /**
     * Tells the room whether this user is typing. Not queued: dropped when offline.
     * @param {string} room
     * @param {boolean} active
     * @returns {boolean} whether it was sent
     */
    typing(room, active) {
        return this.#rooms.has(room) && this._sendIfReady({ type: 'typing', room, active: !!active });
    }

    /**
     * Asks for older messages of a joined room; the reply is a `history` event. Not queued.
     * @param {string} room
     * @param {number} [before] room sequence number (exclusive), usually the `seq` of the oldest message loaded;
     *     omit for the newest
     * @param {number} [limit] 1-200, server default 50
     * @returns {boolean} whether it was sent
     */
    history(room, before, limit) {
        return this._sendIfReady({ type: 'history', room, before, limit });
    }

    /**
     * Asks for a page of a joined room's members, sorted; the reply is a `members` event. Not queued.
     * @param {string} room
     * @param {string} [after] the `next` of the previous page (`joined` or `members`); omit for the first page
     * @param {number} [limit] 1-200, server default 100
     * @returns {boolean} whether it was sent
     */
    members(room, after, limit) {
        return this._sendIfReady({ type: 'members', room, after, limit });
    }

    /**
     * @param {string} room
     * @param {unknown} seq
     */
    #seen(room, seq) {
        if (this.#rooms.has(room) && typeof seq === 'number' && seq > (this.#lastSeq.get(room) ?? 0)) {
            this.#lastSeq.set(room, seq);
        }
    }

    /** @param {QueuedCommand} command */
    #enqueue(command) {
        this.#outbox.set(command.clientId, command);
        this._sendIfReady(command);
        return command.clientId;
    }

    /**
     * @protected
     * @param {any} frame
     */
    _receive(frame) {
        if (frame.type === 'welcome') {
            // a rejoin asks only for what was posted since the last message seen (on whichever node this is)
            for (const room of this.#rooms) {
                const since = this.#lastSeq.get(room);
                this._send(since === undefined ? { type: 'join', room } : { type: 'join', room, since });
            }
            for (const command of this.#outbox.values()) this._send(command); // joins first: same session, in order
        } else if (frame.type === 'message' || frame.type === 'joined') {
            const messages = frame.type === 'message' ? [frame] : frame.history ?? [];
            for (const m of messages) this.#seen(frame.room, m.seq);
        } else if (frame.type === 'ack') {
            this.#outbox.delete(frame.clientId);
        } else if (frame.type === 'error' && frame.code === 'rate_limited') {
            // Sent faster than the server's rate limit: the dropped command is still in the outbox. Re-send what is
            // not acked yet after a pause (the clientId makes a second copy of an accepted one harmless).
            this.#resend ??= setTimeout(() => {
                this.#resend = null;
                for (const command of this.#outbox.values()) this._sendIfReady(command);
            }, 1_000 + Math.random() * 500);
        } else if (frame.type === 'error' && typeof frame.ref === 'string') {
            // The server names the refused message by its clientId, whatever the error code: re-sending that very
            // message would be refused again. (internal_error frames carry no ref: that message stays queued and
            // is re-sent after the next reconnect.)
            this.#outbox.delete(frame.ref);
        }
        return true;
    }
}

/**
 * @param {string} text
 * @param {Welcome|null} welcome
 */
function checkText(text, welcome) {
    // the server's @NotBlank trims every character up to U+0020, control characters included
    if (typeof text !== 'string' || /^[\s\u0000-\u001f]*$/.test(text)) throw new TypeError('text must not be blank');
    if (REFUSED_CHARACTER.test(text)) {
        throw new TypeError('text must not contain control characters (except tab and line breaks), U+2028/U+2029 or unpaired surrogates');
    }
    if (text.length > MAX_TEXT) throw new RangeError(`text must be at most ${MAX_TEXT} characters`);
    const limit = (welcome?.maxTextBytes ?? 65_536) - 256; // room for the rest of the JSON frame
    if (new TextEncoder().encode(JSON.stringify(text)).length > limit) throw new RangeError('text is too large');
    return text;
}

// A React hook over this client: examples/use-switchboard.js beside this file.
