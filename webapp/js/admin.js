// @ts-check
// Switchboard admin page: this node's live figures, its connections and the drain, on /api/admin (admin role).
// All server-provided text goes through textContent, never innerHTML.
import { USER_NAME } from './switchboard-client.js';

const POLL = 2000;                 // ms between samples
const KEEP = (5 * 60 * 1000) / POLL; // samples in the charts: five minutes
const TIMEOUT = 10000;

/** @type {Record<string, any>} every element with an id, by camel-cased id */
const ui = {};
for (const node of document.querySelectorAll('[id]')) ui[node.id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = node;

/** @type {{ token: string } | null} */
let auth = null;
/** @type {{ at: number, connections: number, inRate: number, outRate: number, closes: Record<string, number> }[]} */
const samples = [];
/** @type {any} the previous stats answer, for rates */
let previous = null;
let timer = 0;

/** @param {unknown} err */
const message = err => (err instanceof Error ? err.message : String(err));

/**
 * A fetch with the bearer token; a problem's detail (or the status) as the error.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', Authorization: `Bearer ${auth?.token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(new URL(path, location.href), { method, headers, signal: AbortSignal.timeout(TIMEOUT),
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    let detail = `HTTP ${response.status}`;
    try { detail = (await response.json()).detail ?? detail; } catch { /* not JSON */ }
    throw new Error(detail);
  }
  return response.status === 204 ? null : response.json();
}

ui.signin.addEventListener('submit', async (/** @type {Event} */ event) => {
  event.preventDefault();
  ui.signinError.textContent = '';
  try {
    let token = ui.token.value.trim();
    if (!token) {
      const name = ui.name.value.trim();
      if (!USER_NAME.test(name)) throw new Error('a user name is 1-32 letters, digits, ".", "_" or "-"');
      const response = await fetch(new URL('api/auth/dev-login', location.href), { method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ name, roles: ['admin'] }) });
      if (response.status === 404) throw new Error('this server has no development login: paste a bearer token');
      if (!response.ok) throw new Error(`sign-in refused (HTTP ${response.status})`);
      token = (await response.json()).token;
    }
    auth = { token };
    await api('GET', 'api/admin/drain'); // 401/403 here: not an administrator
    ui.signinView.hidden = true;
    ui.adminView.hidden = ui.signout.hidden = false;
    ui.status.textContent = 'Signed in';
    poll();
  } catch (err) {
    auth = null;
    ui.signinError.textContent = message(err);
  }
});

ui.signout.addEventListener('click', () => {
  auth = null;
  clearTimeout(timer);
  samples.length = 0;
  previous = null;
  ui.adminView.hidden = ui.signout.hidden = true;
  ui.signinView.hidden = false;
  ui.status.textContent = 'Not signed in';
});

/** One sample: the figures, the charts and the connection list. */
async function poll() {
  clearTimeout(timer);
  if (!auth) return;
  try {
    const stats = await api('GET', 'api/admin/stats');
    const seconds = previous ? (stats.at - previous.at) / 1000 : 0;
    const rate = (/** @type {string} */ key) => seconds > 0 ? Math.max(0, (stats[key] - previous[key]) / seconds) : 0;
    /** @type {Record<string, number>} */
    const closes = {};
    for (const [code, count] of Object.entries(stats.closes ?? {})) {
      closes[code] = Math.max(0, Number(count) - Number(previous?.closes?.[code] ?? count));
    }
    samples.push({ at: stats.at, connections: stats.connections, inRate: rate('messagesIn'), outRate: rate('framesOut'), closes });
    if (samples.length > KEEP) samples.shift();
    previous = stats;
    ui.connections.textContent = String(stats.connections);
    ui.users.textContent = String(stats.users);
    ui.inRate.textContent = rate('messagesIn').toFixed(1);
    ui.outRate.textContent = rate('framesOut').toFixed(1);
    ui.drainState.textContent = stats.draining ? 'draining' : 'off';
    drawLines(ui.chartConnections, [samples.map(s => s.connections)], ['#1f5fbf']);
    drawLines(ui.chartTraffic, [samples.map(s => s.inRate), samples.map(s => s.outRate)], ['#1d7a3a', '#9a5b00']);
    drawCloses();
    await listConnections();
    ui.adminError.textContent = '';
    ui.status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    ui.adminError.textContent = `Could not read the node's figures: ${message(err)}`;
  }
  timer = setTimeout(poll, POLL);
}

/**
 * Line charts on a canvas, scaled to the largest value shown.
 * @param {HTMLCanvasElement} canvas
 * @param {number[][]} series
 * @param {string[]} colours
 */
