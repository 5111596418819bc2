// @leadline/client: the JavaScript client of Leadline's WebSocket gateway (notify-service /ws).
// One dependency-free ES module for browsers, Node (with the `ws` package or Node 22's global
// WebSocket) and React Native. The protocol is described in docs/protocol.md of the repository.

export const VERSION = '0.1.0';

/** Connection states, in the order a client usually goes through them. */
export const States = Object.freeze({
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
  RECONNECTING: 'reconnecting',
  DISCONNECTED: 'disconnected',
});

/** Close codes the gateway uses. */
export const CloseCodes = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  ABNORMAL: 1006,
  INVALID_TEXT: 1007,
  TOO_BIG: 1009,
  SERVER_ERROR: 1011,
  RESTARTING: 1012,
  TOKEN_EXPIRED: 4001,
  POLICY: 4008,
  RATE_LIMITED: 4029,
  /** Used by this client when it gives up on a silent connection. */
  CLIENT_DEAD_CONNECTION: 4000,
});

const CONTROL_FRAMES = new Set(['connected', 'subscribed', 'unsubscribed', 'pong', 'refreshed', 'error']);
const OPEN = 1;
const CONNECTING_READY_STATE = 0;

/** An error reported by the gateway (an `error` frame) or by this client. */
export class LeadlineError extends Error {
  constructor(code, message, details = {}) {
    super(message || code);
    this.name = 'LeadlineError';
    this.code = code;
    Object.assign(this, details);
  }
}

// ---------------------------------------------------------------------------------------------
// Algorithms, exported so that they can be tested (and reused) on their own.

/**
 * The reconnect delay's defaults: the ceiling is a few seconds, so a client is back within about that
 * long after a server that was down for minutes returns (full jitter still spreads a crowd of clients).
 */
export const DEFAULT_BACKOFF = Object.freeze({ initialMs: 500, maxMs: 5_000, factor: 2, minMs: 0 });

/**
 * Exponential backoff with full jitter: a delay drawn uniformly from [minMs, min(maxMs, initialMs *
 * factor^attempt)]. There is no cap on the number of attempts, only on the delay.
 */
export function backoffDelay(attempt, options = {}, random = Math.random) {
  const initialMs = options.initialMs ?? DEFAULT_BACKOFF.initialMs;
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const factor = options.factor ?? 2;
  const minMs = Math.min(options.minMs ?? 0, maxMs);
  const ceiling = Math.min(maxMs, initialMs * Math.pow(factor, Math.max(0, attempt)));
  const upper = Math.max(minMs, Number.isFinite(ceiling) ? ceiling : maxMs);
  return Math.round(minMs + random() * (upper - minMs));
}

/**
 * When to ask for a new token: `refreshBeforeMs` ahead of the expiry, but never later than half-way
 * through the remaining lifetime (short-lived tokens), and never sooner than `minDelayMs`.
 * Returns null when the expiry is unknown.
 */
export function refreshDelay(expiresAtSeconds, nowMs, refreshBeforeMs = 60_000, minDelayMs = 1_000) {
  if (!expiresAtSeconds || !Number.isFinite(expiresAtSeconds) || expiresAtSeconds <= 0) {
    return null;
  }
  const remaining = expiresAtSeconds * 1000 - nowMs;
  const lead = Math.min(refreshBeforeMs, remaining / 2);
  return Math.max(minDelayMs, Math.round(remaining - lead));
}

/** How many of the newest event ids a client remembers, to recognise an event published twice. */
export const REMEMBERED_EVENT_IDS = 4096;

/**
 * The last stream sequence seen per channel, and the ids of the newest events. Order is kept per
 * channel by the server, so an event whose seq is not above the last one seen is a duplicate (a replay
 * overlapping live delivery, or a reconnect replaying what had already arrived). An event with a new
 * seq but an id already seen is one a service published again after the stream's duplicate window (it
 * died between publishing and recording that it had): the same event, a second time.
 */
export class SeqTracker {
  constructor(rememberedIds = REMEMBERED_EVENT_IDS) {
    this._last = new Map();
    this._watermark = new Map();
    this._ids = new Set();
    this._rememberedIds = rememberedIds;
  }

  /** True when the event is new (and records it), false for a duplicate. */
  accept(channel, seq, id) {
    if (typeof seq !== 'number' || !Number.isFinite(seq)) {
      return true; // not a stream event: nothing to compare
    }
    const last = this._last.get(channel);
    if (last !== undefined && seq <= last) {
      return false;
    }
    // the stream position moves past a republished copy too: a resubscription must not replay it
    this._last.set(channel, seq);
    if (typeof id === 'string' && id !== '') {
      if (this._ids.has(id)) {
        return false;
      }
      this._ids.add(id);
      if (this._ids.size > this._rememberedIds) {
        this._ids.delete(this._ids.values().next().value); // the oldest: a Set keeps insertion order
      }
    }
    return true;
  }

  /** The last seq of an event delivered on the channel, or undefined. */
  last(channel) {
    return this._last.get(channel);
  }

  /**
   * The stream position the server reported when the subscription started (`subscribed.seq`): events
   * after it are ours even if none arrived before the connection dropped.
   */
  noteWatermark(channel, seq) {
    if (typeof seq === 'number' && Number.isFinite(seq) && seq >= 0) {
      const known = this._watermark.get(channel);
      if (known === undefined || seq > known) {
        this._watermark.set(channel, seq);
      }
    }
  }

