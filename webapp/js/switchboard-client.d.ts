// Types of switchboard-client.js for editors and TypeScript front ends (React, Angular, ...). The module itself is
// plain JavaScript: import it as it is served (`<context>/js/switchboard-client.js`), no build step needed.
// The wire format is described in docs/protocol.md. The frame interfaces below are the one description of the frames
// for JavaScript: the clients' JSDoc imports them, and ClientContractTest fails the build when one differs from the
// server's Java records (field names, types, required or optional); `tsc` (src/test/js) checks the rest.

/** `connecting` also covers reconnection attempts (`attempt` > 0); `reconnecting` waits for the next attempt
 *  (see `retryAt`); `offline`: closed by `close()` or by a close code the client does not retry. */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** `detail` of the `state` event. */
export interface StateDetail {
    state: ConnectionState;
    /** Consecutive failed attempts so far. */
    attempt: number;
    /** Close code that caused this state (1008 also when the ticket function threw a CredentialError). */
    code?: number;
    /** Close reason that caused this state. */
    reason?: string;
    /** Epoch ms of the next attempt (state `reconnecting`). */
    retryAt?: number;
    /** The transport of the connection (state `connected`): `websocket`, or `sse` for the fallback. */
    transport?: Transport;
}

/** How a client is connected: WebSocket, or the Server-Sent Events + POST fallback. */
export type Transport = 'websocket' | 'sse';

/** First frame of every connection, on both endpoints. */
export interface Welcome {
    type: 'welcome';
    connectionId: string;
    /** The user the server identified from the ticket. */
    user: string;
    heartbeatSeconds: number;
    heartbeatTimeoutSeconds: number;
    maxTextBytes: number;
}

export interface Pong {
    type: 'pong';
    ref?: string;
}

/** A refused command; the connection stays open. `ref` is the refused command's clientId (or ref). */
export interface ErrorFrame {
    type: 'error';
    code: 'malformed_json' | 'unknown_type' | 'missing_field' | 'invalid_field' | 'not_joined'
        | 'forbidden' | 'rate_limited' | 'internal_error' | string;
    message: string;
    ref?: string;
}

// ---- chat frames (server -> client) ----

export interface Message {
    type?: 'message';
    id: number;
    /** The message's place in its room: 1, 2, 3, ... without gaps, the same on every node. */
    seq: number;
    room: string;
    from: string;
    text: string;
    /** ISO-8601 instant. */
    ts: string;
    clientId?: string;
}

export interface Joined {
    type: 'joined';
    room: string;
    /** The newest messages of the room (after `since` when the join gave one), oldest first. */
    history: Message[];
    /** Users present, sorted: all of them, or in a large room only the first page (then `next` is set). */
    members: string[];
    /** How many users are present (over all nodes). */
    count: number;
    /** Set when `members` is only the first page: send `members` with `after` = this for the next one. */
    next?: string;
}

export interface Left {
    type: 'left';
    room: string;
}

export interface Ack {
    type: 'ack';
    clientId: string;
    id: number;
    /** The room sequence number of a room message (absent for a direct message). */
    seq?: number;
    ts: string;
    /** True when the clientId had been stored before: this was a retry, stored and delivered once. */
    duplicate: boolean;
}

export interface Presence {
    type: 'presence';
    room: string;
    user: string;
    event: 'joined' | 'left';
}

/**
 * Presence of a large room (more users than `switchboard.presence.large-room`), instead of `presence` frames: at most
 * one per room per second (per node), with the count and who arrived and left since the room's previous one.
 */
export interface Occupancy {
    type: 'occupancy';
    room: string;
    count: number;
    joined: string[];
    left: string[];
    /**
     * More users changed than a frame names (`switchboard.presence.occupancy-names`, 50): `joined` and `left` are
     * empty and a kept member list is incomplete (re-page with `members` if you need it).
     */
    truncated: boolean;
}

/** Reply to `members`: one page of the users present, sorted. */
export interface Members {
    type: 'members';
    room: string;
    members: string[];
    count: number;
    /** The `after` of the next page; absent on the last page. */
    next?: string;
}

export interface Typing {
    type: 'typing';
    room: string;
    user: string;
    active: boolean;
}

export interface Direct {
    type: 'direct';
    id: number;
    from: string;
    to: string;
    text: string;
    ts: string;
    clientId?: string;
}

