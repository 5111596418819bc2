// Type declarations of @leadline/client (hand-written; the module itself is plain JavaScript).

export declare const VERSION: string;

export declare const States: {
  readonly CONNECTING: 'connecting';
  readonly CONNECTED: 'connected';
  readonly RECONNECTING: 'reconnecting';
  readonly DISCONNECTED: 'disconnected';
};
export type ConnectionState = (typeof States)[keyof typeof States];

export declare const CloseCodes: {
  readonly NORMAL: 1000;
  readonly GOING_AWAY: 1001;
  readonly PROTOCOL_ERROR: 1002;
  readonly ABNORMAL: 1006;
  readonly INVALID_TEXT: 1007;
  readonly TOO_BIG: 1009;
  readonly SERVER_ERROR: 1011;
  readonly RESTARTING: 1012;
  readonly TOKEN_EXPIRED: 4001;
  readonly POLICY: 4008;
  readonly RATE_LIMITED: 4029;
  readonly CLIENT_DEAD_CONNECTION: 4000;
};

/** Error codes of the gateway's `error` frames, plus the client's own. */
export type ErrorCode =
  | 'bad_request' | 'unknown_type' | 'forbidden' | 'not_found' | 'too_many_subscriptions' | 'rate_limited'
  | 'token_expired' | 'token_invalid'
  | 'busy'
  | 'closed' | 'not_connected' | 'token_provider_failed' | 'ticket_failed' | 'socket_failed' | 'bad_frame'
  | (string & {});

export declare class LeadlineError extends Error {
  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>);
  readonly code: ErrorCode;
  /** The `id` of the client frame the error answers, when it answers one. */
  readonly ref?: string | null;
  /** The channel of a refused subscription. */
  readonly channel?: string;
}

/** An event as delivered: the stream sequence, the type, the channel, the event id, the time and its data. */
export interface LeadlineEvent<T = Record<string, unknown>, Type extends string = string> {
  type: Type;
  channel: string;
  seq: number;
  id: string;
  ts: number;
  data: T;
}

// ---- event payloads (docs/protocol.md) ----

export interface LeadSummary {
  id: string; title: string; description: string; category: string; city: string; state: string;
  urgency: string; property_type: string; units: number; price: number; max_claims: number; created_at: string;
}
export interface LeadClaimed { lead_id: string; current_claims: number; total_claims: number; available: boolean; competitive: boolean }
export interface LeadScore {
  score: number; tier: 'excellent' | 'good' | 'fair' | 'low';
  badge: { text: string; color: string; priority: string }; reasons: string[];
}
export interface LeadDistributed {
  lead: LeadSummary; score: LeadScore; notification: { title: string; message: string; priority: string };
}
export interface LeadAlert {
  lead_id: string; reason: string; title: string; message: string; priority: string;
  score?: number | null; current_claims?: number | null; total_claims?: number | null;
}
export interface BalanceUpdated { new_balance: number; previous_balance: number; change: number; reason: string; reference: string }
export interface NotificationMessage { title: string; message: string; priority: string; sender?: string; notification_id?: number }
export interface NotificationRead { notification_ids: number[]; all: boolean; unread_count: number }
export interface StatusChange { escrow_id: string; old_status: string; new_status: string; actor?: string }
export interface EscrowUpdate { escrow_id: string; status: string; amount: number | string; currency: string; event_type: string }
export interface PaymentStatus { escrow_id: string; status: string; payment_id?: string }
export interface TransactionEvent {
  id: string; amount: number | string; currency: string; status: string; provider: string; customer_ref: string; created_at: string;
}
export interface MetricsUpdated { transaction_count: number; success_rate: number | string; revenue_total: number | string; window: string }
export interface WebhookEvent { provider: string; event_id: string; type: string; status: string; error?: string | null }
export interface FraudAlert {
  rule: string; severity: string; transaction_id: string; customer_ref: string;
  /** The alert in one sentence for people, e.g. "6 payments within 10 minutes, more than the 5 allowed". */
  summary: string;
  details: Record<string, unknown>;
}