function drawLines(canvas, series, colours) {
  const g = canvas.getContext('2d');
  if (!g) return;
  const { width, height } = canvas;
  g.clearRect(0, 0, width, height);
  const top = Math.max(1, ...series.flat());
  g.fillStyle = '#5b6470';
  g.font = '11px system-ui';
  g.fillText(String(Math.round(top * 10) / 10), 4, 12);
  series.forEach((values, i) => {
    g.strokeStyle = colours[i];
    g.lineWidth = 2;
    g.beginPath();
    values.forEach((v, x) => {
      const px = (x / Math.max(1, KEEP - 1)) * width;
      const py = height - 4 - (v / top) * (height - 20);
      if (x === 0) g.moveTo(px, py); else g.lineTo(px, py);
    });
    g.stroke();
  });
}

const CODE_COLOURS = ['#1f5fbf', '#b3261e', '#1d7a3a', '#9a5b00', '#6b3fa0', '#0f7b8a', '#5b6470'];

/** Closes per sample as stacked bars, one colour per close code, with a legend of the totals shown. */
function drawCloses() {
  const canvas = ui.chartCloses;
  const g = canvas.getContext('2d');
  if (!g) return;
  const codes = [...new Set(samples.flatMap(s => Object.keys(s.closes).filter(c => s.closes[c] > 0)))].sort();
  const { width, height } = canvas;
  g.clearRect(0, 0, width, height);
  const top = Math.max(1, ...samples.map(s => Object.values(s.closes).reduce((a, b) => a + b, 0)));
  const bar = width / KEEP;
  samples.forEach((s, x) => {
    let y = height;
    codes.forEach((code, i) => {
      const h = ((s.closes[code] ?? 0) / top) * (height - 16);
      g.fillStyle = CODE_COLOURS[i % CODE_COLOURS.length];
      g.fillRect(x * bar, y - h, Math.max(1, bar - 1), h);
      y -= h;
    });
  });
  ui.legendCloses.textContent = codes.length === 0 ? 'No closes in the last five minutes.'
    : codes.map(code => `${code}: ${samples.reduce((n, s) => n + (s.closes[code] ?? 0), 0)}`).join(' · ');
}

async function listConnections() {
  const user = ui.filter.value.trim();
  const valid = user === '' || USER_NAME.test(user);
  ui.closeUser.disabled = user === '' || !valid;
  if (!valid) return;
  const list = await api('GET', 'api/admin/connections' + (user ? `?user=${encodeURIComponent(user)}` : ''));
  ui.listSummary.textContent = `${list.total} connection(s)${list.total > list.connections.length ? `, ${list.connections.length} shown` : ''}`;
  ui.rows.replaceChildren(...list.connections.map((/** @type {any} */ c) => {
    const row = document.createElement('tr');
    for (const [text, cls] of [[c.user, ''], [c.endpoint, ''], [c.rooms.join(', '), ''], [c.id, 'id']]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      if (cls) cell.className = cls;
      row.append(cell);
    }
    const action = document.createElement('td');
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'small';
    close.textContent = 'Close';
    close.setAttribute('aria-label', `Close ${c.user}'s connection ${c.id}`);
    close.addEventListener('click', () => closeConnection(c.id));
    action.append(close);
    row.append(action);
    return row;
  }));
}

/** @param {string} id */
async function closeConnection(id) {
  const why = prompt('Reason shown to the user (optional)') ?? '';
  try {
    await api('DELETE', `api/admin/connections/${encodeURIComponent(id)}?reason=${encodeURIComponent(why)}`);
    poll();
  } catch (err) {
    ui.adminError.textContent = `Could not close it: ${message(err)}`;
  }
}

ui.filter.addEventListener('input', () => poll());
ui.closeUser.addEventListener('click', async () => {
  const user = ui.filter.value.trim();
  const why = prompt(`Close every connection of ${user}? Reason shown to them (optional)`);
  if (why === null) return;
  try {
    const { closed } = await api('DELETE', `api/admin/users/${encodeURIComponent(user)}/connections?reason=${encodeURIComponent(why)}`);
    ui.status.textContent = `Closed ${closed} connection(s) of ${user}`;
    poll();
  } catch (err) {
    ui.adminError.textContent = `Could not close them: ${message(err)}`;
  }
});

ui.drain.addEventListener('submit', async (/** @type {Event} */ event) => {
  event.preventDefault();
  try {
    await api('POST', 'api/admin/drain', { windowSeconds: Number(ui.window.value) });
    poll();
  } catch (err) {
    ui.adminError.textContent = `Could not start the drain: ${message(err)}`;
  }
});
ui.drainStop.addEventListener('click', async () => {
  try {
    await api('DELETE', 'api/admin/drain');
    poll();
  } catch (err) {
    ui.adminError.textContent = `Could not end the drain: ${message(err)}`;
  }
});