  /** The `since` to resubscribe with, or undefined when the channel has no known position. */
  resumePoint(channel) {
    const last = this._last.get(channel);
    const watermark = this._watermark.get(channel);
    if (last === undefined) return watermark;
    if (watermark === undefined) return last;
    return Math.max(last, watermark);
  }

  forget(channel) {
    this._last.delete(channel);
    this._watermark.delete(channel);
  }
}

/**
 * The events the server stores in a user's inbox (notify-service's InboxEntries): these four on the
 * user's own channel, and escrow status changes on the channel of an escrow the user is a party to.
 */
export const INBOX_EVENT_TYPES = Object.freeze({
  user: Object.freeze(['notification_message', 'lead_alert', 'lead_distributed', 'balance_updated']),
  escrow: Object.freeze(['status_change']),
});

/** True for an event the server also stores in the inbox of the user who receives it. */
export function isInboxEvent(event) {
  if (!event || typeof event.channel !== 'string' || typeof event.type !== 'string') return false;
  const kind = event.channel.startsWith('user.') ? 'user' : event.channel.startsWith('escrow.') ? 'escrow' : null;
  return kind !== null && INBOX_EVENT_TYPES[kind].includes(event.type);
}

/**
 * The unread count a user sees, kept exact from two sources: snapshots of the inbox (the REST answers
 * and `notification_read` events, each with `unread_count`, `as_of_seq` and `read_version`) and the
 * inbox events received on the socket after the newest snapshot's `as_of_seq`. A snapshot older than one
 * already applied (lower `as_of_seq` or lower `read_version`) is ignored, so answers arriving out of
 * order never move the count backwards.
 */
export class UnreadCounter {
  constructor() {
    this._base = 0;
    this._asOf = -1;
    this._version = -1;
    this._after = new Map(); // event id → seq, for inbox events after the snapshot
  }

  /** An event from the socket; true when it changed the count. */
  observe(event) {
    if (!isInboxEvent(event) || typeof event.seq !== 'number' || event.seq <= this._asOf) return false;
    const key = event.id ?? `${event.channel}#${event.seq}`;
    if (this._after.has(key)) return false;
    this._after.set(key, event.seq);
    return true;
  }

  /** A snapshot `{unread_count, as_of_seq, read_version}`; true when it was newer and applied. */
  apply(snapshot) {
    if (!snapshot || typeof snapshot.unread_count !== 'number' || typeof snapshot.as_of_seq !== 'number') {
      return false;
    }
    const version = typeof snapshot.read_version === 'number' ? snapshot.read_version : 0;
    if (snapshot.as_of_seq < this._asOf || version < this._version
      || (snapshot.as_of_seq === this._asOf && version === this._version)) {
      return false;
    }
    this._base = snapshot.unread_count;
    this._asOf = snapshot.as_of_seq;
    this._version = version;
    for (const [key, seq] of this._after) {
      if (seq <= this._asOf) this._after.delete(key);
    }
    return true;
  }

  /** Unread notifications: the snapshot's count and the inbox events received after it. */
  get count() {
    return this._base + this._after.size;
  }

  /** The stream position of the newest snapshot applied, or -1 before the first. */
  get asOfSeq() {
    return this._asOf;
  }
}

/** Reads `exp` (seconds) from a JWT without verifying it; null when it cannot. */
export function jwtExpiry(token) {
  try {
    const part = String(token).split('.')[1];
    if (!part) return null;
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const json = typeof atob === 'function'
      ? atob(padded)
      : globalThis.Buffer.from(padded, 'base64').toString('binary');
    const exp = JSON.parse(json).exp;
    return typeof exp === 'number' ? exp : null;
  } catch {
    return null;
  }
}

/** The subprotocol list that carries a bearer token through a browser's WebSocket constructor. */
export function bearerSubprotocols(token) {
  return ['bearer-token-carrier', encodeURIComponent('quarkus-http-upgrade#Authorization#Bearer ' + token)];
}

// ---------------------------------------------------------------------------------------------

const defaultClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
};

class Emitter {
  constructor() {
    this._handlers = new Map();
  }

