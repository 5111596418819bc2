// Provider dashboard: live leads with claim counts and competition, credit balance, notification bell.
import { h, $, api, withSession, liveClient, toast, beep, mountHeader, formatTime, uuid } from './app.js';
import { UnreadCounter } from '../sdk/leadline.js';

const MAX_LEADS = 50;
// One new lead comes as lead_created (everyone), lead_distributed (to each provider it suits) and, for an
// excellent one, lead_alert: one toast tells of it, the one most about this provider (later, competition
// on it replaces that toast).
const TOAST_RANK = Object.freeze({ created: 0, distributed: 1, alert: 2, claimed: 2 });
const leadToast = (leadId, rank) => (leadId === undefined || leadId === null ? {} : { key: `lead-${leadId}`, rank });
const leads = new Map(); // lead id (string) -> entry
// the badge: the newest inbox snapshot (REST answers, notification_read) plus inbox events seen since
const unread = new UnreadCounter();
let inboxAvailable = true;

withSession($('#main'), start, { title: 'Sign in to see live leads' });

function start(current) {
  mountHeader(current);
  $('#leads-panel').hidden = false;
  $('#balance-box').hidden = false;
  $('#bell').hidden = false;
  const client = liveClient($('#conn'));

  const leadsSub = client.subscribe('leads', {
    lead_created: (e) => onLeadCreated(e.data),
    lead_claimed: (e) => onLeadClaimed(e.data),
  });
  leadsSub.ready().catch((e) => {
    $('#leads-note').textContent = e.code === 'forbidden'
      ? 'Your account may not see the lead feed (providers and property managers only).'
      : 'The lead feed is not available: ' + e.message;
  });
  client.onEvent('lead_distributed', (e) => onLeadDistributed(e.data));
  client.onEvent('lead_alert', (e) => toast({
    title: e.data.title || 'Lead alert', message: e.data.message || '', kind: 'lead_alert',
    urgent: e.data.priority === 'high' || e.data.priority === 'urgent',
    ...leadToast(e.data.lead_id, TOAST_RANK.alert),
  }));
  client.onEvent('balance_updated', (e) => onBalance(e.data));
  client.onEvent('notification_message', (e) => toast({
    title: e.data.title || 'Notification', message: e.data.message || '', kind: 'notification_message',
    urgent: e.data.priority === 'high' || e.data.priority === 'urgent',
    durationMs: e.data.priority === 'urgent' ? 12000 : 6000,
  }));
  client.onEvent('notification_read', (e) => onNotificationRead(e.data));
  client.onEvent('*', (e) => {
    if (unread.observe(e)) {
      showUnread();
      if (!$('#inbox').hidden) loadInbox();
    }
  });
  // history no longer covers the outage: read the state again
  client.on('resync', () => {
    loadLeads();
    loadBalance();
    loadUnread();
  });

  setupInbox();
  loadLeads();
  loadBalance();
  loadUnread();
}

// ---- leads -----------------------------------------------------------------------------------------

async function loadLeads() {
  try {
    const page = await api.leads('/api/leads?size=20');
    for (const lead of [...(page.items || [])].reverse()) {
      upsertLead(String(lead.id), {
        lead,
        claims: { current: lead.current_claims ?? 0, total: lead.max_claims ?? 0, available: lead.available !== false },
        contact: lead.contact || null,
      }, false);
    }
  } catch (e) {
    if (e.status !== 403) $('#leads-note').textContent = 'Could not load leads: ' + e.message;
  }
}

function onLeadCreated(data) {
  upsertLead(String(data.id), {
    lead: data,
    claims: { current: 0, total: data.max_claims ?? 0, available: true },
  }, true);
  toast({
    title: 'New lead: ' + data.title, message: [data.category, [data.city, data.state].filter(Boolean).join(', ')].filter(Boolean).join(' · '),
    kind: 'lead_created', ...leadToast(data.id, TOAST_RANK.created),
  });
}

function onLeadClaimed(data) {
  const id = String(data.lead_id);
  const entry = leads.get(id);
  upsertLead(id, {
    claims: { current: data.current_claims, total: data.total_claims, available: data.available, competitive: data.competitive },
  }, false);
  if (entry && data.competitive) {
    toast({
      title: 'Competition on a lead',
      message: `${entry.lead.title}: ${data.current_claims} of ${data.total_claims} claimed`,
      kind: 'lead_claimed',
      ...leadToast(data.lead_id, TOAST_RANK.claimed),
    });
  }
}

function onLeadDistributed(data) {
  const lead = data.lead || {};
  const score = data.score || {};
  const id = String(lead.id);
  upsertLead(id, { lead, score }, !leads.has(id));
  const excellent = score.tier === 'excellent';
  const note = data.notification || {};
  toast({
    title: note.title || (excellent ? 'Excellent lead for you' : 'A lead for you'),
    message: (note.message || lead.title || '') + (score.score !== undefined ? ` (score ${score.score})` : ''),
    kind: excellent ? 'excellent' : 'lead_distributed',
    durationMs: excellent ? 15000 : 6000,
    urgent: excellent,
    ...leadToast(lead.id, TOAST_RANK.distributed),
  });
  if (excellent) beep();
}

