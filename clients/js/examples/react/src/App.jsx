// A notification bell (unread count, the inbox, mark as read, clear all) and a live feed of new leads.
import { useState } from 'react';
import { useChannel, useLeadline } from '@leadline/client/react';

function ConnectionStatus() {
  const { state, isConnected } = useLeadline();
  return <span className="status" role="status" data-state={state}>{isConnected ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…'}</span>;
}

function BellIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
    </svg>
  );
}

function Bell() {
  const { notifications, unreadCount, markAsRead, markAllRead, clearAll } = useLeadline();
  const [open, setOpen] = useState(false);
  return (
    <div className="bell">
      <button type="button" aria-label={`Notifications, ${unreadCount} unread`} aria-expanded={open} onClick={() => setOpen(!open)}>
        <BellIcon />
        {unreadCount > 0 && <span className="badge" data-count={unreadCount}>{unreadCount}</span>}
      </button>
      {open && (
        <section className="inbox" aria-label="Notifications">
          <header>
            <button type="button" onClick={() => markAllRead()} disabled={unreadCount === 0}>Mark all read</button>
            <button type="button" onClick={() => clearAll()} disabled={notifications.length === 0}>Clear all</button>
          </header>
          {notifications.length === 0 ? <p className="empty">No notifications</p> : (
            <ul>
              {notifications.map((n) => (
                <li key={n.event_id} className={n.read ? 'read' : 'unread'}>
                  <strong>{n.title}</strong>
                  {n.message && <span>{n.message}</span>}
                  {!n.read && <button type="button" onClick={() => markAsRead(n.id)}>Mark as read</button>}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}

function LeadFeed() {
  const [leads, setLeads] = useState([]);
  // a new handler every render: useChannel keeps its subscription and calls the newest one
  const { subscribed, error } = useChannel('leads', {
    lead_created: (event) => setLeads((shown) => [event.data, ...shown].slice(0, 20)),
  });
  return (
    <section className="feed" aria-label="New leads" data-subscribed={subscribed}>
      <h2>New leads</h2>
      {error && <p role="alert">Not allowed to see leads ({error.code})</p>}
      {leads.length === 0 ? <p className="empty">Waiting for new leads…</p> : (
        <ul>{leads.map((lead) => <li key={lead.lead_id}>{lead.title} <small>{lead.city}</small></li>)}</ul>
      )}
    </section>
  );
}

export function App() {
  return (
    <main>
      <header className="top">
        <h1>Leadline</h1>
        <ConnectionStatus />
        <Bell />
      </header>
      <LeadFeed />
    </main>
  );
}
