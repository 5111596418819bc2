// The user's inbox as an application shows it: the newest notifications and the exact unread count,
// kept current from the socket and notify-service's /api/notifications. Framework-free: a store with
// subscribe() and getSnapshot(), which the React bindings (react.js) read with useSyncExternalStore.
import { UnreadCounter, isInboxEvent } from './leadline.js';

/**
 * The HTTP(S) origin of a gateway URL: ws://host:8080/ws → http://host:8080. By hand rather than with
 * URL, whose getters React Native does not implement.
 */
export function httpOrigin(wsUrl) {
  const match = /^(wss?|https?):\/\/([^/?#]+)/i.exec(String(wsUrl));
  if (!match) throw new TypeError(`not a ws:// or wss:// URL: ${wsUrl}`);
  const secure = /^(wss|https)$/i.test(match[1]);
  return `${secure ? 'https' : 'http'}://${match[2]}`;
}

/** A notification the socket delivered, shown until the inbox's own record of it has been read. */
function fromEvent(event) {
  const data = event.data && typeof event.data === 'object' ? event.data : {};
  return {
    id: event.id,
    event_id: event.id,
    type: event.type,
    title: typeof data.title === 'string' ? data.title : event.type,
    message: typeof data.message === 'string' ? data.message : '',
    priority: typeof data.priority === 'string' ? data.priority : 'normal',
    read: false,
    created_at: typeof event.ts === 'number' ? new Date(event.ts).toISOString() : null,
    read_at: null,
    seq: event.seq,
    data,
  };
}

const bySeqNewestFirst = (a, b) => (b.seq ?? 0) - (a.seq ?? 0);

/**
 * The newest `size` notifications of the connected user and their unread count. It follows the client's
 * inbox events and `notification_read`, re-reads the inbox after every (re)connection (what happened
 * while the socket was down is only in the inbox) and marks read or clears over REST. Notifications are
 * in the shape of notify-service's answers (`id`, `event_id`, `type`, `title`, `message`, `priority`,
 * `read`, `created_at`, `read_at`, `seq`, `data`); one the socket has just delivered carries its event id
 * as `id` until the inbox's record replaces it, and both ids are accepted by markAsRead().
 */
export class Inbox {
  /**
   * @param client a LeadlineClient
   * @param options `url` (notify-service's HTTP origin; by default the client's), `getToken` (a bearer
   * token for the REST calls; without one only the socket's events are shown), `fetch`, `size` (1-100).
   */
  constructor(client, options = {}) {
    this.client = client;
    this.url = (options.url || httpOrigin(client.url)).replace(/\/$/, '');
    this._getToken = typeof options.getToken === 'function' ? options.getToken : null;
    this._fetch = options.fetch || (typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : null);
    this.size = Math.min(100, Math.max(1, options.size ?? 50));
    this._counter = new UnreadCounter();
    this._items = [];
    this._listeners = new Set();
    this._snapshot = { notifications: [], unreadCount: 0, loaded: false, error: null };
    this._stops = [];
    this._reads = 0;
    this._token = null;
  }

  /** Starts following the client; returns a function that stops. */
  start() {
    if (this._stops.length > 0) return () => this.stop();
    this._stops.push(
      this.client.onEvent('*', (event) => this._onEvent(event)),
      this.client.on('connected', () => this.reload()),
      this.client.on('resync', ({ channel }) => {
        if (channel.startsWith('user.') || channel.startsWith('escrow.')) this.reload();
      }),
    );
    if (this.client.state === 'connected') this.reload();
    return () => this.stop();
  }

  stop() {
    for (const stop of this._stops.splice(0)) stop();
  }

  /** For useSyncExternalStore: calls `listener` after every change; returns the unsubscribe function. */
  subscribe = (listener) => {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  };

  /** The current `{ notifications, unreadCount, loaded, error }`; a new object after every change. */
  getSnapshot = () => this._snapshot;

  /** Reads the newest notifications and the unread count from the inbox. */
  async reload() {
    const read = ++this._reads;
    try {
      const page = await this._request('GET', `/api/notifications?size=${this.size}`);
      if (read !== this._reads) return; // a newer reload is under way
      if (!this._counter.apply(page) && page.as_of_seq < this._counter.asOfSeq) return; // older than what is shown
      // the page is exact up to as_of_seq; what the socket delivered after it stays on top
      const later = this._items.filter((n) => n.seq > page.as_of_seq && !page.items.some((i) => i.event_id === n.event_id));
      this._items = [...later, ...page.items].sort(bySeqNewestFirst).slice(0, this.size);
      this._publish({ loaded: true, error: null });
    } catch (error) {
      if (read === this._reads) this._publish({ error });
    }
  }

  /** Marks one notification read, by its inbox id or its event id. */
  async markAsRead(id) {
    const answer = await this._request('POST', `/api/notifications/${encodeURIComponent(id)}/read`);
    this._applyRead(answer, (n) => n.id === id || n.event_id === id || answer.notification_ids.includes(n.id));
  }

  /** Marks every notification read. */
  async markAllRead() {
    this._applyRead(await this._request('POST', '/api/notifications/read-all'), () => true);
  }

  /** Deletes every notification of the inbox. */
  async clearAll() {
    await this._request('DELETE', '/api/notifications');
    this._items = [];
    this._publish({});
    await this.reload(); // the count after the clear, with its position
  }

  _onEvent(event) {
    if (event.type === 'notification_read' && event.channel.startsWith('user.')) {
      const data = event.data || {};
      this._applyRead(data, (n) => data.all === true || (data.notification_ids || []).includes(n.id));
      // a clear in another tab is announced as all:true too: the inbox tells which it was
      if (data.all === true) this.reload();
      return;
    }
    if (!isInboxEvent(event) || !this._counter.observe(event)) return;
    if (this._items.some((n) => n.event_id === event.id)) return;
    this._items = [fromEvent(event), ...this._items].sort(bySeqNewestFirst).slice(0, this.size);
    this._publish({});
    this._replaceWithStored(event.id);
  }

  /** The inbox's record of a notification the socket just delivered (its title, its inbox id). */
  async _replaceWithStored(eventId) {
    try {
      const stored = await this._request('GET', `/api/notifications/${encodeURIComponent(eventId)}`);
      const at = this._items.findIndex((n) => n.event_id === eventId);
      if (at < 0) return;
      const shown = this._items[at];
      this._items = this._items.slice();
      this._items[at] = { ...stored, read: stored.read || shown.read };
      this._publish({});
    } catch {
      // the socket's version stays; the next reload brings the stored one
    }
  }

  _applyRead(snapshot, isRead) {
    this._counter.apply(snapshot);
    this._items = this._items.map((n) => (!n.read && isRead(n) ? { ...n, read: true } : n));
    this._publish({});
  }

  _publish(change) {
    this._snapshot = {
      ...this._snapshot,
      ...change,
      notifications: this._items,
      unreadCount: this._counter.count,
    };
    for (const listener of [...this._listeners]) listener();
  }

  async _request(method, path, retried = false) {
    if (!this._getToken) throw new TypeError('the inbox needs getToken for its REST calls');
    if (!this._fetch) throw new TypeError('no fetch implementation: pass one as the fetch option');
    if (!this._token) {
      const given = await this._getToken();
      this._token = typeof given === 'string' ? given : given && (given.token || given.access_token);
    }
    const response = await this._fetch(this.url + path, {
      method, headers: { Authorization: 'Bearer ' + this._token, Accept: 'application/json' },
    });
    if (response.status === 401 && !retried) {
      this._token = null; // expired: once more with a new one
      return this._request(method, path, true);
    }
    if (!response.ok) {
      const error = new Error(`${method} ${path} answered ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return response.status === 204 ? null : response.json();
  }
}
