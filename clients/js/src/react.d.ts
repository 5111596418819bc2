// Type declarations of @leadline/client/react.
import type { ReactNode, ReactElement } from 'react';
import type {
  AnyEvent, ClientOptions, ConnectionState, EventHandler, HandlerMap, LeadlineClient, LeadlineError, SubscribeOptions,
} from './leadline.js';
import type { InboxOptions, Notification } from './inbox.js';

export interface LeadlineProviderProps {
  /** A client the application made: connected by the provider, never closed by it. */
  client?: LeadlineClient;
  /** Options to make a client: read once on mount; the client is closed on unmount. */
  options?: ClientOptions;
  /** The inbox's REST settings (by default the client's origin and the options' token), or false for none. */
  inbox?: InboxOptions | false;
  children?: ReactNode;
}

export declare function LeadlineProvider(props: LeadlineProviderProps): ReactElement;

export interface LeadlineValue {
  /** Null during the first render of a provider that makes its own client. */
  client: LeadlineClient | null;
  state: ConnectionState;
  isConnected: boolean;
  /** The newest notifications, newest first. */
  notifications: readonly Notification[];
  unreadCount: number;
  /** By inbox id or event id. */
  markAsRead(id: number | string): Promise<void>;
  markAllRead(): Promise<void>;
  /** Deletes every notification of the inbox. */
  clearAll(): Promise<void>;
  inboxLoaded: boolean;
  inboxError: Error | null;
  reloadInbox(): Promise<void>;
}

export declare function useLeadline(): LeadlineValue;

export interface ChannelStatus {
  /** True once the server confirmed the subscription. */
  subscribed: boolean;
  /** Why the server refused it (code 'forbidden', 'not_found', …). */
  error: LeadlineError | null;
}

/**
 * Listens to `channel` while mounted; the latest handler is called, so a new function each render does
 * not resubscribe; a new channel (or types, filter) does. A falsy channel subscribes to nothing.
 */
export declare function useChannel(
  channel: string | null | undefined,
  handler: EventHandler<AnyEvent> | HandlerMap,
  options?: SubscribeOptions,
): ChannelStatus;
