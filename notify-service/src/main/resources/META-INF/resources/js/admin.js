// Admin payment monitoring: live metrics, transactions (sortable, filterable), webhooks and fraud alerts.
//
// Events are queued as they arrive and applied once per animation frame, coalesced per transaction and
// per webhook, so a burst costs a few small DOM changes per frame instead of a rebuild per event, and a
// tab in the background (no frames) keeps one pending entry per id rather than every event.
import { h, $, api, withSession, liveClient, toast, mountHeader, formatTime, formatMoney, beep } from './app.js';
import { showMetrics, loadMetrics } from './monitor-metrics.js';

const KIND_OF = {
  transaction_created: 'transactions', transaction_updated: 'transactions', refund_processed: 'transactions',
  metrics_updated: 'metrics',
  webhook_received: 'webhooks', webhook_processed: 'webhooks', webhook_failed: 'webhooks',
  fraud_alert: 'fraud',
};
const MAX_ROWS = 200;
const MAX_FEED = 100;
/**
 * Rows flashing at once, at most. The flash animates on the main thread, restyling its cells every frame:
 * in a burst, a table full of flashing rows costs more than everything else, and shows nothing.
 */
const MAX_FLASHING_ROWS = 8;
/** Pending metrics snapshots kept while no frame runs; later ones matter, older ones are dropped. */
const MAX_PENDING_METRICS = 20;
/** More toasts than this from one frame's events become one summary toast. */
const MAX_TOASTS_PER_FRAME = 3;
/** REST pages of the transaction list (its largest page size) that cover a full table. */
const TX_PAGE_SIZE = 100;
/** Hidden at least this long, the page re-reads what it shows when it comes back. */
const RESYNC_AFTER_HIDDEN_MS = 15_000;

const sort = { key: 'created_at', dir: 'descending' };
let filter = { status: '', provider: '', q: '' };
let kinds = new Set();
let client;
let subscription;

function start(current) {
  mountHeader(current);
  client = liveClient($('#conn'));
  kinds = new Set(selectedKinds());
  subscribeMonitor();
  $('#kinds').addEventListener('change', () => {
    const before = kinds;
    kinds = new Set(selectedKinds());
    applyKindVisibility();
    // the server filters by the new kinds from now on; what a kind missed while off is read over REST
    const enabled = new Set([...kinds].filter((kind) => !before.has(kind)));
    subscribeMonitor(enabled);
  });
  $('#tx-filters').addEventListener('input', () => {
    filter = readFilter();
    rebuildTable();
  });
  $('#tx-filters').addEventListener('submit', (e) => e.preventDefault());
  for (const button of document.querySelectorAll('th button[data-sort]')) {
    button.addEventListener('click', () => {
      const key = button.dataset.sort;
      sort.dir = sort.key === key && sort.dir === 'descending' ? 'ascending' : 'descending';
      sort.key = key;
      for (const th of document.querySelectorAll('th[aria-sort]')) th.setAttribute('aria-sort', 'none');
      button.parentElement.setAttribute('aria-sort', sort.dir);
      rebuildTable();
    });
  }
  // the row flash is an animation: removing its class when it ends lets the next update play it again
  $('#tx-body').addEventListener('animationend', (e) => {
    const row = e.target.closest('tr');
    row?.classList.remove('updated');
    flashing.delete(row);
  });
  client.on('resync', ({ channel }) => {
    if (channel === 'payments.monitor') resync(kinds); // history did not reach back to what the page has
  });
  let hiddenSince = document.hidden ? performance.now() : null;
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      hiddenSince = performance.now();
    } else if (hiddenSince !== null) {
      const away = performance.now() - hiddenSince;
      hiddenSince = null;
      if (away >= RESYNC_AFTER_HIDDEN_MS) resync(kinds);
    }
  });
  window.addEventListener('online', () => resync(kinds));
  window.__leadlineMonitor = stats;
}

function selectedKinds() {
  return [...document.querySelectorAll('#kinds input[name="kind"]:checked')].map((i) => i.value);
}

function applyKindVisibility() {
  for (const section of document.querySelectorAll('[data-kind]')) section.hidden = !kinds.has(section.dataset.kind);
  $('#metrics').hidden = !kinds.has('metrics');
}