  on(name, fn) {
    if (typeof fn !== 'function') throw new TypeError('a handler must be a function');
    let set = this._handlers.get(name);
    if (!set) this._handlers.set(name, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  emit(name, payload, onError) {
    const set = this._handlers.get(name);
    if (!set || set.size === 0) return 0;
    for (const fn of [...set]) {
      try {
        fn(payload);
      } catch (e) {
        if (onError) onError(e);
      }
    }
    return set.size;
  }
}

/** A handle on one subscribe() call; the server subscription lives while any handle does. */
class Subscription {
  constructor(client, channel, handlers, options) {
    this.client = client;
    this.channel = channel;
    this.handlers = handlers;
    this.options = options;
    this.active = true;
    this._waiters = [];
  }

  /** Resolves with the `subscribed` frame, or rejects with a LeadlineError (forbidden, not_found…). */
  ready() {
    const state = this.client._channels.get(this.channel);
    if (state && state.outcome) {
      return state.outcome.error ? Promise.reject(state.outcome.error) : Promise.resolve(state.outcome.frame);
    }
    if (!this.active && this._failure) return Promise.reject(this._failure);
    return new Promise((resolve, reject) => this._waiters.push({ resolve, reject }));
  }

  unsubscribe() {
    if (!this.active) return;
    this.active = false;
    this.client._release(this);
  }

  _settle(frame, error) {
    const waiters = this._waiters;
    this._waiters = [];
    if (error) this._failure = error;
    for (const w of waiters) error ? w.reject(error) : w.resolve(frame);
  }

  _dispatch(event) {
    if (this.options.types && !this.options.types.includes(event.type)) return;
    const h = this.handlers;
    if (typeof h === 'function') {
      h(event);
      return;
    }
    if (h) {
      const specific = h[event.type];
      if (typeof specific === 'function') specific(event);
      const any = h['*'];
      if (typeof any === 'function') any(event);
    }
  }
}

/**
 * A connection to the gateway that stays up: reconnects with backoff, resubscribes with `since`,
 * drops duplicates, refreshes its token and watches the connection's pulse.
 */
export class LeadlineClient {
  constructor(options = {}) {
    if (!options.url) throw new TypeError('url is required, e.g. ws://localhost:8080/ws');
    this._auth = options.auth || 'subprotocol'; // 'subprotocol' | 'header' | 'ticket'
    if (this._auth === 'query') {
      throw new TypeError("auth 'query' is no longer supported: a token in a URL ends up in access logs; "
        + "use auth: 'ticket' (a single-use ticket from POST /api/ws-tickets) instead");
    }
    if (!['subprotocol', 'header', 'ticket'].includes(this._auth)) {
      throw new TypeError(`unknown auth '${this._auth}': use 'subprotocol', 'header' or 'ticket'`);
    }
    this._getTicket = typeof options.getTicket === 'function' ? options.getTicket : null;
    this._ticketUrl = options.ticketUrl || null;
    if (this._auth === 'ticket' && !this._getTicket && !this._ticketUrl) {
      throw new TypeError("auth 'ticket' needs getTicket or ticketUrl");
    }
    const ticketsOnly = this._auth === 'ticket' && this._getTicket;
    if (!ticketsOnly && !options.token && typeof options.getToken !== 'function') {
      throw new TypeError('token or getToken is required');
    }
    this.url = options.url;
    this._staticToken = options.token || null;
    this._getToken = typeof options.getToken === 'function' ? options.getToken : null;
    this._fetch = options.fetch || (typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : null);
    this._WebSocket = options.WebSocket || globalThis.WebSocket;
    if (typeof this._WebSocket !== 'function') {
      throw new TypeError('no WebSocket implementation: pass one as the WebSocket option (for example the `ws` package on Node 20)');
    }
    this._clock = { ...defaultClock, ...(options.clock || {}) };
    this._random = options.random || Math.random;
    this._backoff = { ...DEFAULT_BACKOFF, ...(options.backoff || {}) };
    this._restartJitterMs = options.restartJitterMs ?? 1_000;
    this._pingIntervalMs = options.pingIntervalMs ?? 20_000;
    this._deadAfterMs = options.deadAfterMs ?? 45_000;
    this._refreshBeforeMs = options.refreshBeforeMs ?? 60_000;
    this._stableAfterMs = options.stableAfterMs ?? 10_000;
    this._debugFrames = options.debug === true;
    this._logger = options.logger || (this._debugFrames && typeof console !== 'undefined' ? console : null);
    this._onlineTarget = options.onlineEvents === false ? null
      : options.onlineEvents || (typeof globalThis.addEventListener === 'function' ? globalThis : null);
    // a page coming back to the foreground tries at once instead of finishing a wait it slept through
    const doc = globalThis.document;
    this._visibilityTarget = options.visibilityEvents === false ? null
      : options.visibilityEvents
        || (doc && typeof doc.addEventListener === 'function' && 'visibilityState' in doc ? doc : null);

    this._events = new Emitter();
    this._typeHandlers = new Emitter();
    this._seq = new SeqTracker();
    this._channels = new Map(); // channel -> { subs: Set<Subscription>, auto, outcome, gate, filter }
    this._state = States.DISCONNECTED;
    this._ws = null;
    this._token = null;
    this._tokenExpiresAt = null;
    this._tokenStale = true;
    this._attempt = 0;
    this._timers = { reconnect: null, heartbeat: null, refresh: null, stable: null };
    this._started = false;
    this._paused = false;
    this._frameId = 0;
    this._pending = new Map(); // frame id -> { kind, channel }
    this._lastFrameAt = 0;
    this._opened = false;
    this.userId = null;
    this.connectionId = null;
    this.heartbeatSeconds = null;
    this.stats = { delivered: 0, duplicatesDropped: 0, reconnects: 0, pings: 0 };

    this._onOnline = () => this._handleOnline();
    this._onOffline = () => this._handleOffline();
    this._onVisibility = () => this._handleVisibility();
  }

  // ---- public API ----------------------------------------------------------------------------

  get state() {
    return this._state;
  }

  /** True while the browser reports being offline: no attempt is made until it is back. */
  get paused() {
    return this._paused;
  }

  get tokenExpiresAt() {
    return this._tokenExpiresAt;
  }

  /** Lifecycle events: state, connected, disconnected, reconnecting, subscribed, resync, error, token_refreshed, frame. */
  on(name, fn) {
    return this._events.on(name, fn);
  }

  /** Handler for one event type on any channel, or '*' for every event. Returns a function that removes it. */
  onEvent(type, fn) {
    return this._typeHandlers.on(type, fn);
  }

  /** Starts connecting; resolves with the first `connected` frame. */
  connect() {
    if (!this._started) {
      this._started = true;
      this._attachOnline();
      this._connectPromise = new Promise((resolve, reject) => {
        this._resolveConnect = resolve;
        this._rejectConnect = reject;
      });
      // a caller that never awaits connect() must not get an unhandled rejection from close()
      this._connectPromise.catch(() => {});
      if (this._isOffline()) {
        this._paused = true;
        this._setState(States.DISCONNECTED, { reason: 'offline' });
      } else {
        this._open();
      }
    }
    return this._connectPromise;
  }

  /** Closes the connection for good (until connect() is called again). */
  close(code = CloseCodes.NORMAL, reason = 'client closed') {
    this._started = false;
    this._paused = false;
    this._clearTimers();
    this._clearRetries();
    this._detachOnline();
    const ws = this._ws;
    this._ws = null;
    if (ws) {
      this._detachSocket(ws);
      try {
        ws.close(code, reason);
      } catch {
        // already closed
      }
    }
    // the server forgets this socket's subscriptions: a later connect() sends them again, with since
    this._pending.clear();
    for (const state of this._channels.values()) {
      state.sent = false;
      state.gate = false;
      if (state.outcome && !state.outcome.error) state.outcome = null;
    }
    if (this._rejectConnect) {
      this._rejectConnect(new LeadlineError('closed', 'the client was closed before it connected'));
      this._resolveConnect = this._rejectConnect = null;
    }
    this._setState(States.DISCONNECTED, { reason: 'closed' });
  }

  /**
   * Listens to a channel. `handlers` is a function (every event of the channel) or an object
   * mapping event types to functions, with '*' for the rest. Options: `types` (only these event
   * types), `filter` (sent to the server, e.g. {kinds:['metrics']} on payments.monitor).
   */
  subscribe(channel, handlers, options = {}) {
    if (typeof channel !== 'string' || channel.length === 0) throw new TypeError('channel is required');
    const sub = new Subscription(this, channel, handlers, options);
    let state = this._channels.get(channel);
    if (!state) {
      state = { subs: new Set(), auto: false, outcome: null, gate: false, filter: options.filter, sent: false };
      this._channels.set(channel, state);
    }
    state.subs.add(sub);
    if (options.filter) state.filter = options.filter;
    if (state.outcome && state.outcome.error) {
      state.outcome = null; // a fresh attempt after an earlier refusal
    }
    if (!state.auto && !state.sent && this._isOpen()) {
      this._sendSubscribe(channel, state);
    }
    return sub;
  }

  /** Removes every handler of a channel and leaves it on the server. */
  unsubscribe(channel) {
    const state = this._channels.get(channel);
    if (!state) return;
    for (const sub of [...state.subs]) sub.unsubscribe();
  }

  /** The last seq delivered on a channel (the `since` of the next resubscription). */
  lastSeq(channel) {
    return this._seq.last(channel);
  }

  /** Channels the server currently has this connection subscribed to (as far as the client knows). */
  channels() {
    return [...this._channels.entries()].filter(([, s]) => s.outcome && !s.outcome.error).map(([c]) => c);
  }

  /** Asks the token provider for a new token now and hands it to the server in band. */
  async refreshToken() {
    if (!this._getToken) return false;
    const fresh = await this._fetchToken();
    if (this._isOpen()) {
      this._send({ type: 'refresh', token: fresh }, { kind: 'refresh' });
    }
    return true;
  }

  /** Sends an application ping; resolves on the pong. */
  ping() {
    return new Promise((resolve, reject) => {
      if (!this._isOpen()) {
        reject(new LeadlineError('not_connected', 'not connected'));
        return;
      }
      this._send({ type: 'ping' }, { kind: 'ping', resolve });
    });
  }

  /**
   * Tries to connect now instead of waiting out the backoff (a "Reconnect now" button). Does nothing
   * while a connection is up or being opened, or before connect().
   */
  reconnectNow() {
    if (!this._started || this._ws || this._opening) return false;
    this._paused = false;
    this._attempt = 0;
    this._open();
    return true;
  }

  /** For tests and demos: drops the connection as a network failure would; the client reconnects. */
  simulateDrop() {
    if (this._ws) this._lose(CloseCodes.ABNORMAL, 'simulated drop');
  }

  // ---- connection --------------------------------------------------------------------------

  _isOpen() {
    return this._ws && this._ws.readyState === OPEN && this._state === States.CONNECTED;
  }

  _isOffline() {
    const nav = globalThis.navigator;
    return this._onlineTarget !== null && nav && nav.onLine === false;
  }

  async _open() {
    this._clearTimer('reconnect');
    if (!this._started || this._paused || this._ws || this._opening) return;
    if (!this._everConnected && this.stats.reconnects === 0) {
      this._setState(States.CONNECTING, { attempt: 0 });
    } else if (this._state !== States.RECONNECTING) {
      this._setState(States.RECONNECTING, { attempt: this._attempt });
    }
    let token;
    let ticket;
    this._opening = true;
    try {
      if (this._auth !== 'ticket' || !this._getTicket) {
        token = await this._currentToken();
      }
    } catch (e) {
      this._opening = false;
      this._emitError(new LeadlineError('token_provider_failed', 'the token provider failed: ' + (e && e.message), { cause: e }));
      this._scheduleReconnect({ code: 0, reason: 'token provider failed' });
      return;
    }
    try {
      if (this._auth === 'ticket') {
        ticket = await this._newTicket(token); // a new one for every attempt: each opens one socket only
      }
    } catch (e) {
      this._emitError(new LeadlineError('ticket_failed', 'no WebSocket ticket: ' + (e && e.message), { cause: e }));
      this._scheduleReconnect({ code: 0, reason: 'no WebSocket ticket' });
      return;
    } finally {
      this._opening = false;
    }
    if (!this._started || this._paused || this._ws) return;
    // batch=1: under load the server may put several events in one frame, one JSON object per line
    let url = this.url + (this.url.includes('?') ? '&' : '?') + 'batch=1';
    let ws;
    try {
      if (this._auth === 'ticket') {
        url += (url.includes('?') ? '&' : '?') + 'ticket=' + encodeURIComponent(ticket);
        ws = new this._WebSocket(url);
      } else if (this._auth === 'header') {
        ws = new this._WebSocket(url, [], { headers: { Authorization: 'Bearer ' + token } });
      } else {
        ws = new this._WebSocket(url, bearerSubprotocols(token));
      }
    } catch (e) {
      this._emitError(new LeadlineError('socket_failed', 'cannot open a WebSocket: ' + (e && e.message), { cause: e }));
      this._scheduleReconnect({ code: 0, reason: 'socket failed' });
      return;
    }
    this._ws = ws;
    this._opened = false;
    ws.onopen = () => {
      this._opened = true;
      this._lastFrameAt = this._clock.now();
    };
    ws.onmessage = (event) => this._onMessage(ws, event);
    ws.onerror = () => {
      // a close follows; browsers say nothing more useful here
    };
    ws.onclose = (event) => {
      if (this._ws !== ws) return;
      this._ws = null;
      this._onSocketClosed(event ? event.code : CloseCodes.ABNORMAL, event ? event.reason : '', ws);
    };
  }

  _detachSocket(ws) {
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
  }

  /** Gives up on the current socket without waiting for its close handshake, then reconnects. */
  _lose(code, reason) {
    const ws = this._ws;
    if (!ws) return;
    this._ws = null;
    this._detachSocket(ws);
    try {
      if (ws.readyState === OPEN || ws.readyState === CONNECTING_READY_STATE) ws.close(CloseCodes.CLIENT_DEAD_CONNECTION, reason);
    } catch {
      // ignore
    }
    this._onSocketClosed(code, reason, ws);
  }

  _onSocketClosed(code, reason, ws) {
    this._clearRetries();
    this._clearTimer('heartbeat');
    this._clearTimer('refresh');
    this._clearTimer('stable');
    this._pending.clear();
    for (const state of this._channels.values()) {
      state.sent = false;
      state.gate = false;
      if (state.outcome && !state.outcome.error) state.outcome = null;
    }
    const wasOpen = this._opened;
    this._opened = false;
    const info = { code, reason, wasOpen };
    this._events.emit('disconnected', info, (e) => this._log('handler failed', e));
    if (!this._started) {
      this._setState(States.DISCONNECTED, { reason: 'closed', code });
      return;
    }
    if (code === CloseCodes.TOKEN_EXPIRED) {
      this._tokenStale = true;
      if (!this._getToken && !this._getTicket) {
        this._emitError(new LeadlineError('token_expired', 'the token expired and no getToken provider was given'));
        this._started = false;
        this._detachOnline();
        this._setState(States.DISCONNECTED, { reason: 'token_expired', code });
        if (this._rejectConnect) {
          this._rejectConnect(new LeadlineError('token_expired', 'the token expired'));
          this._resolveConnect = this._rejectConnect = null;
        }
        return;
      }
      this._scheduleReconnect(info, 0);
      return;
    }
    if (!wasOpen && this._getToken) {
      // the upgrade failed (401, network, server down): the next attempt asks for a fresh token
      this._tokenStale = true;
    }
    if (this._paused) {
      this._setState(States.DISCONNECTED, { reason: 'offline', code });
      return;
    }
    if (code === CloseCodes.RESTARTING) {
      this._scheduleReconnect(info, Math.round(this._random() * this._restartJitterMs));
      return;
    }
    this._scheduleReconnect(info);
  }

  _scheduleReconnect(info, delayOverride) {
    if (!this._started) return;
    const delay = delayOverride ?? backoffDelay(this._attempt, this._backoff, this._random);
    this._attempt += 1;
    this.stats.reconnects += 1;
    this._setState(States.RECONNECTING, { attempt: this._attempt, delayMs: delay, code: info && info.code });
    this._events.emit('reconnecting', { attempt: this._attempt, delayMs: delay, code: info && info.code },
      (e) => this._log('handler failed', e));
    this._setTimer('reconnect', delay, () => this._open());
  }

  // ---- frames ------------------------------------------------------------------------------

  _onMessage(ws, event) {
    if (this._ws !== ws) return;
    this._lastFrameAt = this._clock.now();
    const text = typeof event.data === 'string' ? event.data : String(event.data);
    // a batch frame holds one JSON object per line; JSON itself never holds a raw line break
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      this._onFrameText(end < 0 ? text.slice(start) : text.slice(start, end));
      if (end < 0 || this._ws !== ws) return;
      start = end + 1;
    }
  }

  _onFrameText(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      this._emitError(new LeadlineError('bad_frame', 'the server sent a frame that is not JSON'));
      return;
    }
    if (!frame || typeof frame.type !== 'string') return;
    if (this._debugFrames) this._logFrame('←', frame);
    this._events.emit('frame', frame, (e) => this._log('handler failed', e));
    if (CONTROL_FRAMES.has(frame.type)) {
      this._onControl(frame);
    } else {
      this._onEvent(frame);
    }
  }