export interface History {
    type: 'history';
    room: string;
    messages: Message[];
    /** Older messages exist. */
    more: boolean;
}

// ---- chat commands (client -> server) ----

export interface JoinCommand {
    type: 'join';
    room: string;
    /** Only messages after this room sequence number in `joined.history` (catch-up); omit for the newest. */
    since?: number;
}

export interface LeaveCommand {
    type: 'leave';
    room: string;
}

export interface PostCommand {
    type: 'post';
    room: string;
    text: string;
    clientId: string;
}

export interface TypingCommand {
    type: 'typing';
    room: string;
    active: boolean;
}

export interface DirectCommand {
    type: 'direct';
    to: string;
    text: string;
    clientId: string;
}

export interface HistoryCommand {
    type: 'history';
    room: string;
    /** Room sequence number (exclusive), usually the `seq` of the oldest message loaded; omit for the newest. */
    before?: number;
    /** 1-200, server default 50. */
    limit?: number;
}

/** A page of a joined room's members (the reply is `members`). */
export interface MembersCommand {
    type: 'members';
    room: string;
    /** The `next` of the previous page (`joined` or `members`); omit for the first page. */
    after?: string;
    /** 1-200, server default `switchboard.presence.page-size` (100). */
    limit?: number;
}

/** On both endpoints: answered with `pong` carrying the same `ref`. */
export interface PingCommand {
    type: 'ping';
    ref?: string;
}

export type ChatCommand = JoinCommand | LeaveCommand | PostCommand | TypingCommand | DirectCommand | HistoryCommand
    | MembersCommand | PingCommand;

/** Commands kept until the server acks them, re-sent once after every reconnect. */
export type QueuedCommand = PostCommand | DirectCommand;

/** Events every client dispatches. */
export interface BaseEventMap {
    state: StateDetail;
    welcome: Welcome;
    pong: Pong;
    error: ErrorFrame;
}

/** Events of SwitchboardClient: event type -> `detail`. */
export interface ChatEventMap extends BaseEventMap {
    joined: Joined;
    left: Left;
    message: Message;
    ack: Ack;
    presence: Presence;
    occupancy: Occupancy;
    members: Members;
    typing: Typing;
    direct: Direct;
    history: History;
}

/** What the `ticket` function is told about the attempt it is called for. */
export interface TicketRequest {
    /** The last connection was closed with 4002 (credential expired): renew the credential before asking. */
    expired: boolean;
    /** Consecutive failed attempts so far. */
    attempt: number;
}

export interface ClientOptions {
    /** Endpoint; default `ws/chat` (or `ws/notifications`) relative to the page, http(s) switched to ws(s). */
    url?: string | URL;
    /** Required. Called before every connection attempt for a fresh one-time ticket (`POST api/auth/ticket` with
     *  the user's bearer token), sent as `?ticket=`. Reject with CredentialError when refused for good. */
    ticket: (request: TicketRequest) => Promise<string> | string;
    /** Backoff base in ms: attempt n waits random(0, min(maxDelay, baseDelay * 2^n)). Default 500. */
    baseDelay?: number;
    /** Backoff cap in ms. Default 30000. */
    maxDelay?: number;
    /** Ms between application-level pings (at most half of deadAfter). Default 20000. */
    pingInterval?: number;
    /** Ms without any frame after which the connection is declared dead and retried (in hidden tabs, whose timers
     *  run late, only once a ping has gone unanswered for deadAfter - pingInterval). Default: the welcome's
     *  heartbeatTimeoutSeconds, or 45000 before (or without) it. */
    deadAfter?: number;
    /** Close codes after which the client stays offline. Default [1003, 1008, 4003, 4004]; any other close the
     *  client did not ask for (1001, 1006, 1011, 1012, 1013, 4000, 4001, 4002, ...) is retried; after a 1012 the
     *  first retry comes within the reason's retry-after=N seconds. */
    fatalCodes?: number[];
    /** WebSocket implementation (default: the global one). */
    WebSocket?: typeof WebSocket;
    /** `auto` (default): WebSocket, falling back to Server-Sent Events + POST when the page has no WebSocket or two
     *  attempts in a row end before their welcome (never with a `WebSocket` option of your own); `websocket` or `sse`
     *  forces one. */
    transport?: 'auto' | Transport;
    /** After a fallback, ms before a reconnect tries WebSocket again. Default 300000. */
    retryWebSocketAfter?: number;
}

