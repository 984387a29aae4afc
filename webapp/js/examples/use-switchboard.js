// @ts-check
// Example: React hooks over the Switchboard clients (copy into your app; React is not part of Switchboard).
//
//   const { state, messages, post } = useSwitchboardRoom('lobby', { name: 'alice', ticket });
//   const { unread, items, markRead } = useNotifications({ name: 'alice', ticket });
//
// `ticket` (required) is an async function that returns a fresh one-time ticket (POST api/auth/ticket with the
// user's bearer token); `name` only keys what the browser remembers. Both hooks work under StrictMode's
// mount/unmount/mount: connect() after close() simply starts again. Keep `ticket` stable (useCallback) or the
// connection is reopened on every render.
import { useEffect, useMemo, useState } from 'react';
import { SwitchboardClient } from '../switchboard-client.js';
import { NotificationClient } from '../notification-client.js';

/**
 * Messages by id, in id order: a rejoin after reconnecting repeats recent history, live ones may overlap.
 * @param {Message[]} list
 * @param {Message[]} more
 */
const merge = (list, more) => [...new Map([...list, ...more].map(m => [m.id, m])).values()].sort((a, b) => a.id - b.id);

/**
 * @typedef {import('../switchboard-client.js').Message} Message
 * @typedef {import('../notification-client.js').Notification} Notification
 * @typedef {{name?: string, ticket: import('../switchboard-client.js').ClientOptions['ticket']}} Credentials
 */

/**
 * Chat in one room while mounted: connection state, messages, who is online, who is typing, and post().
 * @param {string} room
 * @param {Credentials} credentials
 */
export function useSwitchboardRoom(room, { name, ticket }) {
  const client = useMemo(() => new SwitchboardClient({ ticket }), [ticket]);
  const [state, setState] = useState(client.state);
  const [messages, setMessages] = useState(/** @type {Message[]} */ ([]));
  const [members, setMembers] = useState(/** @type {string[]} */ ([]));
  const [typing, setTyping] = useState(/** @type {string[]} */ ([]));
  useEffect(() => {
    setMessages([]);
    const off = [
      client.on('state', d => setState(d.state)),
      client.on('joined', j => j.room === room && (setMessages(list => merge(list, j.history)), setMembers(j.members))),
      client.on('message', m => m.room === room && setMessages(list => merge(list, [m]))),
      client.on('presence', p => p.room === room && setMembers(list =>
        p.event === 'joined' ? [...new Set([...list, p.user])] : list.filter(u => u !== p.user))),
      client.on('typing', t => t.room === room && setTyping(list =>
        t.active ? [...new Set([...list, t.user])] : list.filter(u => u !== t.user))),
    ];
    client.connect(name);
    client.join(room); // sent once connected, and again after every reconnect
    return () => {
      off.forEach(remove => remove());
      client.close();
    };
  }, [client, name, room]);
  return {
    state, messages, members, typing,
    /** @param {string} text */
    post: text => client.post(room, text),        // queued while offline, sent once after reconnecting
    loadOlder: () => client.history(room, messages[0]?.id, 50), // the reply arrives as a `history` event
  };
}

/**
 * The user's notifications while mounted: unread count, the newest first, and markRead(seq) / markAllRead().
 * @param {Credentials} credentials
 */
export function useNotifications({ name, ticket }) {
  const client = useMemo(() => new NotificationClient({ ticket }), [ticket]);
  const [unread, setUnread] = useState(/** @type {number|null} */ (null));
  const [items, setItems] = useState(/** @type {Notification[]} */ ([]));
  useEffect(() => {
    const off = [
      client.on('notification', n => setItems(list => [n, ...list.filter(x => x.seq !== n.seq)])),
      client.on('replayed', r => setUnread(r.unread)),
      client.on('unread', u => setUnread(u.count)),
      client.on('read', r => setItems(list => list.map(n => (r.all || n.seq === r.seq ? { ...n, read: true } : n)))),
    ];
    client.connect(name); // resumes after the last seq this browser saw: only what was missed is replayed
    return () => {
      off.forEach(remove => remove());
      client.close();
    };
  }, [client, name]);
  return { unread, items, markRead: (/** @type {number} */ seq) => client.markRead(seq), markAllRead: () => client.markAllRead() };
}