  _onControl(frame) {
    switch (frame.type) {
      case 'connected':
        this._onConnected(frame);
        break;
      case 'subscribed':
        this._onSubscribed(frame);
        break;
      case 'unsubscribed':
        this._pending.delete(frame.id);
        break;
      case 'pong': {
        const p = this._pending.get(frame.id);
        this._pending.delete(frame.id);
        if (p && p.resolve) p.resolve(frame);
        break;
      }
      case 'refreshed': {
        this._pending.delete(frame.id);
        this._tokenExpiresAt = frame.token_expires_at;
        this._scheduleRefresh();
        this._events.emit('token_refreshed', { tokenExpiresAt: frame.token_expires_at }, (e) => this._log('handler failed', e));
        break;
      }
      case 'error':
        this._onErrorFrame(frame);
        break;
      default:
        break;
    }
  }

  _onConnected(frame) {
    this.userId = frame.user_id;
    this.connectionId = frame.connection_id;
    this.heartbeatSeconds = frame.heartbeat_s;
    if (frame.token_expires_at) this._tokenExpiresAt = frame.token_expires_at;
    this._tokenStale = false;
    this._everConnected = true;
    this._lastFrameAt = this._clock.now();
    this._setState(States.CONNECTED, { userId: frame.user_id });
    this._setTimer('stable', this._stableAfterMs, () => {
      this._attempt = 0;
    });
    this._startHeartbeat();
    this._scheduleRefresh();

    // channels the server subscribed us to on its own (user.{id})
    for (const channel of frame.channels || []) {
      let state = this._channels.get(channel);
      if (!state) {
        state = { subs: new Set(), auto: true, outcome: null, gate: false, filter: undefined, sent: false };
        this._channels.set(channel, state);
      }
      state.auto = true;
      const since = this._seq.resumePoint(channel);
      if (since !== undefined) {
        // The server subscribed this channel live, without replay. To recover what was missed, leave
        // it and subscribe again with since; live events before that reply are replayed anyway.
        state.gate = true;
        this._send({ type: 'unsubscribe', channel }, { kind: 'unsubscribe', channel });
        this._sendSubscribe(channel, state, since);
      } else {
        // already subscribed: the answer only tells the stream position to resume from later
        this._sendSubscribe(channel, state);
      }
    }
    for (const [channel, state] of this._channels) {
      if (!state.auto && !state.sent && state.subs.size > 0) {
        this._sendSubscribe(channel, state);
      }
    }
    this._events.emit('connected', frame, (e) => this._log('handler failed', e));
    if (this._resolveConnect) {
      this._resolveConnect(frame);
      this._resolveConnect = this._rejectConnect = null;
    }
  }

