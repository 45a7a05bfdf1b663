// live.js — a small graphql-transport-ws client: one subscription at a time over
// a WebSocket to /graphql, resubscribing when its variables change and
// reconnecting with backoff when the connection drops.

/**
 * createLive({ query, onData, onStatus, onResync })
 * - onData(payload.data) for every `next` message;
 * - onStatus('connecting' | 'open' | 'closed');
 * - onResync() after a reconnect or a server-ended subscription, so the app
 *   refetches what it may have missed.
 * Returns { setVariables(vars), close() }.
 */
export function createLive({ query, onData, onStatus = () => {}, onResync = () => {} }) {
  let ws = null;
  let acked = false;
  let variables = null;
  let subId = null;
  let seq = 0;
  let attempts = 0;
  let timer = null;
  let stopped = false;
  let everOpened = false;

  const url = () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  const send = (msg) => { if (ws && ws.readyState === 1) ws.send(JSON.stringify(msg)); };

  function subscribe() {
    if (!acked || variables === null) return;
    if (subId) send({ id: subId, type: 'complete' });
    subId = String(++seq);
    send({ id: subId, type: 'subscribe', payload: { query, variables } });
  }

  function schedule() {
    if (stopped || timer) return;
    const delay = Math.min(30000, 1000 * 2 ** attempts) * (0.75 + Math.random() * 0.5);
    attempts += 1;
    timer = setTimeout(() => { timer = null; connect(); }, delay);
  }

  function connect() {
    if (stopped) return;
    onStatus('connecting');
    acked = false;
    subId = null;
    try {
      ws = new WebSocket(url(), 'graphql-transport-ws');
    } catch {
      onStatus('closed');
      schedule();
      return;
    }
    const sock = ws;
    sock.onopen = () => send({ type: 'connection_init', payload: {} });
    sock.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      switch (msg.type) {
        case 'connection_ack': {
          acked = true;
          attempts = 0;
          onStatus('open');
          subscribe();
          if (everOpened) onResync();
          everOpened = true;
          break;
        }
        case 'ping': send({ type: 'pong' }); break;
        case 'next':
          if (msg.id === subId && msg.payload) {
            if (msg.payload.data) onData(msg.payload.data);
            if (msg.payload.errors) { onResync(); }
          }
          break;
        case 'error':
        case 'complete':
          // The server ended our subscription (e.g. SUBSCRIPTION_BEHIND): catch up and subscribe again.
          if (msg.id === subId) {
            subId = null;
            onResync();
            setTimeout(subscribe, 1000);
          }
          break;
        default: break;
      }
    };
    sock.onclose = () => {
      if (sock !== ws) return;
      ws = null;
      acked = false;
      onStatus('closed');
      schedule();
    };
    sock.onerror = () => { /* onclose follows */ };
  }

  return {
    setVariables(vars) {
      variables = vars;
      if (!ws && !timer && !stopped) connect();
      else subscribe();
    },
    close() {
      stopped = true;
      clearTimeout(timer);
      if (ws) ws.close(1000);
    },
  };
}
