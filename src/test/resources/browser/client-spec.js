// Specs of the JavaScript clients' connection logic, run in the real browser by BrowserIT against a scripted
// WebSocket: credentials (ticket before every attempt, 4002 renewal, 1008/4003 stop), backoff with full jitter and a
// cap, the dead-connection timer, the offline outbox, rejoining rooms and resuming notifications. Results go to
// window.specResults and the page; document.body.dataset.done is set when all have run.
import { SwitchboardClient, CredentialError, PROTOCOL } from '../js/switchboard-client.js';
import { NotificationClient } from '../js/notification-client.js';

/** A WebSocket whose server side the spec plays: open(), receive(frame), drop(code). */
class FakeSocket {
  static all = [];
  constructor(url, protocols) {
    this.url = new URL(url);
    this.protocols = protocols;
    this.readyState = 0;
    this.sent = [];
    this.closedWith = null;
    FakeSocket.all.push(this);
  }
  send(data) { this.sent.push(JSON.parse(data)); }
  close(code) { this.closedWith = code; this.readyState = 3; }
  open() { this.readyState = 1; this.onopen?.({}); }
  receive(frame) { this.onmessage?.({ data: JSON.stringify(frame) }); }
  welcome(extra = {}) {
    this.open();
    this.receive({ type: 'welcome', connectionId: 'x', user: 'alice', heartbeatSeconds: 25, maxTextBytes: 65536, ...extra });
  }
  drop(code = 1006, reason = '') { this.readyState = 3; this.onclose?.({ code, reason }); }
  sentOf(type) { return this.sent.filter(c => c.type === type); }
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

async function until(what, condition, ms = 2000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function check(ok, message) {
  if (!ok) throw new Error(message);
}

const sockets = () => FakeSocket.all;
const last = () => FakeSocket.all[FakeSocket.all.length - 1];

/** A client with the fake socket, a ticket function and fast timings; `states` records every state event. */
function chat(options = {}) {
  const client = new SwitchboardClient({ WebSocket: FakeSocket, url: 'ws://127.0.0.1:1/ws/chat', baseDelay: 20, maxDelay: 80,
    ticket: async () => 'tk', ...options });
  client.states = [];
  client.on('state', d => client.states.push(d));
  return client;
}

const specs = {
  async 'a client without a ticket function cannot be made'() {
    for (const options of [undefined, {}, { ticket: 'not a function' }]) {
      let error = null;
      try {
        new SwitchboardClient(options);
      } catch (e) {
        error = e;
      }
      check(error instanceof TypeError && /ticket/.test(error.message), `${JSON.stringify(options)}: ${error}`);
    }
  },

  async 'every connection offers the switchboard.v1 subprotocol and sends no name'() {
    const c = chat();
    c.connect('alice');
    await until('a socket', () => sockets().length === 1);
    check(PROTOCOL === 'switchboard.v1' && JSON.stringify(last().protocols) === '["switchboard.v1"]',
      'offered: ' + JSON.stringify(last().protocols));
    check(!last().url.searchParams.has('name') && last().url.searchParams.get('ticket') === 'tk', last().url.href);
    c.close();
  },

  async 'a ticket function is asked before every attempt and each attempt gets a fresh ticket'() {
    let n = 0;
    const requests = [];
    const c = chat({ ticket: async r => { requests.push(r); return `t${++n}`; } });
    c.connect('alice');
    await until('first socket', () => sockets().length === 1);
    check(last().url.searchParams.get('ticket') === 't1', last().url.href);
    last().welcome();
    last().drop(1006);
    await until('second socket', () => sockets().length === 2);
    check(last().url.searchParams.get('ticket') === 't2', 'a fresh ticket for the reconnect: ' + last().url.href);
    check(requests.every(r => r.expired === false), 'not expired: ' + JSON.stringify(requests));
    c.close();
  },

  async '4002 renews the credential and reconnects at once'() {
    const requests = [];
    const c = chat({ baseDelay: 60_000, maxDelay: 60_000, ticket: async r => { requests.push(r); return 'tk'; } });
    c.connect('alice');
    await until('first socket', () => sockets().length === 1);
    last().welcome();
    const closedAt = Date.now();
    last().drop(4002, 'credential expired');
    await until('the reconnect', () => sockets().length === 2, 1000);
    check(Date.now() - closedAt < 1000, 'no backoff wait');
    check(requests.length === 2 && requests[1].expired === true, 'told to renew: ' + JSON.stringify(requests));
    last().welcome();
    check(c.state === 'connected', c.state);
    c.close();
  },

  async '4002 again before any welcome backs off instead of looping'() {
    const random = Math.random;
    Math.random = () => 0.5; // full jitter could draw a wait of a few ms: take the middle of the range (30 s)
    try {
      const c = chat({ baseDelay: 60_000, maxDelay: 60_000, ticket: async () => 'tk' });
      c.connect('alice');
      await until('first socket', () => sockets().length === 1);
      last().welcome();
      last().drop(4002);
      await until('the renewal attempt', () => sockets().length === 2);
      last().drop(4002);
      await sleep(100);
      check(sockets().length === 2 && c.state === 'reconnecting', `waits: ${sockets().length} sockets, ${c.state}`);
      c.close();
    } finally {
      Math.random = random;
    }
  },

  async '1008 stops with its reason and does not retry'() {
    const c = chat();
    c.connect('alice');
    await until('a socket', () => sockets().length === 1);
    last().drop(1008, 'ticket refused');
    await sleep(150);
    const end = c.states[c.states.length - 1];
    check(c.state === 'offline' && end.code === 1008 && end.reason === 'ticket refused', JSON.stringify(end));
    check(sockets().length === 1, 'no retry');
  },

  async '4003 (signed out) stops and does not retry'() {
    const c = chat({ ticket: async () => 'tk' });
    c.connect('alice');
    await until('a socket', () => sockets().length === 1);
    last().welcome();
    last().drop(4003, 'signed out');
    await sleep(150);
    check(c.state === 'offline' && c.states[c.states.length - 1].code === 4003, c.state);
    check(sockets().length === 1, 'no retry');
  },

  async 'a CredentialError from the ticket function stops like 1008, without dialling'() {
    const c = chat({ ticket: async () => { throw new CredentialError('token refused'); } });
    c.connect('alice');
    await until('offline', () => c.state === 'offline');
    const end = c.states[c.states.length - 1];
    check(end.code === 1008 && end.reason === 'token refused', JSON.stringify(end));
    check(sockets().length === 0, 'no socket opened');
  },

  async 'any other ticket failure is retried with backoff'() {
    let calls = 0;
    const c = chat({ ticket: async () => { if (++calls === 1) throw new Error('network down'); return 'tk'; } });
    c.connect('alice');
    await until('a socket after the retry', () => sockets().length === 1);
    check(calls === 2 && c.states.some(s => s.state === 'reconnecting'), `calls ${calls}`);
    c.close();
  },

  async 'backoff grows exponentially to the cap, with full jitter'() {
    const random = Math.random;
    try {
      Math.random = () => 0.999999; // the top of each jitter range: the ceiling itself
      const c = chat({ baseDelay: 20, maxDelay: 80 });
      const waits = [];
      c.on('state', d => { if (d.state === 'reconnecting') waits.push(Math.round((d.retryAt - Date.now()) / 10) * 10); });
      c.connect('alice');
      for (let i = 1; i <= 5; i++) {
        await until(`attempt ${i}`, () => sockets().length === i, 1000);
        last().drop(1006);
      }
      await until('five waits', () => waits.length === 5);
      check(JSON.stringify(waits) === '[20,40,80,80,80]', 'ceilings ' + JSON.stringify(waits));
      Math.random = () => 0; // the bottom: no wait at all
      await until('sixth attempt', () => sockets().length === 6, 1000);
      const before = Date.now();
      last().drop(1006);
      await until('seventh attempt', () => sockets().length === 7, 1000);
      check(Date.now() - before < 50, 'jitter reaches zero');
      c.close();
    } finally {
      Math.random = random;
    }
  },

  async 'a connection that goes silent is declared dead and replaced'() {
    const c = chat({ deadAfter: 150, pingInterval: 50 });
    c.connect('alice');
    await until('a socket', () => sockets().length === 1);
    const silent = last();
    silent.welcome();
    await until('the dead-connection verdict', () => c.states.some(s => s.state === 'reconnecting'), 2000);
    check(silent.sentOf('ping').length > 0, 'pinged before giving up');
    check(silent.closedWith === 4000 && c.states.find(s => s.state === 'reconnecting').code === 4000, 'closed as 4000');
    await until('a new socket', () => sockets().length === 2);
    c.close();
  },

  async 'posts while offline are sent once after reconnecting, rooms are rejoined, acked ones are not re-sent'() {
    const c = chat();
    c.join('lobby');
    const first = c.post('lobby', 'written offline');
    c.connect('alice');
    await until('a socket', () => sockets().length === 1);
    const one = last();
    check(one.sent.length === 0, 'nothing before the welcome');
    one.welcome();
    check(JSON.stringify(one.sent.map(x => x.type)) === '["join","post"]', 'join then post: ' + JSON.stringify(one.sent));
    one.drop(1006); // no ack: the post may or may not have been stored
    await until('reconnect', () => sockets().length === 2);
    const two = last();
    two.welcome();
    check(two.sentOf('join').length === 1 && two.sentOf('post').length === 1, JSON.stringify(two.sent));
    check(two.sentOf('post')[0].clientId === first, 'same clientId, so the server stores it once');
    two.receive({ type: 'ack', clientId: first, id: 1, ts: new Date().toISOString(), duplicate: true });
    check(c.pending.length === 0, 'acked');
    two.drop(1006);
    await until('third connection', () => sockets().length === 3);
    last().welcome();
    check(last().sentOf('post').length === 0 && last().sentOf('join').length === 1, JSON.stringify(last().sent));
    c.close();
  },

  async 'a rejoin after a reconnect sends since, the highest sequence number seen in that room'() {
    const c = chat();
    c.join('lobby');
    c.join('quiet');
    c.connect('alice');
    await until('a socket', () => sockets().length === 1);
    const one = last();
    one.welcome();
    check(one.sentOf('join').every(j => !('since' in j)), 'a first join has no since: ' + JSON.stringify(one.sent));
    one.receive({ type: 'joined', room: 'lobby', members: ['alice'], history: [{ type: 'message', room: 'lobby', seq: 4 }] });
    one.receive({ type: 'joined', room: 'quiet', members: ['alice'], history: [] });
    one.receive({ type: 'message', room: 'lobby', seq: 6, id: 9, from: 'bob', text: 'hi' });
    one.receive({ type: 'message', room: 'lobby', seq: 5, id: 8, from: 'bob', text: 'late' });
    one.drop(1006);
    await until('reconnect', () => sockets().length === 2);
    const two = last();
    two.welcome();
    const joins = Object.fromEntries(two.sentOf('join').map(j => [j.room, j]));
    check(joins.lobby?.since === 6, 'lobby resumes after 6: ' + JSON.stringify(two.sent));
    check(joins.quiet && !('since' in joins.quiet), 'nothing seen in quiet, no since: ' + JSON.stringify(two.sent));
    two.receive({ type: 'joined', room: 'lobby', members: ['alice'], history: [{ type: 'message', room: 'lobby', seq: 7 }] });
    c.leave('lobby');
    c.join('lobby');
    two.drop(1006);
    await until('third connection', () => sockets().length === 3);
    last().welcome();
    check(!('since' in last().sentOf('join').find(j => j.room === 'lobby')), 'left and joined anew: no since');
    c.close();
  },

  async 'close() ends cleanly with 1000 and stays offline'() {
    const c = chat();
    c.connect('alice');
    await until('a socket', () => sockets().length === 1);
    last().welcome();
    c.close();
    await sleep(100);
    check(last().closedWith === 1000 && c.state === 'offline' && sockets().length === 1, `${last().closedWith} ${c.state}`);
  },

  async 'a drain (1012) brings the client back within its retry-after hint once, then the usual backoff'() {
    const random = Math.random;
    Math.random = () => 0.99; // the delay is the top of its range, so each ceiling shows
    try {
      const c = chat({ baseDelay: 5000, maxDelay: 5000 });
      c.connect('alice');
      await until('a socket', () => sockets().length === 1);
      last().welcome();
      let before = Date.now();
      last().drop(1012, 'server restarting, reconnect; retry-after=0.2');
      const first = c.states[c.states.length - 1];
      check(first.state === 'reconnecting' && first.code === 1012 && first.retryAt - before <= 250,
        'within the hint: ' + JSON.stringify(first));
      await until('a reconnect within the hint', () => sockets().length === 2, 1000);
      before = Date.now();
      last().drop(1012, 'server restarting, reconnect; retry-after=0.2'); // still draining: now the usual backoff
      const second = c.states[c.states.length - 1];
      check(second.retryAt - before > 1000, 'the usual backoff: ' + JSON.stringify(second));
      c.close();
    } finally {
      Math.random = random;
    }
  },

  async 'an administrator\'s close (4004) leaves the client offline'() {
    const c = chat();
    c.connect('alice');
    await until('a socket', () => sockets().length === 1);
    last().welcome();
    last().drop(4004, 'closed by an administrator: spam');
    await sleep(100);
    check(c.state === 'offline' && sockets().length === 1 && c.states[c.states.length - 1].reason.includes('spam'),
      c.state);
  },

  async 'the notification client resumes after the last seq it saw, with a fresh ticket'() {
    let n = 0;
    const c = new NotificationClient({ WebSocket: FakeSocket, url: 'ws://127.0.0.1:1/ws/notifications', baseDelay: 20,
      storage: null, ticket: async () => `n${++n}` });
    const seen = [];
    c.on('notification', x => seen.push(x.seq));
    c.connect('alice');
    await until('a socket', () => sockets().length === 1);
    check(last().url.searchParams.get('since') === '0' && last().url.searchParams.get('ticket') === 'n1', last().url.href);
    last().welcome();
    for (const seq of [1, 2, 3]) last().receive({ type: 'notification', seq, id: seq, title: 't', severity: 'info', createdAt: '', read: false });
    last().drop(1001);
    await until('reconnect', () => sockets().length === 2);
    check(last().url.searchParams.get('since') === '3' && last().url.searchParams.get('ticket') === 'n2', last().url.href);
    last().welcome();
    last().receive({ type: 'notification', seq: 3, id: 3, title: 't', severity: 'info', createdAt: '', read: false });
    last().receive({ type: 'notification', seq: 4, id: 4, title: 't', severity: 'info', createdAt: '', read: false });
    check(JSON.stringify(seen) === '[1,2,3,4]', 'each once: ' + JSON.stringify(seen));
    c.close();
  },
};

const results = [];
for (const [name, spec] of Object.entries(specs)) {
  FakeSocket.all = [];
  let error = null;
  try {
    await spec();
  } catch (e) {
    error = String(e?.message ?? e);
  }
  results.push({ name, ok: !error, error });
  const li = document.createElement('li');
  li.textContent = `${error ? 'FAIL' : 'ok'}: ${name}${error ? ` (${error})` : ''}`;
  document.getElementById('results').append(li);
}
window.specResults = results;
document.body.dataset.done = 'true';