  _sendSubscribe(channel, state, sinceOverride) {
    const since = sinceOverride !== undefined ? sinceOverride : this._seq.resumePoint(channel);
    const frame = { type: 'subscribe', channel };
    if (since !== undefined) frame.since = since;
    if (state.filter) frame.filter = state.filter;
    state.sent = true;
    this._send(frame, { kind: 'subscribe', channel, since });
  }

  /** Sends a subscribe again after a jittered, growing delay (the server refused it for now: busy, rate_limited). */
  _retrySubscribe(channel, state, since) {
    if (state.retryTimer !== undefined && state.retryTimer !== null) return;
    const attempt = state.retries || 0;
    state.retries = attempt + 1;
    const delay = backoffDelay(attempt, { initialMs: 200, maxMs: 5_000 }, this._random);
    state.retryTimer = this._clock.setTimeout(() => {
      state.retryTimer = null;
      if (this._channels.get(channel) !== state || state.sent || !this._isOpen()) return;
      if (!state.auto && state.subs.size === 0) return;
      state.gate = state.auto && since !== undefined; // the own channel was left: hold live events again
      this._sendSubscribe(channel, state, since);
    }, delay);
  }

  _clearRetries() {
    for (const state of this._channels.values()) {
      if (state.retryTimer !== undefined && state.retryTimer !== null) {
        this._clock.clearTimeout(state.retryTimer);
        state.retryTimer = null;
      }
    }
  }

