// Admin payment monitoring: live metrics, transactions (sortable, filterable), webhooks and fraud alerts.
import { h, $, api, withSession, liveClient, toast, mountHeader, formatTime, formatMoney, beep } from './app.js';

const KIND_OF = {
  transaction_created: 'transactions', transaction_updated: 'transactions', refund_processed: 'transactions',
  metrics_updated: 'metrics',
  webhook_received: 'webhooks', webhook_processed: 'webhooks', webhook_failed: 'webhooks',
  fraud_alert: 'fraud',
};
const MAX_ROWS = 200;
const transactions = new Map(); // id -> transaction
const sort = { key: 'created_at', dir: 'descending' };
let client;
let subscription;

withSession($('#main'), start, { title: 'Sign in to monitor payments' });

function start(current) {
  mountHeader(current);
  client = liveClient($('#conn'), { onLoginRequired: () => location.reload() });
  subscribeMonitor();
  $('#kinds').addEventListener('change', () => {
    applyKindVisibility();
    subscribeMonitor(); // the server filters by the new kinds from now on
  });
  $('#tx-filters').addEventListener('input', renderTransactions);
  $('#tx-filters').addEventListener('submit', (e) => e.preventDefault());
  for (const button of document.querySelectorAll('th button[data-sort]')) {
    button.addEventListener('click', () => {
      const key = button.dataset.sort;
      sort.dir = sort.key === key && sort.dir === 'descending' ? 'ascending' : 'descending';
      sort.key = key;
      for (const th of document.querySelectorAll('th[aria-sort]')) th.setAttribute('aria-sort', 'none');
      button.parentElement.setAttribute('aria-sort', sort.dir);
      renderTransactions();
    });
  }
  client.on('resync', () => loadInitial());
}

function selectedKinds() {
  return [...document.querySelectorAll('#kinds input[name="kind"]:checked')].map((i) => i.value);
}

function applyKindVisibility() {
  const kinds = new Set(selectedKinds());
  for (const section of document.querySelectorAll('[data-kind]')) section.hidden = !kinds.has(section.dataset.kind);
  document.querySelector('.stats').hidden = !kinds.has('metrics');
}

function subscribeMonitor() {
  if (subscription) subscription.unsubscribe();
  const kinds = selectedKinds();
  subscription = client.subscribe('payments.monitor', (event) => {
    if (!selectedKinds().includes(KIND_OF[event.type])) return; // the page filters too
    handle(event);
  }, { filter: { kinds } });
  subscription.ready().then(() => {
    if ($('#monitor').hidden) {
      $('#monitor').hidden = false;
      applyKindVisibility();
      loadInitial();
    }
  }, (error) => {
    if (error.code === 'forbidden') {
      $('#monitor').hidden = true;
      $('#forbidden').hidden = false;
      $('#forbidden-text').textContent = 'Payment monitoring is for administrators; the server refused this account ('
        + error.message + ').';
      $('#forbidden').focus?.();
    } else {
      toast({ title: 'Cannot monitor payments', message: error.message, kind: 'error' });
    }
  });
}

async function loadInitial() {
  try {
    const metrics = await api.payments('/api/payments/metrics');
    showMetrics(metrics);
  } catch (e) {
    $('#m-window').textContent = e.status === 404 ? 'n/a' : 'error';
  }
  try {
    const page = await api.payments('/api/payments/transactions?size=50');
    for (const tx of page.items || []) upsertTransaction(tx, false);
    renderTransactions();
  } catch (e) {
    $('#tx-count').textContent = 'Could not load transactions: ' + e.message;
  }
}

function handle(event) {
  const d = event.data || {};
  switch (event.type) {
    case 'metrics_updated':
      showMetrics(d);
      break;
    case 'transaction_created':
    case 'transaction_updated':
      upsertTransaction(d, true);
      renderTransactions();
      break;
    case 'refund_processed': {
      const tx = transactions.get(String(d.transaction_id));
      if (tx) {
        tx.refunded = (Number(tx.refunded) || 0) + Number(d.amount || 0);
        tx._updated = Date.now();
        renderTransactions();
      }
      toast({ title: 'Refund processed', message: `${formatMoney(d.amount, d.currency)} on transaction ${d.transaction_id}`, kind: 'refund' });
      break;
    }
    case 'webhook_received':
    case 'webhook_processed':
    case 'webhook_failed':
      showWebhook(event.type, d, event.ts);
      break;
    case 'fraud_alert':
      showFraud(d, event.ts);
      break;
    default:
      break;
  }
}