/** Subscribes with the selected kinds; once the server confirms, re-reads `reread` (all kinds at first). */
function subscribeMonitor(reread) {
  if (subscription) subscription.unsubscribe();
  subscription = client.subscribe('payments.monitor', (event) => {
    if (kinds.has(KIND_OF[event.type])) enqueue(event); // the page filters too
  }, { filter: { kinds: [...kinds] } });
  subscription.ready().then(() => {
    if ($('#monitor').hidden) {
      $('#monitor').hidden = false;
      applyKindVisibility();
      loadInitial();
    } else if (reread && reread.size > 0) {
      resync(reread);
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

function loadInitial() {
  return resync(kinds);
}

// ---- resync over REST ------------------------------------------------------------------------------
// After a gap (a kind turned back on, history that no longer reaches back, a long time in the background,
// the network back) the page re-reads what it shows. Live events that arrive meanwhile are kept: a row
// read over REST replaces one only if it is at least as new (updated_at against the event's ts).

let resyncing = null;
let resyncAgain = null;

function resync(which) {
  if (resyncing) {
    resyncAgain = new Set([...(resyncAgain || []), ...which]);
    return resyncing;
  }
  const reads = [];
  if (which.has('metrics')) reads.push(loadMetrics());
  if (which.has('transactions')) reads.push(loadTransactions());
  if (which.has('fraud')) reads.push(loadFraudAlerts());
  // webhooks have no REST list: the feed shows what arrived live
  resyncing = Promise.all(reads).finally(() => {
    resyncing = null;
    stats.resyncs += 1;
    if (resyncAgain) {
      const next = resyncAgain;
      resyncAgain = null;
      resync(next);
    }
  });
  return resyncing;
}

async function loadTransactions() {
  try {
    for (let page = 0; page * TX_PAGE_SIZE < MAX_ROWS; page += 1) {
      const answer = await api.payments(`/api/payments/transactions?size=${TX_PAGE_SIZE}&page=${page}`);
      const items = answer.items || [];
      for (const tx of items) {
        upsertTransaction({ ...tx, refunded: Number(tx.refunded_amount) || 0 }, Date.parse(tx.updated_at) || 0, false);
      }
      if (items.length < TX_PAGE_SIZE) break;
    }
    showTransactionCount();
  } catch (e) {
    $('#tx-count').textContent = 'Could not load transactions: ' + e.message;
  }
}

async function loadFraudAlerts() {
  try {
    const alerts = await api.payments(`/api/fraud/alerts?size=${MAX_FEED}`);
    for (const alert of alerts.reverse()) showFraud(alert, Date.parse(alert.created_at), false);
  } catch (e) {
    if (e.status !== 404) toast({ title: 'Cannot read fraud alerts', message: e.message, kind: 'error' });
  }
}

// ---- the queue of live events, applied once per frame ----------------------------------------------

/**
 * What the page has received and applied, and per frame how long its oldest event waited in the page
 * (waitMs), how old it was by then (sinceEventMs, from the event's creation on the server) and how long
 * applying the frame's events took (applyMs).
 */
const stats = { received: 0, applied: 0, frames: 0, resyncs: 0, maxWaitMs: 0, waits: [] };
const MAX_WAIT_SAMPLES = 4096;

const pending = {
  transactions: new Map(), // id -> { data, version }
  refunds: new Map(), // transaction id -> { amount, currency, ts, count }
  metrics: [],
  webhooks: new Map(), // feed key -> { type, data, ts }
  fraud: [],
  events: 0,
  oldestArrival: null,
  oldestTs: null,
  overflowed: new Set(), // kinds whose pending entries were dropped: re-read them after applying
};
let frameRequested = false;

function enqueue(event) {
  const d = event.data || {};
  const ts = Number(event.ts) || Date.now();
  stats.received += 1;
  pending.events += 1;
  pending.oldestArrival ??= performance.now();
  pending.oldestTs ??= ts;
  switch (event.type) {
    case 'metrics_updated':
      pending.metrics.push(d);
      if (pending.metrics.length > MAX_PENDING_METRICS) pending.metrics.shift();
      break;
    case 'transaction_created':
    case 'transaction_updated':
      keepNewest(pending.transactions, String(d.id), { data: d, version: ts }, MAX_ROWS, 'transactions');
      break;
    case 'refund_processed': {
      const id = String(d.transaction_id);
      const sum = pending.refunds.get(id) || { amount: 0, currency: d.currency, ts, count: 0 };
      sum.amount += Number(d.amount || 0);
      sum.ts = Math.max(sum.ts, ts);
      sum.count += 1;
      keepNewest(pending.refunds, id, sum, MAX_ROWS, 'transactions');
      break;
    }
    case 'webhook_received':
    case 'webhook_processed':
    case 'webhook_failed': {
      const key = webhookKey(d, ts);
      const earlier = pending.webhooks.get(key);
      if (!earlier || stageRank(event.type) >= stageRank(earlier.type)) {
        keepNewest(pending.webhooks, key, { type: event.type, data: d, ts }, MAX_FEED, null);
      }
      break;
    }
    case 'fraud_alert':
      pending.fraud.push({ data: d, ts });
      if (pending.fraud.length > MAX_FEED) {
        pending.fraud.shift();
        pending.overflowed.add('fraud');
      }
      break;
    default:
      break;
  }
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(applyPending);
  }
}

/** Sets key to the end of a bounded insertion-ordered map; the least recently touched entry goes first. */
function keepNewest(map, key, value, limit, kind) {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) {
    map.delete(map.keys().next().value);
    if (kind) pending.overflowed.add(kind);
  }
}

function applyPending() {
  const began = performance.now();
  frameRequested = false;
  const events = pending.events;
  const waitMs = pending.oldestArrival === null ? 0 : performance.now() - pending.oldestArrival;
  const oldestTs = pending.oldestTs;
  pending.events = 0;
  pending.oldestArrival = null;
  pending.oldestTs = null;

  for (const metrics of pending.metrics) showMetrics(metrics);
  pending.metrics = [];

  if (pending.transactions.size > 0 || pending.refunds.size > 0) {
    for (const [, { data, version }] of pending.transactions) upsertTransaction(data, version, true);
    const refunds = [...pending.refunds];
    for (const [id, sum] of refunds) addRefund(id, sum);
    pending.transactions.clear();
    pending.refunds.clear();
    showTransactionCount();
    announce(refunds.map(([id, sum]) => ({
      title: sum.count > 1 ? `${sum.count} refunds processed` : 'Refund processed',
      message: `${formatMoney(sum.amount, sum.currency)} on transaction ${id}`,
    })), (n) => ({ title: `Refunds processed on ${n} transactions`, message: 'see the transactions table' }),
    { kind: 'refund' });
  }

  for (const { type, data, ts } of pending.webhooks.values()) showWebhook(type, data, ts);
  pending.webhooks.clear();

  if (pending.fraud.length > 0) {
    for (const { data, ts } of pending.fraud) showFraud(data, ts, true);
    announce(pending.fraud.map(({ data }) => ({
      title: 'Fraud alert: ' + ruleName(data.rule),
      message: `${severityOf(data)} · transaction ${data.transaction_id ?? '–'}`,
    })), (n) => ({ title: `${n} fraud alerts`, message: 'see the fraud alerts list' }),
    { kind: 'error', urgent: true, durationMs: 12000 });
    if (pending.fraud.some(({ data }) => ['high', 'critical'].includes(severityOf(data)))) beep();
    pending.fraud = [];
  }

  if (pending.overflowed.size > 0) {
    const overflowed = pending.overflowed;
    pending.overflowed = new Set();
    resync(overflowed);
  }

  stats.applied += events;
  stats.frames += 1;
  stats.maxWaitMs = Math.max(stats.maxWaitMs, waitMs);
  if (stats.waits.length >= MAX_WAIT_SAMPLES) stats.waits.shift();
  const now = Date.now();
  stats.waits.push({
    at: now, events, waitMs: Math.round(waitMs), sinceEventMs: oldestTs === null ? 0 : now - oldestTs,
    applyMs: Math.round(performance.now() - began),
  });
}

/** One toast per item, or one summary toast when a frame brings more than a few. */
function announce(items, summary, options) {
  if (items.length === 0) return;
  if (items.length > MAX_TOASTS_PER_FRAME) toast({ ...options, ...summary(items.length) });
  else for (const item of items) toast({ ...options, ...item });
}

// ---- the transactions table ------------------------------------------------------------------------
// At most MAX_ROWS transactions, the newest by creation. `shown` is the filtered ones in the table's
// order, each with its row: an update changes that row's cells and moves it only when it no longer fits
// between its neighbours (binary search for its new place). Sorting or filtering rebuilds once.

// version: the newest event ts or updated_at merged; readVersion: the updated_at of the last REST read
const transactions = new Map(); // id -> entry { tx, version, readVersion, createdMs, row, cells }
let shown = [];
const flashing = new Map(); // row -> when its flash started
/** The flash lasts 1.2 s; a row taken out of the table meanwhile never reports its end. */
const FLASH_MS = 1500;

function canFlash() {
  if (flashing.size < MAX_FLASHING_ROWS) return true;
  const now = performance.now();
  for (const [row, since] of flashing) {
    if (now - since > FLASH_MS) {
      flashing.delete(row);
      row.classList.remove('updated');
    }
  }
  return flashing.size < MAX_FLASHING_ROWS;
}

function readFilter() {
  const form = new FormData($('#tx-filters'));
  return {
    status: String(form.get('status') || ''),
    provider: String(form.get('provider') || ''),
    q: String(form.get('q') || '').trim().toLowerCase(),
  };
}

function passesFilter(t) {
  return (!filter.status || t.status === filter.status) && (!filter.provider || t.provider === filter.provider)
    && (!filter.q || String(t.customer_ref ?? '').toLowerCase().includes(filter.q) || String(t.id).toLowerCase() === filter.q);
}

/**
 * Merges a transaction (a live event's data, or a REST row) into the table. `version` orders what is
 * known about one transaction: the event's ts, or the row's updated_at; an older one changes nothing.
 */
function upsertTransaction(t, version, live) {
  const id = String(t.id);
  let entry = transactions.get(id);
  if (entry && version < entry.version) return;
  if (!entry) {
    const createdMs = Date.parse(t.created_at) || 0;
    if (transactions.size >= MAX_ROWS && isOlderThanAll(createdMs, id)) return; // would be evicted at once
    entry = { tx: { id }, version, readVersion: 0, createdMs, row: null, cells: null };
    transactions.set(id, entry);
  }
  entry.tx = { ...entry.tx, ...t, id };
  entry.version = version;
  if (!live) entry.readVersion = version;
  entry.createdMs = Date.parse(entry.tx.created_at) || entry.createdMs;
  placeRow(entry, live);
  if (transactions.size > MAX_ROWS) evictOldest();
}

function addRefund(id, sum) {
  const entry = transactions.get(id);
  if (!entry || sum.ts <= entry.readVersion) return; // not shown, or a REST read already counted it
  entry.tx.refunded = (Number(entry.tx.refunded) || 0) + sum.amount;
  placeRow(entry, true);
}

function isOlderThanAll(createdMs, id) {
  for (const entry of transactions.values()) {
    if (createdMs > entry.createdMs || (createdMs === entry.createdMs && Number(id) > Number(entry.tx.id))) return false;
  }
  return true;
}

function evictOldest() {
  let oldest = null;
  for (const entry of transactions.values()) {
    if (!oldest || entry.createdMs < oldest.createdMs
      || (entry.createdMs === oldest.createdMs && Number(entry.tx.id) < Number(oldest.tx.id))) oldest = entry;
  }
  transactions.delete(oldest.tx.id);
  removeShown(oldest);
}

function removeShown(entry) {
  const at = shown.indexOf(entry);
  if (at >= 0) shown.splice(at, 1);
  entry.row?.remove();
}

/** Updates the entry's row and puts it where the sort order says, or takes it out if filtered away. */
function placeRow(entry, live) {
  renderRow(entry, live);
  const at = shown.indexOf(entry);
  if (!passesFilter(entry.tx)) {
    if (at >= 0) removeShown(entry);
    return;
  }
  if (at >= 0) {
    const fits = (at === 0 || compare(shown[at - 1], entry) <= 0) && (at === shown.length - 1 || compare(entry, shown[at + 1]) <= 0);
    if (fits) return;
    shown.splice(at, 1);
  }
  const to = insertionIndex(entry);
  shown.splice(to, 0, entry);
  $('#tx-body').insertBefore(entry.row, shown[to + 1]?.row ?? null);
}

function insertionIndex(entry) {
  let low = 0;
  let high = shown.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(shown[mid], entry) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The sort order, with the id breaking ties so that every row has exactly one place. */
function compare(a, b) {
  const key = sort.key;
  let x;
  let y;
  if (key === 'created_at') {
    x = a.createdMs;
    y = b.createdMs;
  } else if (key === 'amount' || key === 'id') {
    x = Number(a.tx[key]);
    y = Number(b.tx[key]);
  } else {
    x = String(a.tx[key] ?? '');
    y = String(b.tx[key] ?? '');
  }
  let result = x < y ? -1 : x > y ? 1 : 0;
  if (result === 0) result = Number(a.tx.id) - Number(b.tx.id);
  return sort.dir === 'ascending' ? result : -result;
}

/** Re-sorts and re-filters everything, reusing the rows: after the user changed the sort or a filter. */
function rebuildTable() {
  shown = [...transactions.values()].filter((entry) => passesFilter(entry.tx)).sort(compare);
  $('#tx-body').replaceChildren(...shown.map((entry) => entry.row));
  showTransactionCount();
}

function showTransactionCount() {
  $('#tx-count').textContent = `${shown.length} of ${transactions.size} transactions shown`;
}

function renderRow(entry, live) {
  const t = entry.tx;
  if (!entry.row) {
    entry.cells = {
      id: h('td', {}), time: h('td', {}), amount: h('td', { class: 'num' }), status: h('td', {}),
      provider: h('td', {}), customer: h('td', {}),
    };
    const c = entry.cells;
    entry.row = h('tr', { dataset: { id: t.id } }, c.id, c.time, c.amount, c.status, c.provider, c.customer);
  }
  const currency = t.currency || 'USD';
  setText(entry.cells.id, t.id);
  setText(entry.cells.time, formatTime(t.created_at));
  setText(entry.cells.amount, formatMoney(t.amount, currency));
  setText(entry.cells.status, t.refunded ? `${t.status} (refunded ${formatMoney(t.refunded, currency)})` : t.status);
  entry.cells.status.className = `status-${t.status}`;
  setText(entry.cells.provider, t.provider || '');
  setText(entry.cells.customer, t.customer_ref ?? '');
  if (entry.row.dataset.status !== t.status) entry.row.dataset.status = t.status;
  if (live && !flashing.has(entry.row) && canFlash()) {
    flashing.set(entry.row, performance.now());
    entry.row.classList.add('updated');
  }
}

function setText(cell, value) {
  const text = String(value ?? '');
  if (cell.textContent !== text) cell.textContent = text;
}

// ---- webhooks and fraud alerts ---------------------------------------------------------------------

const PROVIDERS = { stripe: 'Stripe', razorpay: 'Razorpay' };
const WEBHOOK_EVENTS = {
  'payment_intent.succeeded': 'payment succeeded',
  'payment_intent.payment_failed': 'payment failed',
  'charge.refunded': 'charge refunded',
  'payment.captured': 'payment captured',
  'payment.failed': 'payment failed',
  'refund.processed': 'refund processed',
  signature_rejected: 'requests refused before their signature was verified',
};
const WEBHOOK_OUTCOMES = {
  received: 'received, being processed',
  processed: 'processed',
  ignored: 'ignored: not an event the platform acts on',
  failed: 'failed',
  rejected: 'refused',
};
const STAGES = ['webhook_received', 'webhook_processed', 'webhook_failed'];

function stageRank(type) {
  return type === 'webhook_received' ? 0 : STAGES.includes(type) ? 1 : -1;
}

function providerName(provider) {
  return String(provider || '').split(',').filter(Boolean).map((p) => PROVIDERS[p] || p).join(', ') || 'unknown provider';
}

function inWords(code) {
  return String(code || '').replace(/[._]+/g, ' ').trim();
}

function webhookKey(d, ts) {
  // the summary of refused requests has no event id: each summary is an entry of its own
  return d.event_id ? `wh-${d.provider}-${d.event_id}` : `wh-${d.provider}-summary-${ts}`;
}

function showWebhook(type, d, ts) {
  const id = webhookKey(d, ts);
  const stage = type.replace('webhook_', '');
  const existing = document.getElementById(id);
  if (existing && stageRank(type) < stageRank('webhook_' + existing.dataset.stage)) return; // a late "received"
  const status = d.status || stage;
  const summary = d.count !== undefined && d.count !== null;
  const what = summary ? `${d.count} ${WEBHOOK_EVENTS.signature_rejected}` : WEBHOOK_EVENTS[d.type] || inWords(d.type) || 'event';
  const item = h('li', { id, class: stage === 'failed' ? 'failed' : stage === 'processed' ? 'ok' : '', dataset: { stage, status } },
    h('strong', {}, `${providerName(d.provider)}: ${what}`),
    h('div', {}, WEBHOOK_OUTCOMES[status] || inWords(status)),
    d.error && !summary ? h('div', { class: 'error-text' }, d.error) : null,
    h('div', { class: 'note' }, [d.type, d.event_id, formatTime(ts)].filter(Boolean).join(' · ')));
  const list = $('#webhooks');
  if (existing) existing.replaceWith(item);
  else list.prepend(item);
  while (list.children.length > MAX_FEED) list.lastElementChild.remove();
}

const RULES = {
  velocity: 'Many payments in a short time',
  amount_threshold: 'Large payment',
  repeated_failures: 'Repeated failed payments',
};

function ruleName(rule) {
  const name = RULES[rule] || inWords(rule) || 'Alert';
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function severityOf(d) {
  return String(d.severity || 'medium').toLowerCase();
}

/** An ISO-8601 duration such as PT10M or PT24H in words: "10 minutes", "24 hours". */
function durationInWords(value) {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(String(value || ''));
  if (!match) return String(value ?? '');
  const parts = [[match[1], 'day'], [match[2], 'hour'], [match[3], 'minute'], [match[4], 'second']]
    .filter(([n]) => n && Number(n) !== 0)
    .map(([n, unit]) => `${Number(n)} ${unit}${Number(n) === 1 ? '' : 's'}`);
  return parts.join(' ') || '0 seconds';
}

/**
 * Why the rule fired, in a sentence: from the details for the rules the page knows (amounts in the
 * page's money format), else the server's own summary of the alert.
 */
function fraudReason(rule, details = {}, summary) {
  const currency = details.currency || 'USD';
  switch (rule) {
    case 'velocity':
      return `${details.payments} payments within ${durationInWords(details.window)} (the limit is ${details.max_payments})`;
    case 'amount_threshold':
      return `${formatMoney(details.amount, currency)}, at or above the limit of ${formatMoney(details.threshold, currency)}`;
    case 'repeated_failures':
      return `${details.failures} failed payments within ${durationInWords(details.window)} (the limit is ${details.max_failures})`;
    default:
      if (summary) return summary;
      return Object.entries(details).filter(([key]) => key !== 'provider')
        .map(([key, value]) => `${inWords(key)}: ${typeof value === 'object' ? JSON.stringify(value) : value}`).join(', ');
  }
}

function fraudKey(d) {
  // an alert is raised once per rule and customer within the rule's window, for the payment that tripped it
  return `fraud-${d.rule}-${d.customer_ref}-${d.transaction_id}`;
}

/** Shows an alert (live, or read over REST) once, in time order, newest first. */
function showFraud(d, ts, live) {
  const id = fraudKey(d);
  if (document.getElementById(id)) return;
  const severity = severityOf(d);
  const details = d.details && typeof d.details === 'object' ? d.details : {};
  const where = [`transaction ${d.transaction_id ?? '–'}`, `customer ${d.customer_ref ?? '–'}`];
  if (details.provider) where.push(providerName(details.provider));
  const item = h('li', { id, class: `sev-${severity}`, dataset: { at: String(ts || 0), rule: d.rule } },
    h('strong', {}, `${ruleName(d.rule)} · ${severity}`),
    h('div', {}, fraudReason(d.rule, details, d.summary)),
    h('div', { class: 'note' }, `${where.join(' · ')} · ${formatTime(ts)}`));
  const list = $('#fraud');
  let before = list.firstElementChild;
  if (!live) {
    while (before && Number(before.dataset.at) > ts) before = before.nextElementSibling;
  }
  list.insertBefore(item, before);
  while (list.children.length > MAX_FEED) list.lastElementChild.remove();
}

// last: start() may run at once, and uses everything declared above
withSession($('#main'), start, { title: 'Sign in to monitor payments' });