  _onSubscribed(frame) {
    const pending = this._pending.get(frame.id);
    this._pending.delete(frame.id);
    const state = this._channels.get(frame.channel);
    if (!state) return;
    state.retries = 0;
    const resumed = pending && pending.since !== undefined;
    state.gate = false;
    state.outcome = { frame };
    if (!resumed) {
      this._seq.noteWatermark(frame.channel, frame.seq);
    } else if (frame.recovered === false) {
      // history no longer reaches back to `since` (or the stream was reset and its sequence started
      // over): positions kept so far mean nothing now; the application re-reads state over REST
      this._seq.forget(frame.channel);
      this._seq.noteWatermark(frame.channel, frame.seq);
      this._events.emit('resync', { channel: frame.channel, since: pending.since, seq: frame.seq },
        (e) => this._log('handler failed', e));
    }
    for (const sub of state.subs) sub._settle(frame, null);
    this._events.emit('subscribed', { channel: frame.channel, seq: frame.seq, recovered: frame.recovered, resumed },
      (e) => this._log('handler failed', e));
  }

  _onErrorFrame(frame) {
    const pending = frame.ref ? this._pending.get(frame.ref) : undefined;
    if (frame.ref) this._pending.delete(frame.ref);
    const error = new LeadlineError(frame.code, frame.message, { ref: frame.ref, channel: pending && pending.channel });
    if (pending && pending.kind === 'subscribe') {
      const state = this._channels.get(pending.channel);
      if (state) {
        state.gate = false;
        state.sent = false;
        const permanent = ['forbidden', 'not_found', 'bad_request'].includes(frame.code);
        if (['busy', 'rate_limited'].includes(frame.code)) {
          // another replay of this connection is running, or too many came at once: ask again shortly
          this._retrySubscribe(pending.channel, state, pending.since);
        } else if (permanent && !state.auto) {
          state.outcome = { error };
          for (const sub of state.subs) {
            sub.active = false;
            sub._settle(null, error);
          }
          this._channels.delete(pending.channel);
        }
      }
    } else if (pending && pending.kind === 'refresh') {
      // the new token was refused: reconnect with a fresh one
      this._tokenStale = true;
      this._lose(CloseCodes.TOKEN_EXPIRED, 'token refresh refused');
    }
    this._emitError(error);
  }