export type SwitchboardOptions = ClientOptions;

export declare const USER_NAME: RegExp;
export declare const ROOM_NAME: RegExp;
export declare const MAX_TEXT: number;
/** The WebSocket subprotocol every connection offers. */
export declare const PROTOCOL: 'switchboard.v1';
export declare const CREDENTIAL_EXPIRED: 4002;
export declare const SIGNED_OUT: 4003;
/** Close code: an administrator closed the connection; the client stays offline. */
export declare const CLOSED_BY_ADMIN: 4004;
/** Close code: the server is draining; the reason ends in retry-after=N (seconds). */
export declare const SERVICE_RESTART: 1012;

/** Rejected by a ticket function when the credential is refused for good: the client goes offline (code 1008). */
export declare class CredentialError extends Error {
    constructor(message: string);
}

/** A fresh client-side message id; the server de-duplicates retries by it. */
export declare function newClientId(): string;

/** Connection machinery shared by both clients: backoff with full jitter, pings, dead-connection timer. */
/** The fallback transport as a WebSocket look-alike: EventSource for the server's frames, POSTs for the client's. */
export declare class EventStreamSocket {
    constructor(url: string);
    readyState: number;
    onopen: (() => void) | null;
    onmessage: ((event: { data: string }) => void) | null;
    onclose: ((event: { code: number; reason: string }) => void) | null;
    onerror: (() => void) | null;
    send(text: string): void;
    close(code?: number, reason?: string): void;
}

export declare class ReconnectingClient<M extends BaseEventMap = BaseEventMap> extends EventTarget {
    constructor(path: string, events: Iterable<string>, options: ClientOptions);
    readonly state: ConnectionState;
    /** The user the server confirmed in `welcome`, else the name given to connect. */
    readonly user: string | null;
    readonly welcome: Welcome | null;
    /** Epoch ms of the next attempt while `state` is `reconnecting`. */
    readonly retryAt: number;
    /** The transport of the current connection or attempt; null before the first. */
    readonly transport: Transport | null;
    /** Opens the connection; `name` is only the user this client expects (never sent: the ticket says who). */
    connect(name?: string): void;
    /** Closes for good (1000); no reconnect until connect() is called again. */
    close(): void;
    /** Skips the backoff wait (e.g. a "Retry now" button). */
    reconnectNow(): void;
    ping(ref?: string): boolean;
    /** Listens to one event type with the frame itself; returns a function that removes the listener. */
    on<K extends keyof M & string>(type: K, listener: (detail: M[K]) => void): () => void;
    addEventListener<K extends keyof M & string>(type: K, listener: (event: CustomEvent<M[K]>) => void,
        options?: boolean | AddEventListenerOptions): void;
    addEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
        options?: boolean | AddEventListenerOptions): void;
    removeEventListener<K extends keyof M & string>(type: K, listener: (event: CustomEvent<M[K]>) => void,
        options?: boolean | EventListenerOptions): void;
    removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
        options?: boolean | EventListenerOptions): void;
    protected _prepare(url: URL): void;
    protected _receive(frame: any): boolean;
    protected _sendIfReady(command: ChatCommand | import('./notification-client.js').NotificationCommand): boolean;
    protected _send(command: ChatCommand | import('./notification-client.js').NotificationCommand): boolean;
}

/** The chat client for `/ws/chat`. */
export declare class SwitchboardClient extends ReconnectingClient<ChatEventMap> {
    constructor(options: SwitchboardOptions);
    /** Rooms this client is in (or will rejoin after reconnecting). */
    readonly rooms: string[];
    /** Posts and direct messages not yet acknowledged, oldest first. */
    readonly pending: QueuedCommand[];
    /** Joins now or once connected; rejoined after every reconnect, with `since` = the highest `seq` seen in the room. */
    join(room: string): void;
    leave(room: string): void;
    /** Posts to a joined room (queued while offline); returns the clientId. */
    post(room: string, text: string): string;
    /** Sends a direct message (queued while offline); returns the clientId. */
    direct(to: string, text: string): string;
    /** Not queued: false when it could not be sent now. */
    typing(room: string, active: boolean): boolean;
    /** Asks for older messages (a `history` event follows); not queued. */
    history(room: string, before?: number, limit?: number): boolean;
    /** Asks for a page of a joined room's members (a `members` event follows); not queued. */
    members(room: string, after?: string, limit?: number): boolean;
}
