// Escrow status page: a live timeline of one escrow (escrow.{id}) for its buyer, seller and admins.
import { h, $, api, withSession, liveClient, mountHeader, formatTime, formatMoney, toast } from './app.js';

const ORDER = ['INITIATED', 'HELD', 'RELEASED'];
const id = new URLSearchParams(location.search).get('id');

withSession($('#main'), start, { title: 'Sign in to follow an escrow' });

function start(current) {
  mountHeader(current);
  if (!id) {
    $('#pick').hidden = false;
    $('#pick-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const params = new URLSearchParams(location.search);
      params.set('id', new FormData(e.target).get('id'));
      location.search = params.toString();
    });
    $('#conn').dataset.state = 'disconnected';
    $('#conn').textContent = 'Not connected';
    return;
  }
  $('#escrow-title').textContent = `Escrow ${id}`;
  const client = liveClient($('#conn'));
  const sub = client.subscribe(`escrow.${id}`, (event) => onEvent(event));
  sub.ready().then(() => {
    $('#escrow').hidden = false;
    load();
  }, (error) => {
    $('#forbidden').hidden = false;
    $('#forbidden-text').textContent = error.code === 'forbidden'
      ? 'Only the buyer, the seller and administrators may follow this escrow.'
      : `This escrow cannot be followed: ${error.message}`;
  });
  client.on('resync', load);
}

async function load() {
  try {
    const escrow = await api.payments(`/api/escrows/${encodeURIComponent(id)}`);
    setStatus(escrow.status);
    $('#summary').textContent = [escrow.amount !== undefined ? formatMoney(escrow.amount, escrow.currency || 'USD') : '',
      escrow.description || ''].filter(Boolean).join(' · ');
  } catch (e) {
    $('#summary').textContent = e.status === 404 ? '(details not available)' : `(could not load details: ${e.message})`;
  }
}

function setStatus(status) {
  if (!status) return;
  const s = String(status).toUpperCase();
  $('#status').textContent = s;
  $('#status').dataset.status = s;
  const reached = ORDER.indexOf(s);
  for (const li of document.querySelectorAll('#steps li')) {
    const step = li.dataset.status;
    li.className = '';
    li.removeAttribute('aria-current');
    if (step === s) {
      li.className = s === 'DISPUTED' || s === 'REFUNDED' ? 'alert' : 'current';
      li.setAttribute('aria-current', 'step');
    } else if (ORDER.includes(step) && reached > ORDER.indexOf(step)) {
      li.className = 'done';
    } else if (step === 'INITIATED' && ['REFUNDED', 'DISPUTED'].includes(s)) {
      li.className = 'done';
    }
  }
}

function describe(event) {
  const d = event.data || {};
  switch (event.type) {
    case 'status_change':
      return [`Status ${d.old_status || '–'} → ${d.new_status}`, d.actor ? `by ${d.actor}` : ''];
    case 'escrow_update':
      return [`${(d.event_type || 'update').replace(/_/g, ' ')}`, [d.status, d.amount !== undefined ? formatMoney(d.amount, d.currency || 'USD') : ''].filter(Boolean).join(' · ')];
    case 'payment_status':
      return [`Payment ${d.status}`, d.payment_id ? `payment ${d.payment_id}` : ''];
    case 'confirmation_added':
      return [`Confirmed by the ${d.party || 'party'}`, d.note || ''];
    case 'dispute_raised':
      return ['Dispute raised', d.reason || ''];
    default:
      return [event.type.replace(/_/g, ' '), ''];
  }
}

function onEvent(event) {
  const d = event.data || {};
  if (event.type === 'status_change') setStatus(d.new_status);
  else if (event.type === 'escrow_update' && d.status) setStatus(d.status);
  const [title, detail] = describe(event);
  $('#timeline').append(h('li', { dataset: { type: event.type, seq: event.seq } },
    h('strong', {}, title), detail ? h('div', {}, detail) : null,
    h('time', { datetime: new Date(event.ts || Date.now()).toISOString() }, formatTime(event.ts))));
  $('#timeline-empty').hidden = true;
  if (event.type === 'status_change' || event.type === 'dispute_raised') {
    toast({ title: `Escrow ${id}: ${title}`, kind: event.type, urgent: event.type === 'dispute_raised' });
  }
}
