// The peer of the fan-out benchmark (issue 10): a plain broadcast server on Node's `ws`, speaking just enough of
// Switchboard's protocol for FanOutBench (development login, one-time tickets, welcome, join/joined, post -> ack and
// a message to every member of the room). It stores nothing, checks nothing and has no limits, heartbeat or
// back-pressure: a floor to compare Switchboard's fan-out against, on the same machine with the same client.
// Usage: node broadcast.js [port=9090]   (listens on 127.0.0.1 only)
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] ?? 9090);
const tickets = new Map(); // ticket -> user
const rooms = new Map(); // room -> Set of sockets
let seq = 0;

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/api/auth/dev-login') {
      const name = JSON.parse(body || '{}').name;
      json(res, 200, { token: `peer.${name}`, expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    } else if (req.method === 'POST' && req.url === '/api/auth/ticket') {
      const ticket = randomUUID();
      tickets.set(ticket, (req.headers.authorization ?? '').replace(/^Bearer peer\./, ''));
      json(res, 200, { ticket });
    } else {
      json(res, 404, { title: 'not found' });
    }
  });
});

const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const ticket = url.searchParams.get('ticket');
  const user = tickets.get(ticket);
  if (url.pathname !== '/ws/chat' || user === undefined) {
    socket.destroy();
    return;
  }
  tickets.delete(ticket);
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.joined = new Set();
    ws.send(JSON.stringify({ type: 'welcome', connectionId: randomUUID(), user }));
    ws.on('message', (data) => {
      const frame = JSON.parse(data);
      if (frame.type === 'join') {
        if (!rooms.has(frame.room)) rooms.set(frame.room, new Set());
        rooms.get(frame.room).add(ws);
        ws.joined.add(frame.room);
        ws.send(JSON.stringify({ type: 'joined', room: frame.room, history: [], members: [] }));
      } else if (frame.type === 'post' && ws.joined.has(frame.room)) {
        const id = ++seq;
        const ts = new Date().toISOString();
        const message = JSON.stringify({
          type: 'message', id, seq: id, room: frame.room, from: user, text: frame.text, ts, clientId: frame.clientId,
        });
        ws.send(JSON.stringify({ type: 'ack', clientId: frame.clientId, id, seq: id, ts, duplicate: false }));
        for (const member of rooms.get(frame.room)) member.send(message);
      }
    });
    ws.on('close', () => ws.joined.forEach((room) => rooms.get(room)?.delete(ws)));
  });
});

server.listen(port, '127.0.0.1', () => console.log(`ws peer listening on 127.0.0.1:${port}`));
