// Test-only, injected by BrowserIT before the page's own scripts: records what the page sends for credentials (the
// Authorization header of its REST calls, the query of each WebSocket it opens) in window.__auth. When the server has
// no dev login yet (api/auth/dev-login answers 404), it also plays the server's side of the token contract: dev login
// -> token, ticket -> one-time ticket, and a WebSocket with ?ticket=ticket-<user>-<n> is opened with ?name=<user>.
// With a server that has the dev login, everything goes to the server as it is.
(() => {
  const log = window.__auth = { emulated: false, logins: 0, tickets: [], rest: [], sockets: [], open: [] };
  const realFetch = window.fetch.bind(window);
  const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

  window.fetch = async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : input, location.href);
    const headers = new Headers(init.headers || {});
    if (url.pathname.endsWith('/api/auth/dev-login')) {
      log.logins++;
      const real = await realFetch(input, init);
      if (real.status !== 404) return real;
      log.emulated = true;
      const { name } = JSON.parse(init.body);
      return json({ user: name, token: `jwt-${name}-${log.logins}`, expiresAt: inAnHour() });
    }
    if (url.pathname.endsWith('/api/auth/ticket')) {
      const bearer = headers.get('Authorization') || '';
      if (!log.emulated) {
        const real = await realFetch(input, init);
        if (real.ok) log.tickets.push((await real.clone().json()).ticket);
        return real;
      }
      const user = /^Bearer jwt-(.+)-\d+$/.exec(bearer)?.[1];
      if (!user) return json({ status: 401, detail: 'no token' }, 401);
      const ticket = `ticket-${user}-${log.tickets.length + 1}`;
      log.tickets.push(ticket);
      return json({ ticket, expiresAt: inAnHour() });
    }
    if (url.pathname.includes('/api/')) log.rest.push(`${url.pathname} ${headers.get('Authorization') || 'no Authorization'}`);
    return realFetch(input, init);
  };

  const RealWebSocket = window.WebSocket;
  window.WebSocket = class extends RealWebSocket {
    constructor(address, protocols) {
      const url = new URL(address);
      log.sockets.push(url.search);
      const ticket = url.searchParams.get('ticket');
      if (log.emulated && ticket) {
        url.searchParams.delete('ticket');
        url.searchParams.set('name', /^ticket-(.+)-\d+$/.exec(ticket)?.[1] ?? '');
      }
      super(url.href, protocols);
      log.open.push(this);
    }
  };
  /** Closes every socket the page opened, as a server or network might. */
  log.dropAll = () => log.open.splice(0).forEach(ws => ws.close(4000, 'dropped by the test'));
})();
