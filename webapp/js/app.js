// Switchboard chat page. All user-provided text goes through textContent (see el()), never innerHTML.
import { SwitchboardClient, CredentialError, USER_NAME, ROOM_NAME, SIGNED_OUT } from './switchboard-client.js';
import { NotificationClient, TOPIC_NAME } from './notification-client.js';

/** Every element with an id, by camel-cased id: ui.statusText is #status-text. */
const ui = {};
for (const node of document.querySelectorAll('[id]')) ui[node.id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = node;

const PAGE = 50;             // messages per "history" request
const REST_TIMEOUT = 10000; // a REST call (ticket, history...) that hangs this long fails (then the client backs off)
const TYPING_IDLE = 3000;    // send "typing: false" after this much quiet
const TYPING_REFRESH = 5000; // re-send "typing: true" while still typing
const TYPING_EXPIRE = 8000;  // forget someone's "typing" when no update comes
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const longDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const shortDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
const KEEP = 100;            // notifications kept on the page (the newest)
const SEVERITIES = { info: 'Info', success: 'Success', warning: 'Warning', error: 'Error' };

let client = null;
let me = '';
let active = null;          // the conversation on screen
let wanted = null;          // room the user asked to open, until its "joined" arrives
let everConnected = false;
let lastState = { state: 'idle', attempt: 0 };
let roomList = [];          // from GET api/rooms
let typingSent = null, typingSentAt = 0, typingTimer = 0, countdown = 0, noticeTimer = 0;
const convs = new Map();    // "room:<name>" | "dm:<user>" -> conversation
const pending = new Map();  // clientId -> { c, li, m }: own messages not yet confirmed

let notifier = null;        // the NotificationClient of the signed-in user
const notifs = new Map();   // seq -> notification (the newest KEEP)
let notifUnread = null;     // the server's unread count, once known
let notifLive = false;      // replay done on the current connection: what arrives now is new
let notifRender = 0, liveTimer = 0, topicsVersion = 0;

let auth = null;            // { user, token, expiresAt } from the server's dev login; null: signed out
let renewing = null;        // the token renewal in progress, shared by both clients and REST calls

/** Reads (no value), writes or removes (null) a Web Storage entry; storage may be disabled or blocked. */
function store(areaName, key, value) {
  try {
    const area = globalThis[areaName]; // even reading `localStorage` can throw in sandboxed frames
    if (value === undefined) return area.getItem(`switchboard.${key}`);
    if (value === null) area.removeItem(`switchboard.${key}`); else area.setItem(`switchboard.${key}`, value);
  } catch { /* private mode */ }
  return null;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function conv(kind, name) {
  const key = `${kind}:${name}`;
  if (!convs.has(key)) {
    convs.set(key, { key, kind, name, list: el('ol', 'messages'), ids: new Set(), members: new Set(), count: 0, next: null, typing: new Map(),
      oldest: null, newest: null, more: false, loading: false, unread: 0, joined: false });
  }
  return convs.get(key);
}

// ---- messages ----

function item(m, isPending) {
  const li = el('li', m.from === me ? 'msg mine' : 'msg');
  const meta = el('div', 'meta');
  const time = el('time');
  const date = new Date(m.ts);
  if (m.ts && date.getTime()) Object.assign(time, { dateTime: m.ts, textContent: clock.format(date), title: longDate.format(date) });
  meta.append(el('span', 'from', m.from), ' ', time);
  li.append(meta, el('p', 'text', m.text));
  if (m.id != null) li.dataset.order = String(order(m));
  if (isPending) li.append(el('span', 'note', pendingNote()));
  li.classList.toggle('pending', !!isPending);
  return li;
}

const pendingNote = () => (client?.state === 'connected' ? 'Sending…' : 'Will be sent when reconnected');

/** A message's place: the room sequence number of a room message, the id of a direct message. */
const order = m => m.seq ?? m.id;

/** Adds messages in order, skipping those already shown and replacing own pending copies; returns how many were new. */
function add(c, messages) {
  let added = 0;
  for (const m of messages) {
    if (c.ids.has(m.id)) continue;
    c.ids.add(m.id);
    const mine = m.from === me && m.clientId && pending.get(m.clientId);
    if (mine) { mine.li.remove(); pending.delete(m.clientId); }
    const li = item(m);
    let x = c.list.lastElementChild; // pending items (no id) stay last
    while (x && !(x.dataset.order && Number(x.dataset.order) < order(m))) x = x.previousElementSibling;
    if (x) x.after(li); else c.list.prepend(li);
    if (c.oldest == null || order(m) < c.oldest) c.oldest = order(m);
    if (c.newest == null || order(m) > c.newest) c.newest = order(m);
    added++;
  }
  return added;
}

const nearBottom = () => ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 60;
const scrollBottom = () => { ui.log.scrollTop = ui.log.scrollHeight; };

/** A room message or direct message that arrived live. */
function live(c, m) {
  const onScreen = c === active;
  const stick = onScreen && nearBottom();
  if (c.typing.has(m.from)) setTyping(c, m.from, false);
  if (!add(c, [m])) return;
  if (onScreen && (stick || m.from === me)) scrollBottom();
  if (m.from === me) return;
  if (onScreen) return announce(`${m.from}: ${m.text.slice(0, 200)}`);
  c.unread++;
  if (c.kind === 'dm') announce(`New direct message from ${m.from}`);
  renderNav();
}

function announce(text) {
  ui.announce.append(el('p', null, text));
  while (ui.announce.childElementCount > 5) ui.announce.firstElementChild.remove();
}

function notice(text) {
  Object.assign(ui.notice, { textContent: text, hidden: false });
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { ui.notice.hidden = true; }, 6000);
}

// ---- rendering ----

function show(c) {
  stopTyping();
  active = c;
  if (c) {
    c.unread = 0;
    ui.log.replaceChildren(ui.older, c.list);
    ui.convTitle.textContent = c.kind === 'room' ? `#${c.name}` : `Direct messages with ${c.name}`;
    ui.textLabel.textContent = c.kind === 'room' ? `Message to #${c.name}` : `Direct message to ${c.name}`;
  } else {
    ui.log.replaceChildren(el('p', 'empty', 'Join a room to start chatting.'));
    ui.convTitle.textContent = 'No conversation';
  }
  ui.leave.hidden = c?.kind !== 'room';
  ui.text.disabled = ui.send.disabled = !c;
  renderNav();
  renderMembers();
  renderTyping();
  renderOlder();
  scrollBottom();
  fillIfShort();
}

/** Replaces a list's items, keeping keyboard focus on the item with the same key. */
function fill(list, items, emptyText) {
  const focusKey = list.contains(document.activeElement) ? document.activeElement.dataset.key : null;
  list.replaceChildren(...(items.length ? items : [el('li', 'empty', emptyText)]));
  if (focusKey) list.querySelector(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
}

function entry(key, label, extra, onClick, hint) {
  const button = el('button', 'entry');
  button.type = 'button';
  button.dataset.key = key;
  button.addEventListener('click', onClick);
  button.append(el('span', 'name', label));
  if (hint) button.append(el('span', 'sr-only', hint));
  if (extra) button.append(el('span', 'extra', extra));
  const c = convs.get(key);
  if (c?.unread) button.append(el('span', 'badge', `${c.unread} unread`));
  if (c && c === active) button.setAttribute('aria-current', 'true');
  const li = el('li');
  li.append(button);
  return li;
}

function renderNav() {
  const names = new Set(roomList.map(r => r.name));
  for (const c of convs.values()) if (c.kind === 'room') names.add(c.name);
  const online = new Map(roomList.map(r => [r.name, r.online]));
  fill(ui.rooms, [...names].sort().map(name => {
    const c = convs.get(`room:${name}`);
    const count = c?.joined ? c.count : online.get(name) ?? 0;
    return entry(`room:${name}`, `#${name}`, `${count} online${c?.joined ? ' · joined' : ''}`, () => openRoom(name));
  }), 'No rooms yet: create one below.');
  const dms = [...convs.values()].filter(c => c.kind === 'dm').sort((a, b) => a.name.localeCompare(b.name));
  fill(ui.dms, dms.map(c => entry(c.key, c.name, '', () => openDm(c.name))), 'Pick someone in the online list.');
  const unread = [...convs.values()].reduce((sum, c) => sum + c.unread, 0);
  document.title = unread ? `(${unread}) Switchboard` : 'Switchboard';
  ui.menu.textContent = unread ? `Rooms (${unread})` : 'Rooms'; // phones: the unread badges are inside the closed drawer
}

function renderMembers() {
  const room = active?.kind === 'room' ? active : null;
  ui.peopleTitle.textContent = room ? `Online in #${room.name} (${room.count})` : 'Online';
  const items = room ? [...room.members].sort().map(user => (user === me
    ? el('li', 'me', `${user} (you)`)
    : entry(`dm:${user}`, user, '', () => openDm(user), ', send a direct message'))) : [];
  // a large room's list comes a page at a time ("joined" carries the first): the rest on demand
  const unlisted = room ? room.count - room.members.size : 0;
  if (room && room.next != null && unlisted > 0) {
    items.push(entry('more-members', `Show more (${unlisted} not listed)`, '',
      () => client.members(room.name, room.next || undefined)));
  }
  fill(ui.members, items, room ? 'Nobody else is here.' : 'Open a room to see who is online.');
}

function renderTyping() {
  const names = active ? [...active.typing.keys()] : [];
  ui.typing.textContent = names.length === 0 ? ''
    : names.length === 1 ? `${names[0]} is typing…`
      : names.length === 2 ? `${names[0]} and ${names[1]} are typing…` : 'Several people are typing…';
}

function renderOlder() {
  ui.older.hidden = !(active?.kind === 'room' && active.more);
  ui.older.disabled = !!active?.loading;
  ui.older.textContent = active?.loading ? 'Loading older messages…' : 'Load older messages';
}

function renderStatus() {
  const d = lastState;
  const unsent = client ? client.pending.length : 0;
  const text = {
    idle: 'Not signed in',
    connecting: d.attempt ? 'Reconnecting…' : 'Connecting…',
    connected: `Connected as ${me}` + (client?.transport === 'sse' ? ' (fallback: Server-Sent Events)' : ''),
    reconnecting: 'Connection lost',
    offline: `Offline${d.reason ? ` (${d.reason})` : ''}`,
  }[d.state] + (unsent ? ` · ${unsent} unsent` : '');
  if (ui.statusText.textContent !== text) ui.statusText.textContent = text; // role=status: change only when needed
  ui.status.dataset.state = d.state;
  ui.status.dataset.transport = d.state === 'connected' ? client?.transport ?? '' : '';
  const tick = () => { // aria-hidden: screen readers are not told every second
    const seconds = Math.max(0, Math.ceil(((client?.retryAt ?? 0) - Date.now()) / 1000));
    ui.statusTimer.textContent = lastState.state === 'reconnecting' ? `, reconnecting in ${seconds} s` : '';
  };
  clearInterval(countdown);
  tick();
  if (d.state === 'reconnecting') countdown = setInterval(tick, 1000);
  ui.retry.hidden = !(d.state === 'reconnecting' || (d.state === 'offline' && everConnected && client));
  ui.retry.textContent = d.state === 'offline' ? 'Reconnect' : 'Retry now';
}

// ---- conversations ----

function open(c) {
  show(c);
  closeMenu();
  ui.text.focus();
}

function openRoom(name) {
  const c = conv('room', name);
  if (!c.joined) {
    wanted = name;
    client.join(name);
    store('localStorage', `rooms.${me}`, JSON.stringify(client.rooms));
  }
  open(c);
}

const openDm = user => open(conv('dm', user));

function leaveRoom(c) {
  client.leave(c.name);
  store('localStorage', `rooms.${me}`, JSON.stringify(client.rooms));
  convs.delete(c.key);
  if (active === c) show([...convs.values()].find(x => x.kind === 'room') ?? null);
  else renderNav();
}

/** Asks for the page before the oldest loaded message of the room on screen. */
function loadOlder() {
  const c = active;
  if (c?.kind !== 'room' || !c.joined || !c.more || c.loading || c.oldest == null) return;
  if (client.history(c.name, c.oldest, PAGE)) { c.loading = true; renderOlder(); }
}

/** Loads older pages until the pane can scroll, so that "scroll to the top" is possible at all. */
function fillIfShort() {
  if (ui.log.scrollHeight <= ui.log.clientHeight) loadOlder();
}

function setTyping(c, user, on) {
  clearTimeout(c.typing.get(user));
  if (on) c.typing.set(user, setTimeout(() => setTyping(c, user, false), TYPING_EXPIRE));
  else c.typing.delete(user);
  if (c === active) renderTyping();
}

function startTyping() {
  if (active?.kind !== 'room' || !active.joined) return;
  const now = Date.now();
  if ((typingSent !== active.name || now - typingSentAt > TYPING_REFRESH) && client.typing(active.name, true)) {
    [typingSent, typingSentAt] = [active.name, now];
  }
  clearTimeout(typingTimer);
  typingTimer = setTimeout(stopTyping, TYPING_IDLE);
}

function stopTyping() {
  clearTimeout(typingTimer);
  if (typingSent) client?.typing(typingSent, false);
  typingSent = null;
}

function forgetTyping() {
  clearTimeout(typingTimer);
  typingSent = null;
}

// ---- server events (one handler per client event; the argument is the frame) ----

const handlers = {
  state(d) {
    lastState = d;
    for (const c of convs.values()) c.loading = false; // a history request in flight is lost with its connection
    if (d.state === 'connected') {
      everConnected = true;
      loadRooms();
    } else if (refusedSession(d)) {
      return;
    }
    for (const note of document.querySelectorAll('.pending .note')) note.textContent = pendingNote();
    renderOlder();
    renderStatus();
  },
  welcome(w) { me = w.user; },
  joined(j) {
    const c = conv('room', j.room);
    const ids = j.history.map(order);
    if (c.newest != null && ids.length && Math.min(...ids) > c.newest + 1) {
      // More was posted while we were away than one page holds: start over from the newest page.
      c.list.replaceChildren(...c.list.querySelectorAll('.pending'));
      c.ids.clear();
      c.oldest = c.newest = null;
    }
    if (c.oldest == null) c.more = ids.length > 0; // "joined" does not say; the first "history" reply will
    c.joined = true;
    c.members = new Set(j.members);
    c.count = j.count;
    c.next = j.next ?? null;
    const stick = c === active && nearBottom();
    add(c, j.history);
    if (wanted === j.room || !active) { wanted = null; return show(c); }
    if (c === active) {
      if (stick) scrollBottom();
      renderMembers();
      renderOlder();
    }
    renderNav();
  },
  left(l) { if (convs.has(`room:${l.room}`)) leaveRoom(convs.get(`room:${l.room}`)); },
  message(m) { live(conv('room', m.room), m); },
  direct(d) {
    const peer = d.from === me ? d.to : d.from;
    const isNew = !convs.has(`dm:${peer}`);
    live(conv('dm', peer), d);
    if (isNew) renderNav();
  },
  ack(a) {
    const p = pending.get(a.clientId);
    if (p) { // the echo did not come first (or this was a duplicate retry): confirm the pending copy
      pending.delete(a.clientId);
      p.li.remove();
      add(p.c, [{ ...p.m, id: a.id, seq: a.seq, ts: a.ts }]);
    }
    renderStatus();
  },
  presence(p) {
    const c = convs.get(`room:${p.room}`);
    if (!c) return;
    if (p.event === 'joined') c.members.add(p.user);
    else { c.members.delete(p.user); setTyping(c, p.user, false); }
    c.count = c.next != null ? c.count + (p.event === 'joined' ? 1 : -1) : c.members.size;
    if (c === active) renderMembers();
    renderNav();
  },
  occupancy(o) { // a large room: the count, and who came and went since the last one (at most once a second)
    const c = convs.get(`room:${o.room}`);
    if (!c) return;
    c.count = o.count;
    for (const user of o.joined) if (c.next == null || user < c.next) c.members.add(user);
    for (const user of o.left) { c.members.delete(user); setTyping(c, user, false); }
    if (o.truncated) c.next = ''; // the list may miss some now: offer to page it again from the first
    if (c === active) renderMembers();
    renderNav();
  },
  members(m) {
    const c = convs.get(`room:${m.room}`);
    if (!c) return;
    for (const user of m.members) c.members.add(user);
    c.count = m.count;
    c.next = m.next ?? null;
    if (c === active) renderMembers();
  },
  typing(t) { if (convs.has(`room:${t.room}`) && t.user !== me) setTyping(convs.get(`room:${t.room}`), t.user, t.active); },
  history(h) {
    const c = convs.get(`room:${h.room}`);
    if (!c) return;
    c.loading = false;
    c.more = h.more && h.messages.length > 0;
    const before = ui.log.scrollHeight;
    add(c, h.messages);
    if (c !== active) return;
    ui.log.scrollTop += ui.log.scrollHeight - before; // keep the reader's place
    renderOlder();
    fillIfShort();
  },
  error(e) {
    const p = e.ref && pending.get(e.ref);
    if (!e.ref) { // errors name refused posts and direct messages by ref; "history" has none: assume it was that
      for (const c of convs.values()) c.loading = false;
      renderOlder();
    }
    if (!p) return notice(`The server refused a request: ${e.message}`);
    pending.delete(e.ref);
    p.li.classList.replace('pending', 'failed');
    p.li.querySelector('.note').textContent = `Not sent: ${e.message}`;
    renderStatus();
  },
};

/** Offline because the server refused the credential (1008) or signed the user out (4003): back to sign-in. */
function refusedSession(d) {
  if (d.state !== 'offline' || (d.code !== 1008 && d.code !== SIGNED_OUT)) return false;
  const why = d.reason ? `: ${d.reason}` : '';
  signOut(d.code === SIGNED_OUT ? `You were signed out${why}.` : `The server refused the sign-in${why}.`);
  return true;
}

// ---- notifications ----

/** The link as an absolute http(s) URL when it is one (http://, https:// or a path starting with /), else null. */
function safeLink(link) {
  if (typeof link !== 'string' || !/^(?:https?:\/\/|\/)/i.test(link)) return null;
  try {
    const url = new URL(link, location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Keeps a notification (read state only ever goes from unread to read) and forgets the oldest beyond KEEP. */
function remember(n) {
  if (!Number.isSafeInteger(n?.seq)) return;
  const old = notifs.get(n.seq);
  notifs.set(n.seq, { ...n, read: !!(n.read || old?.read) });
  if (notifs.size > KEEP) {
    const seqs = [...notifs.keys()].sort((a, b) => a - b);
    for (const seq of seqs.slice(0, notifs.size - KEEP)) notifs.delete(seq);
  }
}

function renderBell() {
  const n = notifUnread;
  ui.bell.setAttribute('aria-label', n == null ? 'Notifications' : `Notifications, ${n || 'no'} unread`);
  ui.bellCount.hidden = !n;
  ui.bellCount.textContent = n > 99 ? '99+' : String(n || '');
}

function setUnread(count) {
  if (typeof count !== 'number' || count === notifUnread) return;
  const first = notifUnread == null;
  notifUnread = count;
  renderBell();
  if (first && !count) return; // nothing worth saying at sign-in
  clearTimeout(liveTimer); // the live region says the count once it settles, not at every step
  liveTimer = setTimeout(() => {
    ui.notifLive.textContent = count ? `${count} unread notification${count === 1 ? '' : 's'}` : 'No unread notifications';
  }, 1000);
}

function setTopics(topics) {
  topicsVersion++;
  const list = [...topics].sort();
  ui.topics.textContent = list.length ? `Subscribed: ${list.join(', ')}` : 'No topic subscriptions yet.';
}

const when = date => (date.toDateString() === new Date().toDateString() ? clock : shortDate).format(date);

function notifItem(n) {
  const severity = Object.hasOwn(SEVERITIES, n.severity) ? n.severity : 'info';
  const li = el('li', `notif sev-${severity}${n.read ? '' : ' unread'}`);
  li.dataset.seq = String(n.seq);
  li.tabIndex = -1; // keeps keyboard focus here when its "Mark read" button goes away
  const meta = el('div', 'meta');
  meta.append(el('span', 'sev', SEVERITIES[severity]));
  if (n.category) meta.append(el('span', 'cat', n.category));
  const date = new Date(n.createdAt);
  if (n.createdAt && date.getTime()) {
    meta.append(Object.assign(el('time'), { dateTime: n.createdAt, textContent: when(date), title: longDate.format(date) }));
  }
  const title = el('h3');
  if (!n.read) title.append(el('span', 'sr-only', 'Unread: '));
  title.append(el('span', null, n.title || '(no title)'));
  li.append(meta, title);
  if (n.body) li.append(el('p', 'body', n.body));
  const actions = el('div', 'row actions');
  const href = safeLink(n.link);
  if (href) {
    const a = Object.assign(el('a', null, 'Open'), { href, target: '_blank', rel: 'noopener noreferrer' });
    a.dataset.key = `link:${n.seq}`;
    a.append(el('span', 'sr-only', ` ${n.title || 'notification'} (opens in a new tab)`));
    actions.append(a);
  }
  if (!n.read) {
    const button = Object.assign(el('button', 'small', 'Mark read'), { type: 'button' });
    button.dataset.key = `read:${n.seq}`;
    button.append(el('span', 'sr-only', `: ${n.title || 'notification'}`));
    button.addEventListener('click', () => markRead(n.seq));
    actions.append(button);
  }
  if (actions.childElementCount) li.append(actions);
  return li;
}

/** Renders the open panel's list, newest first, keeping keyboard focus on the same item. */
function renderNotifs() {
  cancelAnimationFrame(notifRender);
  notifRender = 0;
  const now = Date.now();
  const list = [...notifs.values()]
    .filter(n => !(n.expiresAt && Date.parse(n.expiresAt) <= now))
    .sort((a, b) => b.seq - a.seq);
  const focused = ui.notifList.contains(document.activeElement) ? document.activeElement : null;
  const key = focused?.dataset.key;
  const seq = focused?.closest('li')?.dataset.seq;
  ui.notifList.replaceChildren(...(list.length ? list.map(notifItem) : [el('li', 'empty', 'No notifications.')]));
  if (!focused) return;
  const again = (key && ui.notifList.querySelector(`[data-key="${CSS.escape(key)}"]`))
    || (seq && ui.notifList.querySelector(`li[data-seq="${CSS.escape(seq)}"]`));
  (again || ui.notifTitle).focus();
}

/** Renders the list at the next frame, and only while the panel is open (replays send many frames). */
function scheduleNotifs() {
  if (!ui.notifPanel.hidden && !notifRender) notifRender = requestAnimationFrame(renderNotifs);
}

function toggleNotifs(open = ui.notifPanel.hidden) {
  ui.notifPanel.hidden = !open;
  ui.bell.setAttribute('aria-expanded', String(open));
  if (!open) return;
  closeMenu();
  renderNotifs();
}

function markRead(seq) {
  const n = notifs.get(seq);
  if (!notifier || !n || n.read) return;
  notifier.markRead(seq); // sent now or once reconnected; the server then sends the new unread count
  n.read = true;
  renderNotifs();
}

function markAllRead() {
  if (!notifier) return;
  notifier.markAllRead();
  for (const n of notifs.values()) n.read = true;
  renderNotifs();
  announce('All notifications marked read');
}

/** Fetches the newest KEEP notifications (older ones than the replay, and current read states) and the topics. */
async function loadInbox(lastSeq) {
  const own = notifier;
  const base = `api/users/${encodeURIComponent(own.user)}/`;
  const query = new URLSearchParams({ after: String(Math.max(0, lastSeq - KEEP)), limit: String(KEEP) });
  const version = topicsVersion;
  try {
    const [inbox, topics] = await Promise.all([getJson(`${base}notifications?${query}`), getJson(`${base}topics`)]);
    if (notifier !== own) return; // signed out meanwhile
    for (const n of inbox.items ?? []) remember(n);
    if (version === topicsVersion && Array.isArray(topics.topics)) setTopics(topics.topics); // unless the socket said newer
    scheduleNotifs();
  } catch (err) {
    if (notifier === own) notice(`Could not load notifications (${err.message}).`);
  }
}

function renderNotifState(d) {
  const text = {
    connecting: 'Connecting…',
    reconnecting: 'Connection lost: reconnecting…',
    offline: `Offline${d.reason ? ` (${d.reason})` : ''}`,
  }[d.state] ?? '';
  ui.notifState.textContent = text;
  ui.notifState.hidden = !text;
}

const notifHandlers = {
  state(d) {
    if (refusedSession(d)) return;
    if (d.state !== 'connected') notifLive = false;
    renderNotifState(d);
  },
  notification(n) {
    remember(n);
    if (notifLive && !n.read) announce(`New notification: ${n.title}`);
    scheduleNotifs();
  },
  replayed(r) {
    notifLive = true;
    setUnread(r.unread);
    loadInbox(r.lastSeq);
    scheduleNotifs();
  },
  unread(u) { setUnread(u.count); },
  read(r) {
    for (const n of notifs.values()) if (r.all || n.seq === r.seq) n.read = true;
    scheduleNotifs();
  },
  subscribed(t) { setTopics(t.topics); announce(`Subscribed to ${t.topic}`); },
  unsubscribed(t) { setTopics(t.topics); announce(`Unsubscribed from ${t.topic}`); },
  error(e) { notice(`Notifications: ${e.message}`); },
};

function startNotifications(name) {
  const own = new NotificationClient({ ticket });
  notifier = own;
  for (const [type, handler] of Object.entries(notifHandlers)) {
    own.addEventListener(type, event => notifier === own && handler(event.detail)); // ignore a signed-out client
  }
  own.connect(name);
  ui.bell.hidden = false;
  renderBell();
}

function stopNotifications() {
  const old = notifier;
  notifier = null;
  old?.close();
  notifs.clear();
  notifUnread = null;
  notifLive = false;
  clearTimeout(liveTimer);
  toggleNotifs(false);
  ui.bell.hidden = true;
  renderBell();
  for (const node of [ui.notifLive, ui.topics, ui.topicError, ui.notifList]) node.replaceChildren();
  ui.topic.value = '';
}

// ---- credentials and REST ----
// This page signs in through the server's dev login (POST api/auth/dev-login, switchboard.auth.dev-login): it gives
// a bearer token; REST calls send it, and every WebSocket connection first gets a one-time ticket with it (POST
// api/auth/ticket). A server without a dev login (404) cannot be used from this page: an app that embeds the clients
// signs its users in itself and gives the clients its own ticket() function (docs/javascript-client.md).

/** What the server said when it refused a request: the problem's detail, else the HTTP status. */
async function reason(response) {
  try {
    const body = await response.json();
    if (body?.detail) return String(body.detail);
  } catch { /* not JSON */ }
  return `HTTP ${response.status}`;
}

function post(path, body, token) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetch(new URL(path, location.href), { method: 'POST', headers, signal: AbortSignal.timeout(REST_TIMEOUT),
    body: body === undefined ? undefined : JSON.stringify(body) });
}

/** The sign-in error of a server without a dev login. */
const NO_DEV_LOGIN = 'this server has no development login (switchboard.auth.dev-login is off). '
  + 'Use the application that embeds Switchboard: it signs you in and gives the clients its own ticket() function';

/** Signs in with the server's dev login: the session; a CredentialError when refused or when there is none. */
async function devLogin(name) {
  const response = await post('api/auth/dev-login', { name });
  if (response.status === 404) throw new CredentialError(NO_DEV_LOGIN);
  if (!response.ok) throw new CredentialError(await reason(response));
  const body = await response.json();
  if (typeof body?.token !== 'string' || typeof body.user !== 'string') throw new Error('unexpected dev-login reply');
  return { user: body.user, token: body.token, expiresAt: Date.parse(body.expiresAt) || Infinity };
}

/** A fresh token for the signed-in user (dev login again); one renewal at a time. */
function renewToken() {
  const own = auth;
  renewing ??= devLogin(me).then(session => {
    if (auth === own) auth = session;
    return session;
  }).finally(() => { renewing = null; });
  return renewing;
}

/** The clients' ticket function: a one-time ticket for the next connection attempt. */
async function ticket({ expired }) {
  if (expired || !auth || auth.expiresAt - Date.now() < 30_000) await renewToken();
  let response = await post('api/auth/ticket', undefined, auth.token);
  if (response.status === 401) { // expired or revoked token: a fresh sign-in settles which
    await renewToken();
    response = await post('api/auth/ticket', undefined, auth.token);
  }
  if (response.status === 401 || response.status === 403) throw new CredentialError(await reason(response));
  if (!response.ok) throw new Error(await reason(response)); // retried with backoff
  const body = await response.json();
  return body.ticket;
}

/** GET of the page's REST resources, with the bearer token when there is one (renewed once on 401). */
async function getJson(path) {
  const get = () => fetch(new URL(path, location.href), {
    signal: AbortSignal.timeout(REST_TIMEOUT),
    headers: auth ? { Accept: 'application/json', Authorization: `Bearer ${auth.token}` } : { Accept: 'application/json' },
  });
  let response = await get();
  if (response.status === 401 && auth) {
    await renewToken();
    response = await get();
  }
  if (!response.ok) throw new Error(await reason(response));
  return response.json();
}

async function loadRooms() {
  try {
    roomList = await getJson('api/rooms');
  } catch (err) {
    notice(`Could not load the room list (${err.message}).`);
  }
  renderNav();
}

// ---- session ----

/** Signs in as `name` through the server's dev login (a server without one is refused with NO_DEV_LOGIN). */
async function signIn(name) {
  ui.signinSubmit.disabled = true;
  ui.signin.setAttribute('aria-busy', 'true');
  ui.signinError.textContent = '';
  let session;
  try {
    session = await devLogin(name);
  } catch (err) {
    const why = err instanceof CredentialError ? err.message : `the server cannot be reached (${err.message})`;
    return signOut(`Could not sign in: ${why}.`, name);
  } finally {
    ui.signinSubmit.disabled = false;
    ui.signin.removeAttribute('aria-busy');
  }
  start(session.user, session);
}

function start(name, session) {
  auth = session;
  me = name;
  everConnected = false;
  const own = new SwitchboardClient({ ticket });
  client = own;
  for (const [type, handler] of Object.entries(handlers)) {
    own.addEventListener(type, event => client === own && handler(event.detail)); // ignore a signed-out client
  }
  own.connect(name);
  let rooms = null;
  try { rooms = JSON.parse(store('localStorage', `rooms.${name}`)); } catch { /* none saved */ }
  for (const room of Array.isArray(rooms) ? rooms : ['lobby']) if (ROOM_NAME.test(room)) own.join(room);
  store('sessionStorage', 'session', name); // a reload of this tab resumes the session
  startNotifications(name);
  ui.signinView.hidden = true;
  ui.chatView.hidden = ui.signout.hidden = ui.menu.hidden = false;
  show(null);
  loadRooms();
}

function signOut(error, name = me) {
  stopTyping();
  const old = client;
  client = null;
  old?.close();
  stopNotifications();
  auth = null;
  convs.clear();
  pending.clear();
  active = wanted = null;
  store('sessionStorage', 'session', null);
  lastState = { state: 'idle', attempt: 0 };
  renderStatus();
  ui.chatView.hidden = ui.signout.hidden = ui.menu.hidden = true;
  ui.signinView.hidden = false;
  ui.signinError.textContent = error || '';
  ui.name.value = name;
  ui.name.focus();
}

// ---- UI events ----

function closeMenu() {
  document.body.classList.remove('menu-open');
  ui.menu.setAttribute('aria-expanded', 'false');
}

function validate(input, errorNode, ok, message) {
  input.setAttribute('aria-invalid', String(!ok));
  errorNode.textContent = ok ? '' : message;
  if (!ok) input.focus();
  return ok;
}

ui.signin.addEventListener('submit', event => {
  event.preventDefault();
  const name = ui.name.value.trim();
  if (!validate(ui.name, ui.signinError, USER_NAME.test(name), "Use 1–32 letters, digits, '.', '_' or '-'.")) return;
  if (client || ui.signinSubmit.disabled) return;
  store('localStorage', 'name', name);
  signIn(name);
});

ui.join.addEventListener('submit', event => {
  event.preventDefault();
  const name = ui.roomName.value.trim().replace(/^#/, '');
  if (!validate(ui.roomName, ui.joinError, ROOM_NAME.test(name),
    "Room names: 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit.")) return;
  ui.roomName.value = '';
  openRoom(name);
});

ui.compose.addEventListener('submit', event => {
  event.preventDefault();
  // pasted text may break lines with VT, FF, NEL or U+2028/U+2029, which the server refuses: send LF instead
  const text = ui.text.value.replace(/[\u000b\u000c\u0085\u2028\u2029]/g, '\n');
  if (!active || !text.trim()) return;
  let clientId;
  try {
    clientId = active.kind === 'room' ? client.post(active.name, text) : client.direct(active.name, text);
  } catch (err) {
    return notice(err.message); // too long, or blank: the client checks the server's rules before sending
  }
  const m = { from: me, text, clientId };
  const li = item(m, true);
  active.list.append(li);
  pending.set(clientId, { c: active, li, m });
  ui.text.value = '';
  forgetTyping(); // the message itself ends the others' "is typing" (no extra frame: it counts towards the rate limit)
  scrollBottom();
  renderStatus();
});

ui.text.addEventListener('keydown', event => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.compose.requestSubmit();
  }
});
ui.text.addEventListener('input', () => (ui.text.value ? startTyping() : stopTyping()));
ui.text.addEventListener('blur', stopTyping);
ui.signout.addEventListener('click', () => signOut());
ui.retry.addEventListener('click', () => {
  if (client?.state === 'offline') client.connect(me); else client?.reconnectNow();
  notifier?.reconnectNow();
});
ui.refresh.addEventListener('click', loadRooms);
ui.leave.addEventListener('click', () => active?.kind === 'room' && leaveRoom(active));
ui.older.addEventListener('click', loadOlder);
ui.log.addEventListener('scroll', () => { if (ui.log.scrollTop < 80) loadOlder(); });

ui.menu.addEventListener('click', () => {
  toggleNotifs(false);
  const isOpen = document.body.classList.toggle('menu-open');
  ui.menu.setAttribute('aria-expanded', String(isOpen));
  if (isOpen) ui.sidebar.querySelector('button, input')?.focus();
});
document.addEventListener('keydown', event => {
  if (event.key !== 'Escape') return;
  if (!ui.notifPanel.hidden) { toggleNotifs(false); ui.bell.focus(); }
  else if (document.body.classList.contains('menu-open')) { closeMenu(); ui.menu.focus(); }
});

ui.bell.addEventListener('click', () => toggleNotifs());
ui.readAll.addEventListener('click', markAllRead);
document.addEventListener('pointerdown', event => { // a click outside closes the panel
  if (!ui.notifPanel.hidden && !ui.notifPanel.contains(event.target) && !ui.bell.contains(event.target)) toggleNotifs(false);
});
ui.topicForm.addEventListener('submit', event => {
  event.preventDefault();
  const topic = ui.topic.value.trim();
  if (!validate(ui.topic, ui.topicError, TOPIC_NAME.test(topic),
    "Topics: 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit.")) return;
  const unsubscribe = event.submitter?.value === 'unsubscribe';
  const sent = unsubscribe ? notifier?.unsubscribe(topic) : notifier?.subscribe(topic);
  if (sent === false) announce(`Will ${unsubscribe ? 'unsubscribe from' : 'subscribe to'} ${topic} when reconnected`);
  ui.topic.value = '';
});

// ---- start: resume this tab's session after a reload, else ask for a name ----

ui.name.value = store('localStorage', 'name') || '';
const resume = store('sessionStorage', 'session');
if (resume && USER_NAME.test(resume)) signIn(resume);
else ui.name.focus();