export interface EventDataByType {
  lead_created: LeadSummary;
  lead_claimed: LeadClaimed;
  lead_distributed: LeadDistributed;
  lead_alert: LeadAlert;
  balance_updated: BalanceUpdated;
  notification_message: NotificationMessage;
  notification_read: NotificationRead;
  status_change: StatusChange;
  escrow_update: EscrowUpdate;
  payment_status: PaymentStatus;
  confirmation_added: { escrow_id: string; party: string; user_id: string; note?: string };
  dispute_raised: { escrow_id: string; raised_by: string; reason: string };
  transaction_created: TransactionEvent;
  transaction_updated: TransactionEvent;
  refund_processed: { transaction_id: string; refund_id: string; amount: number | string; currency: string; customer_ref: string };
  metrics_updated: MetricsUpdated;
  webhook_received: WebhookEvent;
  webhook_processed: WebhookEvent;
  webhook_failed: WebhookEvent;
  fraud_alert: FraudAlert;
}
export type EventType = keyof EventDataByType;
export type TypedEvent<K extends EventType> = LeadlineEvent<EventDataByType[K], K>;
export type AnyEvent = LeadlineEvent<any>;

// ---- frames ----

export interface ConnectedFrame {
  type: 'connected'; user_id: string; connection_id: string; channels: string[]; heartbeat_s: number; token_expires_at: number;
}
export interface SubscribedFrame { type: 'subscribed'; channel: string; seq: number; recovered: boolean; id?: string | null }

// ---- options ----

/** A token, or an object with the token and its expiry (seconds since the epoch). */
export type TokenResult = string | { token: string; expiresAt?: number } | { access_token: string };

/** A WebSocket ticket, or the answer of POST /api/ws-tickets. */
export type TicketResult = string | { ticket: string; expires_in?: number };

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface EventTargetLike {
  addEventListener(type: string, listener: (event: unknown) => void): void;
  removeEventListener(type: string, listener: (event: unknown) => void): void;
}

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[], options?: unknown) => WebSocketLike;

export interface BackoffOptions {
  /** First ceiling of the jittered delay; default 500 ms. */
  initialMs?: number;
  /** Largest delay (the cap of the full jitter); default 5 000 ms. There is no cap on the number of attempts. */
  maxMs?: number;
  /** Growth of the ceiling per attempt; default 2. */
  factor?: number;
  /** Smallest delay; default 0. */
  minMs?: number;
}