function upsertLead(id, patch, fresh) {
  const entry = leads.get(id) || { id, lead: {}, claims: { current: 0, total: 0, available: true } };
  if (patch.lead) entry.lead = { ...entry.lead, ...patch.lead };
  if (patch.claims) entry.claims = { ...entry.claims, ...patch.claims };
  if (patch.claims && patch.claims.competitive === undefined) {
    entry.claims.competitive = entry.claims.current >= 2;
  }
  if (patch.score) entry.score = patch.score;
  if (patch.contact) entry.contact = patch.contact;
  leads.set(id, entry);
  renderLead(entry, fresh);
  const list = $('#leads');
  while (list.children.length > MAX_LEADS) {
    const last = list.lastElementChild;
    leads.delete(last.dataset.leadId);
    last.remove();
  }
}

function renderLead(entry, fresh) {
  const { lead, claims, score } = entry;
  const full = claims.total > 0 && (claims.current >= claims.total || claims.available === false);
  const claimButton = h('button', {
    type: 'button', class: 'primary claim', disabled: full || entry.claimed || entry.claiming,
    'aria-label': `Claim lead: ${lead.title || entry.id}`, onclick: () => claim(entry),
  }, entry.claimed ? 'Claimed' : entry.claiming ? 'Claiming…' : 'Claim' + (lead.price ? ` (${lead.price} credits)` : ''));
  const card = h('li', { class: 'lead' + (fresh ? ' new' : ''), dataset: { leadId: entry.id }, 'aria-labelledby': `lead-${entry.id}-title` },
    h('h3', { id: `lead-${entry.id}-title` }, lead.title || `Lead ${entry.id}`),
    h('div', { class: 'facts' },
      lead.category && h('span', {}, lead.category.replace(/_/g, ' ')),
      (lead.city || lead.state) && h('span', {}, [lead.city, lead.state].filter(Boolean).join(', ')),
      lead.urgency && h('span', {}, 'urgency: ' + lead.urgency),
      lead.property_type && h('span', {}, lead.property_type.replace(/_/g, ' ') + (lead.units > 1 ? ` · ${lead.units} units` : '')),
      lead.created_at && h('span', {}, formatTime(lead.created_at))),
    h('div', { class: 'row' },
      h('span', { class: 'claims', dataset: { current: claims.current, total: claims.total } },
        claims.total ? `${claims.current} / ${claims.total} claimed` : `${claims.current} claimed`),
      claims.competitive && h('span', { class: 'pill competitive' }, 'Competitive'),
      full && h('span', { class: 'pill full' }, 'Full'),
      score && score.tier && h('span', {
        class: `pill tier-${score.tier}`,
        title: (score.reasons || []).join('; '),
      }, (score.badge && score.badge.text) || score.tier, score.score !== undefined ? ` · ${score.score}` : ''),
      claimButton),
    score && score.reasons && score.reasons.length > 0 && h('p', { class: 'note' }, 'Why: ' + score.reasons.join('; ')),
    entry.message && h('p', { class: entry.messageError ? 'error-text' : 'note', role: 'status' }, entry.message),
    entry.contact && h('div', { class: 'contact' },
      h('strong', {}, 'Contact: '),
      [entry.contact.name || entry.contact.contact_name, entry.contact.email || entry.contact.contact_email,
        entry.contact.phone || entry.contact.contact_phone].filter(Boolean).join(' · ')));
  const existing = document.querySelector(`#leads [data-lead-id="${CSS.escape(entry.id)}"]`);
  if (existing) {
    const hadFocus = existing.contains(document.activeElement);
    existing.replaceWith(card);
    card.classList.remove('new');
    if (hadFocus) card.querySelector('button.claim')?.focus();
  } else {
    $('#leads').prepend(card);
  }
}

async function claim(entry) {
  entry.key ||= uuid(); // the same key for retries of this claim: charged once
  entry.claiming = true;
  entry.message = null;
  renderLead(entry, false);
  try {
    const result = await api.leads(`/api/leads/${encodeURIComponent(entry.id)}/claim`, {
      method: 'POST', headers: { 'Idempotency-Key': entry.key },
    });
    entry.claimed = true;
    entry.contact = (result && (result.contact || (result.lead && result.lead.contact))) || entry.contact;
    entry.message = 'Claimed. The contact details are yours.';
    entry.messageError = false;
  } catch (e) {
    entry.messageError = true;
    if (e.status === 402) entry.message = 'Not enough credits for this lead.';
    else if (e.status === 409) entry.message = e.message || 'This lead is full or you already claimed it.';
    else if (e.status === 404 || e.status === 405) entry.message = 'Claiming is not available on this server yet.';
    else if (e.status === 403) entry.message = 'Your account may not claim leads.';
    else entry.message = 'Claim failed: ' + e.message;
    if (e.status && e.status < 500) entry.key = null; // a definite answer: a new attempt is a new claim
  } finally {
    entry.claiming = false;
    renderLead(entry, false);
  }
}

