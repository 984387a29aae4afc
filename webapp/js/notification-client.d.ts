// Types of notification-client.js for editors and TypeScript front ends. See switchboard-client.d.ts for the
// connection options, states and shared frames.
import type { BaseEventMap, ClientOptions, PingCommand, ReconnectingClient } from './switchboard-client.js';

export type Severity = 'info' | 'success' | 'warning' | 'error';

export interface Notification {
    type: 'notification';
    /** The user's sequence number: 1, 2, 3, ... */
    seq: number;
    id: number;
    title: string;
    body?: string;
    /** http(s) URL or a path starting with `/`. */
    link?: string;
    category?: string;
    severity: Severity;
    createdAt: string;
    expiresAt?: string;
    read: boolean;
}

/** After the replay of everything after `since`; live notifications follow. */
export interface Replayed {
    type: 'replayed';
    lastSeq: number;
    unread: number;
}

export interface Unread {
    type: 'unread';
    count: number;
}

export interface Read {
    type: 'read';
    seq?: number;
    all: boolean;
}

export interface Topics {
    type: 'subscribed' | 'unsubscribed';
    topic: string;
    topics: string[];
}

// ---- notification commands (client -> server) ----

export interface ReadCommand {
    type: 'read';
    seq: number;
}

export interface ReadAllCommand {
    type: 'readAll';
    ref?: string;
}

export interface SubscribeCommand {
    type: 'subscribe';
    topic: string;
}

export interface UnsubscribeCommand {
    type: 'unsubscribe';
    topic: string;
}

export type NotificationCommand = ReadCommand | ReadAllCommand | SubscribeCommand | UnsubscribeCommand | PingCommand;

/** Events of NotificationClient: event type -> `detail`. */
export interface NotificationEventMap extends BaseEventMap {
    notification: Notification;
    replayed: Replayed;
    unread: Unread;
    read: Read;
    subscribed: Topics;
    unsubscribed: Topics;
}

export type LastSeqStorage = Pick<Storage, 'getItem' | 'setItem'>;

export interface NotificationOptions extends ClientOptions {
    /** Where lastSeq is kept per user (default localStorage; null: memory only, so a new client starts from the
     *  whole inbox). */
    storage?: LastSeqStorage | null;
}

export declare const TOPIC_NAME: RegExp;

/** The notification client for `/ws/notifications`: resumes after the last seen `seq` on every (re)connect. */
export declare class NotificationClient extends ReconnectingClient<NotificationEventMap> {
    constructor(options: NotificationOptions);
    readonly lastSeq: number;
    readonly unread: number | null;
    readonly topics: string[] | null;
    /** `name` is only the key under which lastSeq is stored (never sent: the ticket says who). */
    connect(name?: string): void;
    /** True if sent now, false if queued until connected. */
    markRead(seq: number): boolean;
    markAllRead(): boolean;
    subscribe(topic: string): boolean;
    unsubscribe(topic: string): boolean;
}
