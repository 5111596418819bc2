// Type declarations of @leadline/client/inbox.
import type { LeadlineClient, TokenResult } from './leadline.js';

/** A notification as notify-service's inbox answers it (snake_case, as on the wire). */
export interface Notification {
  /** The inbox id; for one the socket has just delivered, its event id until the stored record arrives. */
  id: number | string;
  event_id: string;
  type: string;
  title: string;
  message: string;
  priority: string;
  read: boolean;
  created_at: string | null;
  read_at: string | null;
  seq: number;
  data: Record<string, unknown>;
}

export interface InboxState {
  /** The newest notifications, newest first. */
  notifications: readonly Notification[];
  /** Exact: the newest inbox snapshot plus the inbox events received after it. */
  unreadCount: number;
  /** True once the inbox has been read over REST. */
  loaded: boolean;
  /** The last REST failure, until a later read succeeds. */
  error: Error | null;
}

export interface InboxOptions {
  /** notify-service's HTTP origin; by default the client's (ws://host/ws → http://host). */
  url?: string;
  /** A bearer token for the REST calls; without one only the socket's events are shown. */
  getToken?: () => TokenResult | Promise<TokenResult>;
  fetch?: typeof fetch;
  /** How many of the newest notifications are kept, 1-100; default 50. */
  size?: number;
}

/** ws://host:8080/ws → http://host:8080 */
export declare function httpOrigin(wsUrl: string): string;

export declare class Inbox {
  constructor(client: LeadlineClient, options?: InboxOptions);
  readonly client: LeadlineClient;
  readonly url: string;
  /** Follows the client's events and (re)connections; returns a function that stops. */
  start(): () => void;
  stop(): void;
  subscribe(listener: () => void): () => void;
  getSnapshot(): InboxState;
  reload(): Promise<void>;
  /** By inbox id or event id. */
  markAsRead(id: number | string): Promise<void>;
  markAllRead(): Promise<void>;
  /** Deletes every notification of the inbox. */
  clearAll(): Promise<void>;
}