function showMetrics(m) {
  $('#m-count').textContent = String(m.transaction_count ?? '–');
  $('#m-count').dataset.value = String(m.transaction_count ?? '');
  const rate = Number(m.success_rate);
  $('#m-rate').textContent = Number.isFinite(rate) ? (rate <= 1 ? rate * 100 : rate).toFixed(1) + ' %' : '–';
  $('#m-revenue').textContent = formatMoney(m.revenue_total ?? 0);
  $('#m-window').textContent = `${m.window || ''} · ${formatTime(Date.now())}`;
}

function upsertTransaction(t, live) {
  const id = String(t.id);
  const existing = transactions.get(id) || {};
  transactions.set(id, { ...existing, ...t, id, _updated: live ? Date.now() : existing._updated });
  if (transactions.size > MAX_ROWS) {
    const oldest = [...transactions.values()].sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)))[0];
    transactions.delete(oldest.id);
  }
}

function compare(a, b) {
  const key = sort.key;
  let x = a[key];
  let y = b[key];
  if (key === 'amount' || key === 'id') {
    x = Number(x);
    y = Number(y);
  }
  const result = x < y ? -1 : x > y ? 1 : 0;
  return sort.dir === 'ascending' ? result : -result;
}

function renderTransactions() {
  const form = new FormData($('#tx-filters'));
  const status = form.get('status');
  const provider = form.get('provider');
  const q = String(form.get('q') || '').trim().toLowerCase();
  const all = [...transactions.values()];
  const shown = all.filter((t) => (!status || t.status === status) && (!provider || t.provider === provider)
    && (!q || String(t.customer_ref ?? '').toLowerCase().includes(q) || String(t.id).toLowerCase() === q))
    .sort(compare);
  const now = Date.now();
  $('#tx-body').replaceChildren(...shown.map((t) => h('tr', {
    class: t._updated && now - t._updated < 1500 ? 'updated' : '', dataset: { id: t.id, status: t.status },
  },
  h('td', {}, t.id),
  h('td', {}, formatTime(t.created_at)),
  h('td', { class: 'num' }, formatMoney(t.amount, t.currency || 'USD')),
  h('td', { class: `status-${t.status}` }, t.status, t.refunded ? ` (refunded ${formatMoney(t.refunded, t.currency || 'USD')})` : ''),
  h('td', {}, t.provider || ''),
  h('td', {}, t.customer_ref ?? ''))));
  $('#tx-count').textContent = `${shown.length} of ${all.length} transactions shown`;
}

function showWebhook(type, d, ts) {
  const id = `wh-${d.provider}-${d.event_id}`;
  const stage = type.replace('webhook_', '');
  const item = h('li', { id, class: stage === 'failed' ? 'failed' : stage === 'processed' ? 'ok' : '', dataset: { stage } },
    h('strong', {}, `${d.provider} ${d.type || ''}`), ` — ${stage}`, d.status ? ` (${d.status})` : '',
    d.error ? h('div', { class: 'error-text' }, d.error) : null,
    h('div', { class: 'note' }, `${d.event_id} · ${formatTime(ts)}`));
  const existing = document.getElementById(id);
  if (existing) existing.replaceWith(item);
  else $('#webhooks').prepend(item);
  while ($('#webhooks').children.length > 100) $('#webhooks').lastElementChild.remove();
}

function showFraud(d, ts) {
  const severity = String(d.severity || 'medium').toLowerCase();
  $('#fraud').prepend(h('li', { class: `sev-${severity}` },
    h('strong', {}, `${d.rule} · ${severity}`),
    h('div', {}, `transaction ${d.transaction_id ?? '–'} · customer ${d.customer_ref ?? '–'}`),
    d.details && Object.keys(d.details).length ? h('div', { class: 'note' }, JSON.stringify(d.details)) : null,
    h('div', { class: 'note' }, formatTime(ts))));
  toast({ title: 'Fraud alert: ' + d.rule, message: `severity ${severity}, transaction ${d.transaction_id ?? '–'}`, kind: 'error', urgent: true, durationMs: 12000 });
  if (severity === 'high' || severity === 'critical') beep();
}