export interface ClientOptions {
  /** The gateway, e.g. `ws://localhost:8080/ws` or `wss://…/ws`. */
  url: string;
  /** A fixed token (no refresh: a 4001 close ends the client). */
  token?: string;
  /** Called for the first token, again before token_expires_at, after a 4001 close and after a failed upgrade. */
  getToken?: () => TokenResult | Promise<TokenResult>;
  /** The WebSocket class: the browser's by default; `ws` on Node 20; React Native's global. */
  WebSocket?: WebSocketConstructor;
  /**
   * How the upgrade is authenticated: 'subprotocol' (default, works in browsers: the token in the
   * bearer-token-carrier subprotocol), 'header' (Authorization header; Node `ws` and React Native only),
   * or 'ticket' (`?ticket=`: a single-use ticket, valid ~30 s, asked for before every connect and
   * reconnect, from `getTicket` or from `POST ticketUrl`; the token itself never goes on the upgrade).
   */
  auth?: 'subprotocol' | 'header' | 'ticket';
  /**
   * With auth 'ticket': returns a fresh ticket (for example from your backend). Called before every
   * (re)connect. Without getToken there is no in-band refresh: at the token's expiry the server closes
   * with 4001 and the client reconnects with a new ticket.
   */
  getTicket?: () => TicketResult | Promise<TicketResult>;
  /**
   * With auth 'ticket': notify-service's ticket endpoint, e.g. `https://notify.example.com/api/ws-tickets`;
   * the client POSTs to it with the token (from `token` or `getToken`) as bearer.
   */
  ticketUrl?: string;
  /** The fetch used for ticketUrl; the global fetch by default. */
  fetch?: (url: string, init: { method: string; headers: Record<string, string> }) => Promise<{
    ok: boolean; status: number; json(): Promise<unknown>;
  }>;
  backoff?: BackoffOptions;
  /** On 1012 (server restarting) the client reconnects after a random delay below this; default 1000 ms. */
  restartJitterMs?: number;
  /** Client ping interval; default 20 000 ms. */
  pingIntervalMs?: number;
  /** No frame at all for this long: the connection is considered dead and replaced; default 45 000 ms. */
  deadAfterMs?: number;
  /** Ask for a new token this long before it expires (at most half its remaining life); default 60 000 ms. */
  refreshBeforeMs?: number;
  /** A connection up this long resets the backoff; default 10 000 ms. */
  stableAfterMs?: number;
  /** Injected time and timers (tests). */
  clock?: Partial<Clock>;
  /** Injected randomness for the jitter (tests). */
  random?: () => number;
  /** Where `online`/`offline` events come from: `window` by default in browsers; false to ignore them. */
  onlineEvents?: EventTargetLike | false;
  /**
   * Where `visibilitychange` comes from (an object with `visibilityState`): `document` by default in
   * browsers, none elsewhere (Node, React Native); false to ignore it. Becoming visible during a backoff
   * wait makes the attempt at once.
   */
  visibilityEvents?: (EventTargetLike & { readonly visibilityState: string }) | false;
  /** Logs every frame in and out with `logger.debug` (tokens left out); the logger is `console` unless given. */
  debug?: boolean;
  logger?: { warn(...args: unknown[]): void; debug?(...args: unknown[]): void };
}

export interface SubscribeOptions {
  /** Only these event types reach this subscription's handlers. */
  types?: string[];
  /** A server-side filter, e.g. `{ kinds: ['metrics', 'fraud'] }` on payments.monitor. */
  filter?: Record<string, unknown>;
}

export type EventHandler<E = AnyEvent> = (event: E) => void;
export type HandlerMap = { [K in EventType]?: EventHandler<TypedEvent<K>> } & { '*'?: EventHandler<AnyEvent> } & {
  [type: string]: EventHandler<any> | undefined;
};

export declare class Subscription {
  readonly channel: string;
  readonly active: boolean;
  /** Resolves with the `subscribed` frame; rejects with a LeadlineError (forbidden, not_found, …). */
  ready(): Promise<SubscribedFrame>;
  unsubscribe(): void;
}

export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
  reason?: 'offline' | 'closed' | 'token_expired' | string;
  attempt?: number;
  delayMs?: number;
  code?: number;
  userId?: string;
}

export interface LifecycleEvents {
  state: StateChange;
  connected: ConnectedFrame;
  /** A socket closed (the client may be about to reconnect: see `state`). */
  disconnected: { code: number; reason: string; wasOpen: boolean };
  reconnecting: { attempt: number; delayMs: number; code?: number };
  subscribed: { channel: string; seq: number; recovered: boolean; resumed: boolean };
  /** History no longer reaches back to what was missed: re-read the channel's state over REST. */
  resync: { channel: string; since: number; seq: number };
  token_refreshed: { tokenExpiresAt: number };
  error: LeadlineError;
  /** No frame for deadAfterMs: the connection is being replaced. */
  dead: { silentMs: number };
  /** Every frame received, before the client handles it (debugging). */
  frame: Record<string, unknown>;
}