// ---- balance ---------------------------------------------------------------------------------------

async function loadBalance() {
  try {
    const wallet = await api.payments('/api/wallet');
    setBalance(wallet.balance, false);
  } catch (e) {
    $('#balance').textContent = e.status === 404 ? 'n/a' : '?';
    $('#balance').title = 'Could not read the balance: ' + e.message;
  }
}

function setBalance(value, flash) {
  $('#balance').textContent = String(value);
  $('#balance').dataset.value = String(value);
  if (flash) {
    const box = $('#balance-box');
    box.classList.remove('flash');
    void box.offsetWidth;
    box.classList.add('flash');
  }
}

function onBalance(data) {
  setBalance(data.new_balance, true);
  const change = Number(data.change);
  toast({
    title: `${change >= 0 ? '+' : ''}${change} credits`,
    message: `${(data.reason || '').replace(/_/g, ' ')} · balance ${data.new_balance}`,
    kind: 'balance',
  });
}

// ---- notifications ---------------------------------------------------------------------------------

function showUnread() {
  const count = Math.max(0, unread.count);
  const badge = $('#badge');
  badge.hidden = count === 0;
  badge.textContent = count > 9 ? '9+' : String(count);
  badge.dataset.count = String(count);
  $('#bell-label').textContent = count === 0 ? 'Notifications, none unread' : `Notifications, ${count} unread`;
}

/** A snapshot of the inbox (a REST answer or a notification_read event): the badge follows the newest. */
function applySnapshot(snapshot) {
  if (unread.apply(snapshot)) showUnread();
}

async function loadUnread() {
  try {
    applySnapshot(await api.notify('/api/notifications/unread-count'));
    inboxAvailable = true;
  } catch (e) {
    if (e.status === 404) inboxAvailable = false;
  }
}

function onNotificationRead(data) {
  applySnapshot(data);
  const ids = new Set((data.notification_ids || []).map(String));
  for (const li of document.querySelectorAll('#inbox-list li')) {
    if (data.all || ids.has(li.dataset.id)) markItemRead(li);
  }
}

function markItemRead(li) {
  li.classList.remove('unread');
  li.querySelector('button.mark')?.remove();
}

function setupInbox() {
  const bell = $('#bell');
  const pop = $('#inbox');
  const close = (focusBell = true) => {
    pop.hidden = true;
    bell.setAttribute('aria-expanded', 'false');
    if (focusBell) bell.focus();
  };
  bell.addEventListener('click', () => {
    if (pop.hidden) {
      pop.hidden = false;
      bell.setAttribute('aria-expanded', 'true');
      loadInbox().then(() => ($('#read-all').focus()));
    } else {
      close();
    }
  });
  pop.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
  });
  document.addEventListener('click', (e) => {
    if (!pop.hidden && !pop.contains(e.target) && !bell.contains(e.target)) close(false);
  });
  $('#read-all').addEventListener('click', async () => {
    try {
      onNotificationRead(await api.notify('/api/notifications/read-all', { method: 'POST' }));
    } catch (e) {
      toast({ title: 'Could not mark read', message: e.message, kind: 'error' });
    }
  });
  $('#clear-all').addEventListener('click', async () => {
    try {
      await api.notify('/api/notifications', { method: 'DELETE' });
      $('#inbox-list').replaceChildren();
      $('#inbox-empty').hidden = false;
      await loadUnread();
    } catch (e) {
      toast({ title: 'Could not clear', message: e.message, kind: 'error' });
    }
  });
}

async function loadInbox() {
  const list = $('#inbox-list');
  if (!inboxAvailable) {
    $('#inbox-empty').textContent = 'The notification inbox is not available on this server yet.';
    return;
  }
  try {
    const page = await api.notify('/api/notifications?size=20');
    applySnapshot(page);
    const items = page.items || [];
    list.replaceChildren(...items.map((n) => h('li', { class: n.read ? '' : 'unread', dataset: { id: String(n.id) } },
      h('div', {}, h('strong', {}, n.title || n.type), h('div', {}, n.message || '')),
      n.read ? null : h('button', {
        type: 'button', class: 'link mark', 'aria-label': `Mark read: ${n.title || n.type}`,
        onclick: async (e) => {
          e.stopPropagation();
          try {
            const result = await api.notify(`/api/notifications/${n.id}/read`, { method: 'POST' });
            onNotificationRead(result);
          } catch (err) {
            toast({ title: 'Could not mark read', message: err.message, kind: 'error' });
          }
        },
      }, 'Mark read'),
      h('span', { class: 'meta' }, formatTime(n.created_at), n.priority && n.priority !== 'normal' ? ` · ${n.priority}` : ''))));
    $('#inbox-empty').hidden = items.length > 0;
    $('#inbox-empty').textContent = 'No notifications.';
  } catch (e) {
    $('#inbox-empty').hidden = false;
    $('#inbox-empty').textContent = 'Could not load notifications: ' + e.message;
  }
}
