// @leadline/client/react: a provider and hooks over the SDK for React and React Native. React is a peer
// dependency of this entry point only; the SDK itself (leadline.js) knows nothing of React.
import {
  createContext, createElement, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore,
} from 'react';
import { LeadlineClient, States } from './leadline.js';
import { Inbox } from './inbox.js';

const LeadlineContext = createContext(null);

const noSubscription = () => () => {};
const EMPTY_INBOX = Object.freeze({ notifications: Object.freeze([]), unreadCount: 0, loaded: false, error: null });

/** A bearer-token source for the inbox's REST calls, from the options the client was made with. */
function tokenSource(options) {
  if (!options) return null;
  if (typeof options.getToken === 'function') return options.getToken;
  if (options.token) return () => options.token;
  return null;
}

/**
 * Gives its children a connected client. `client`: one the application made (connected here, never
 * closed here); or `options`: the LeadlineClient options to make one, read once on mount, connected and
 * closed on unmount (a new `key` starts over with new options). `inbox`: `{ url, getToken, size, fetch }`
 * for notify-service's inbox (by default the client's origin and the options' token), or false.
 */
export function LeadlineProvider({ client: given = null, options = null, inbox = undefined, children }) {
  if (!given && !options) throw new TypeError('LeadlineProvider needs a client or options');
  const settings = useRef({ options, inbox });
  const [made, setMade] = useState(null);

  // made in an effect, not during render: StrictMode's mount, unmount and mount again gets a fresh client
  useEffect(() => {
    if (given) {
      given.connect().catch(() => {}); // connect() is idempotent; failures arrive as states and errors
      return undefined;
    }
    const client = new LeadlineClient(settings.current.options);
    client.connect().catch(() => {});
    setMade(client);
    return () => {
      client.close();
      setMade(null);
    };
  }, [given]);

  const client = given || made;
  const [store, setStore] = useState(null);
  useEffect(() => {
    const wanted = settings.current.inbox;
    if (!client || wanted === false) return undefined;
    const config = wanted || {};
    const created = new Inbox(client, {
      ...config,
      getToken: config.getToken || tokenSource(given ? null : settings.current.options),
    });
    const stop = created.start();
    setStore(created);
    return () => {
      stop();
      setStore(null);
    };
  }, [client, given]);

  const state = useSyncExternalStore(
    useCallback((onChange) => (client ? client.on('state', onChange) : () => {}), [client]),
    () => (client ? client.state : States.CONNECTING),
    () => States.CONNECTING,
  );
  const inboxState = useSyncExternalStore(
    store ? store.subscribe : noSubscription,
    store ? store.getSnapshot : () => EMPTY_INBOX,
    () => EMPTY_INBOX,
  );

  const value = useMemo(() => {
    const unavailable = () => Promise.reject(new Error('the inbox is not ready yet'));
    return {
      client,
      state,
      isConnected: state === States.CONNECTED,
      notifications: inboxState.notifications,
      unreadCount: inboxState.unreadCount,
      inboxLoaded: inboxState.loaded,
      inboxError: inboxState.error,
      markAsRead: store ? (id) => store.markAsRead(id) : unavailable,
      markAllRead: store ? () => store.markAllRead() : unavailable,
      clearAll: store ? () => store.clearAll() : unavailable,
      reloadInbox: store ? () => store.reload() : unavailable,
    };
  }, [client, state, inboxState, store]);

  return createElement(LeadlineContext.Provider, { value }, children);
}

/**
 * The connection and the inbox: `{ client, state, isConnected, notifications, unreadCount, markAsRead(id),
 * markAllRead(), clearAll(), inboxLoaded, inboxError, reloadInbox() }`. `client` is null until the
 * provider has made its client (the first render).
 */
export function useLeadline() {
  const value = useContext(LeadlineContext);
  if (!value) throw new Error('useLeadline() must be used inside a <LeadlineProvider>');
  return value;
}

/**
 * Listens to a channel while the component is mounted: subscribes on mount and when `channel` (or the
 * options' `types` or `filter`) changes, unsubscribes on unmount. The latest `handler` is called, so a
 * new function on every render does not resubscribe. `handler` is a function or a map of event types to
 * functions with '*' for the rest, as in client.subscribe(). A falsy channel subscribes to nothing.
 * Returns `{ subscribed, error }` (error: the LeadlineError of a refusal, such as code 'forbidden').
 */
export function useChannel(channel, handler, options = {}) {
  const { client } = useLeadline();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  const [status, setStatus] = useState({ subscribed: false, error: null });
  const types = options.types ? options.types.join('\n') : null;
  const filter = options.filter ? JSON.stringify(options.filter) : null;

  useEffect(() => {
    setStatus({ subscribed: false, error: null });
    if (!client || !channel) return undefined;
    const subscription = client.subscribe(channel, (event) => {
      const current = latest.current;
      if (typeof current === 'function') {
        current(event);
      } else if (current) {
        if (typeof current[event.type] === 'function') current[event.type](event);
        if (typeof current['*'] === 'function') current['*'](event);
      }
    }, {
      types: types === null ? undefined : types.split('\n'),
      filter: filter === null ? undefined : JSON.parse(filter),
    });
    let active = true;
    subscription.ready().then(
      () => active && setStatus({ subscribed: true, error: null }),
      (error) => active && setStatus({ subscribed: false, error }),
    );
    return () => {
      active = false;
      subscription.unsubscribe();
    };
  }, [client, channel, types, filter]);

  return status;
}
