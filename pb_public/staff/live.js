// PocketBase realtime (server-sent events, no polling) for the desk. Topics are named with
// their options, as PocketBase names each message after the topic exactly as subscribed.
import { api } from '../js/api.js';
import { token } from './auth.js';

// topic is the name of a subscription to collection with the given query (fields, expand,
// filter).
export function topic(collection, query) {
  return collection + '?options=' + encodeURIComponent(JSON.stringify({ query }));
}

let source = null;
let clientId = '';
let handlers = {};
let topics = () => [];
let listening = new Set();

// connect opens the stream; on every (re)connection it subscribes to topics() and calls
// onConnected (which reloads what was missed). onState gets 'connecting', 'on' or 'off';
// onMessage(topic, {action, record}); onDenied when the session is no longer valid.
export function connect(opts) {
  handlers = opts;
  topics = opts.topics;
  close();
  handlers.onState('connecting');
  source = new EventSource('/api/realtime');
  source.addEventListener('PB_CONNECT', async (e) => {
    clientId = JSON.parse(e.data).clientId;
    try {
      await resubscribe();
      handlers.onState('on');
      await handlers.onConnected();
    } catch (err) {
      handlers.onState('off');
      if (err.status === 401 || err.status === 403) handlers.onDenied();
    }
  });
  source.onerror = () => {
    handlers.onState('off');
    if (source && source.readyState === EventSource.CLOSED) {
      setTimeout(() => token() && connect(handlers), 5000);
    }
  };
}

// resubscribe replaces the subscriptions with topics() (after the open case changed).
export async function resubscribe() {
  if (!source || !clientId) return;
  const want = topics();
  await api('/api/realtime', { method: 'POST', body: { clientId, subscriptions: want }, token: token() });
  for (const name of want) {
    if (listening.has(name)) continue;
    listening.add(name);
    source.addEventListener(name, (e) => handlers.onMessage(name, JSON.parse(e.data)));
  }
}

export function close() {
  if (source) source.close();
  source = null;
  clientId = '';
  listening = new Set();
}
