// Test-only, injected by BrowserIT before the page's own scripts: records what the page sends for credentials (the
// Authorization header of its REST calls, the query of each WebSocket it opens) in window.__auth; everything still
// goes to the server as it is.
(() => {
  const log = window.__auth = { logins: 0, tickets: [], rest: [], sockets: [], open: [] };
  const realFetch = window.fetch.bind(window);

  window.fetch = async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : input, location.href);
    const headers = new Headers(init.headers || {});
    if (url.pathname.endsWith('/api/auth/dev-login')) log.logins++;
    const response = await realFetch(input, init);
    if (url.pathname.endsWith('/api/auth/ticket')) {
      if (response.ok) log.tickets.push((await response.clone().json()).ticket);
    } else if (url.pathname.includes('/api/') && !url.pathname.endsWith('/api/auth/dev-login')) {
      log.rest.push(`${url.pathname} ${headers.get('Authorization') || 'no Authorization'}`);
    }
    return response;
  };

  const RealWebSocket = window.WebSocket;
  window.WebSocket = class extends RealWebSocket {
    constructor(address, protocols) {
      log.sockets.push(new URL(address).search);
      super(address, protocols);
      log.open.push(this);
    }
  };
  /** Closes every socket the page opened, as a server or network might. */
  log.dropAll = () => log.open.splice(0).forEach(ws => ws.close(4000, 'dropped by the test'));
})();