  _onEvent(frame) {
    const channel = frame.channel;
    const state = this._channels.get(channel);
    if (state && state.gate) {
      return; // will be replayed by the pending subscribe-with-since
    }
    if (!this._seq.accept(channel, frame.seq, frame.id)) {
      this.stats.duplicatesDropped += 1;
      return;
    }
    this.stats.delivered += 1;
    const onError = (e) => this._log('handler failed', e);
    if (state) {
      for (const sub of [...state.subs]) {
        try {
          sub._dispatch(frame);
        } catch (e) {
          onError(e);
        }
      }
    }
    this._typeHandlers.emit(frame.type, frame, onError);
    this._typeHandlers.emit('*', frame, onError);
  }

  _send(frame, pending) {
    const ws = this._ws;
    if (!ws || ws.readyState !== OPEN) return false;
    if (pending) {
      const id = 'c' + (++this._frameId);
      frame.id = id;
      this._pending.set(id, pending);
    }
    if (this._debugFrames) this._logFrame('→', frame);
    try {
      ws.send(JSON.stringify(frame));
      return true;
    } catch (e) {
      this._log('send failed', e);
      return false;
    }
  }

  _release(sub) {
    const state = this._channels.get(sub.channel);
    if (!state) return;
    state.subs.delete(sub);
    if (state.subs.size === 0 && !state.auto) {
      this._channels.delete(sub.channel);
      this._seq.forget(sub.channel);
      if (this._isOpen()) this._send({ type: 'unsubscribe', channel: sub.channel }, { kind: 'unsubscribe', channel: sub.channel });
    }
  }

  // ---- heartbeat, token ---------------------------------------------------------------------

  _startHeartbeat() {
    const tick = () => {
      if (!this._ws) return;
      const silent = this._clock.now() - this._lastFrameAt;
      if (silent >= this._deadAfterMs) {
        this._log('no frame for ' + silent + ' ms: reconnecting');
        this._events.emit('dead', { silentMs: silent }, (e) => this._log('handler failed', e));
        this._lose(CloseCodes.CLIENT_DEAD_CONNECTION, 'no frame for ' + silent + ' ms');
        return;
      }
      this.stats.pings += 1;
      this._send({ type: 'ping' }, { kind: 'ping' });
      this._setTimer('heartbeat', this._nextTick(), tick);
    };
    this._setTimer('heartbeat', this._nextTick(), tick);
  }

  _nextTick() {
    // often enough to notice silence within deadAfterMs
    return Math.max(10, Math.min(this._pingIntervalMs, Math.floor(this._deadAfterMs / 2)));
  }

  _scheduleRefresh() {
    this._clearTimer('refresh');
    if (!this._getToken) return;
    const delay = refreshDelay(this._tokenExpiresAt, this._clock.now(), this._refreshBeforeMs);
    if (delay === null) return;
    this._setTimer('refresh', delay, () => {
      this.refreshToken().catch((e) => {
        this._emitError(new LeadlineError('token_provider_failed', 'could not refresh the token: ' + (e && e.message), { cause: e }));
        // try again later; if the token expires meanwhile the server closes with 4001 and we reconnect
        this._setTimer('refresh', Math.max(1_000, this._pingIntervalMs), () => this._scheduleRefresh());
      });
    });
  }

  async _currentToken() {
    if (this._getToken && (this._tokenStale || !this._token || this._expiredSoon())) {
      return this._fetchToken();
    }
    if (!this._token) this._token = this._staticToken;
    if (!this._token) return this._fetchToken();
    return this._token;
  }