export declare class LeadlineClient {
  constructor(options: ClientOptions);
  readonly url: string;
  readonly state: ConnectionState;
  /** True while the browser is offline: no attempts until it is back online. */
  readonly paused: boolean;
  readonly tokenExpiresAt: number | null;
  userId: string | null;
  connectionId: string | null;
  heartbeatSeconds: number | null;
  readonly stats: { delivered: number; duplicatesDropped: number; reconnects: number; pings: number };

  /** Starts connecting; resolves with the first `connected` frame. */
  connect(): Promise<ConnectedFrame>;
  /** Closes; no reconnect until connect() is called again, which resubscribes every channel with since. */
  close(code?: number, reason?: string): void;
  on<K extends keyof LifecycleEvents>(name: K, fn: (payload: LifecycleEvents[K]) => void): () => void;
  /** One event type on every channel, or '*' for all events. */
  onEvent<K extends EventType>(type: K, fn: EventHandler<TypedEvent<K>>): () => void;
  onEvent(type: '*' | string, fn: EventHandler<AnyEvent>): () => void;
  subscribe(channel: string, handlers?: EventHandler | HandlerMap, options?: SubscribeOptions): Subscription;
  unsubscribe(channel: string): void;
  lastSeq(channel: string): number | undefined;
  channels(): string[];
  refreshToken(): Promise<boolean>;
  ping(): Promise<{ type: 'pong' }>;
  /**
   * Tries to connect now instead of waiting out the backoff; false (nothing done) while a connection is up
   * or being opened, or before connect().
   */
  reconnectNow(): boolean;
  /** Drops the connection as a network failure would (tests, demos); the client reconnects. */
  simulateDrop(): void;
}

export declare function connect(options: ClientOptions): LeadlineClient;

/** The reconnect delay's defaults: 500 ms doubling per attempt, capped at 5 000 ms, full jitter from 0. */
export declare const DEFAULT_BACKOFF: Readonly<Required<BackoffOptions>>;
export declare function backoffDelay(attempt: number, options?: BackoffOptions, random?: () => number): number;
export declare function refreshDelay(expiresAtSeconds: number | null | undefined, nowMs: number, refreshBeforeMs?: number, minDelayMs?: number): number | null;
export declare function jwtExpiry(token: string): number | null;
export declare function bearerSubprotocols(token: string): [string, string];

/** How many of the newest event ids a client remembers, to recognise an event published twice. */
export declare const REMEMBERED_EVENT_IDS: number;

export declare class SeqTracker {
  constructor(rememberedIds?: number);
  /** False for a duplicate: a seq at or below the channel's last one, or an event id seen before. */
  accept(channel: string, seq: number, id?: string): boolean;
  last(channel: string): number | undefined;
  noteWatermark(channel: string, seq: number): void;
  resumePoint(channel: string): number | undefined;
  forget(channel: string): void;
}

/** The events the server also stores in the inbox of the user who receives them. */
export declare const INBOX_EVENT_TYPES: Readonly<{ user: readonly string[]; escrow: readonly string[] }>;

export declare function isInboxEvent(event: { channel?: string; type?: string } | null | undefined): boolean;

/** A snapshot of a user's inbox: a REST answer or the data of a `notification_read` event. */
export interface InboxSnapshot {
  unread_count: number;
  /** The stream sequence up to which the count is exact. */
  as_of_seq: number;
  /** The version of the user's read state the count reflects. */
  read_version?: number;
}

/**
 * An exact unread count: the newest inbox snapshot plus the inbox events received on the socket
 * after its `as_of_seq`; older snapshots arriving late are ignored.
 */
export declare class UnreadCounter {
  /** An event from the socket; true when it changed the count. */
  observe(event: { id?: string; channel: string; type: string; seq?: number }): boolean;
  /** True when the snapshot was newer than the one applied before, and was applied. */
  apply(snapshot: InboxSnapshot): boolean;
  readonly count: number;
  readonly asOfSeq: number;
}

export default LeadlineClient;