  _expiredSoon() {
    const exp = this._tokenExpiresAt ?? jwtExpiry(this._token);
    return exp !== null && exp !== undefined && exp * 1000 <= this._clock.now() + 1_000;
  }

  async _fetchToken() {
    const result = await this._getToken();
    const token = typeof result === 'string' ? result : result && (result.token || result.access_token);
    if (!token) throw new LeadlineError('token_provider_failed', 'getToken returned no token');
    this._token = token;
    this._tokenStale = false;
    const exp = (result && typeof result === 'object' && result.expiresAt) || jwtExpiry(token);
    if (exp) this._tokenExpiresAt = exp;
    return token;
  }

  /**
   * A WebSocket ticket: from getTicket, or from POST ticketUrl with the current token as bearer (a 401
   * there makes the next attempt ask getToken for a fresh token).
   */
  async _newTicket(token) {
    if (this._getTicket) {
      const result = await this._getTicket();
      const ticket = typeof result === 'string' ? result : result && result.ticket;
      if (!ticket) throw new LeadlineError('ticket_failed', 'getTicket returned no ticket');
      return ticket;
    }
    if (!this._fetch) throw new LeadlineError('ticket_failed', 'no fetch implementation: pass one as the fetch option');
    const response = await this._fetch(this._ticketUrl, {
      method: 'POST', headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' },
    });
    if (!response.ok) {
      if (response.status === 401) this._tokenStale = true;
      throw new LeadlineError('ticket_failed', `POST ${this._ticketUrl} answered ${response.status}`, { status: response.status });
    }
    const body = await response.json();
    if (!body || typeof body.ticket !== 'string') throw new LeadlineError('ticket_failed', 'the ticket answer has no ticket');
    return body.ticket;
  }

  // ---- online / offline ---------------------------------------------------------------------

  _attachOnline() {
    if (this._visibilityTarget && !this._visibilityAttached) {
      this._visibilityTarget.addEventListener('visibilitychange', this._onVisibility);
      this._visibilityAttached = true;
    }
    if (!this._onlineTarget || this._onlineAttached) return;
    this._onlineTarget.addEventListener('online', this._onOnline);
    this._onlineTarget.addEventListener('offline', this._onOffline);
    this._onlineAttached = true;
  }

  _detachOnline() {
    if (this._visibilityTarget && this._visibilityAttached) {
      this._visibilityTarget.removeEventListener('visibilitychange', this._onVisibility);
      this._visibilityAttached = false;
    }
    if (!this._onlineTarget || !this._onlineAttached) return;
    this._onlineTarget.removeEventListener('online', this._onOnline);
    this._onlineTarget.removeEventListener('offline', this._onOffline);
    this._onlineAttached = false;
  }

  _handleVisibility() {
    if (!this._started || this._paused || this._ws || this._visibilityTarget.visibilityState !== 'visible') return;
    if (this._timers.reconnect !== null) {
      this._open(); // the attempt counter stays: a server that is still down is not asked more often
    }
  }

  _handleOffline() {
    if (!this._started) return;
    this._paused = true;
    this._clearTimer('reconnect');
    if (this._ws) {
      this._lose(CloseCodes.ABNORMAL, 'offline');
    } else {
      this._setState(States.DISCONNECTED, { reason: 'offline' });
    }
  }

  _handleOnline() {
    if (!this._started) return;
    const wasPaused = this._paused;
    this._paused = false;
    if (this._ws) return;
    if (wasPaused || this._timers.reconnect !== null) {
      this._attempt = 0;
      this._open();
    }
  }

  // ---- small helpers ------------------------------------------------------------------------

  _setState(state, detail = {}) {
    if (this._state === state && state !== States.RECONNECTING) return;
    const previous = this._state;
    this._state = state;
    this._events.emit('state', { state, previous, ...detail }, (e) => this._log('handler failed', e));
  }

  _setTimer(name, ms, fn) {
    this._clearTimer(name);
    this._timers[name] = this._clock.setTimeout(() => {
      this._timers[name] = null;
      fn();
    }, ms);
  }

  _clearTimer(name) {
    if (this._timers[name] !== null && this._timers[name] !== undefined) {
      this._clock.clearTimeout(this._timers[name]);
      this._timers[name] = null;
    }
  }

  _clearTimers() {
    for (const name of Object.keys(this._timers)) this._clearTimer(name);
  }

  _emitError(error) {
    const heard = this._events.emit('error', error, (e) => this._log('handler failed', e));
    if (!heard) this._log(error.code + ': ' + error.message);
  }

  _logFrame(direction, frame) {
    if (!this._logger || typeof this._logger.debug !== 'function') return;
    // a refresh frame carries the token: it never goes to a console someone may screenshot
    const shown = frame.token === undefined ? frame : { ...frame, token: '…' };
    this._logger.debug('[leadline] ' + direction + ' ' + frame.type, shown);
  }

  _log(message, error) {
    if (this._logger && typeof this._logger.warn === 'function') this._logger.warn('[leadline] ' + message, error || '');
  }
}

/** Shorthand: creates a client and starts connecting. */
export function connect(options) {
  const client = new LeadlineClient(options);
  client.connect().catch(() => {});
  return client;
}

export default LeadlineClient;
