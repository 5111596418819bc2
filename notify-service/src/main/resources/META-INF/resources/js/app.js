// Shared by the dashboards: configuration, sign-in, REST calls, the live connection, toasts and sound.
import { LeadlineClient } from '../sdk/leadline.js';

// ---- configuration -------------------------------------------------------------------------------
// The gateway and the inbox are this page's origin; where leads- and payments-service are comes from
// notify-service (/config.json), never from the page's URL or from storage: a link must not be able to
// send the password typed here to someone else's server. The Content-Security-Policy of these pages
// allows connections to exactly these origins.

// addresses an earlier version of this page took from the URL and kept: forget them
for (const key of ['leadline.leadsUrl', 'leadline.paymentsUrl', 'leadline.notifyUrl']) localStorage.removeItem(key);

async function servedConfig() {
  try {
    const response = await fetch('config.json', { headers: { Accept: 'application/json' }, cache: 'no-cache' });
    if (response.ok) return await response.json();
  } catch {
    // not served (a static copy of the pages): the same defaults as notify-service's
  }
  return {};
}

const served = await servedConfig();
export const config = Object.freeze({
  notifyUrl: location.origin,
  leadsUrl: served.leads_url || `${location.protocol}//${location.hostname}:8081`,
  paymentsUrl: served.payments_url || `${location.protocol}//${location.hostname}:8082`,
  wsUrl: location.origin.replace(/^http/, 'ws') + '/ws',
  ticketUrl: location.origin + '/api/ws-tickets',
});

// ---- DOM helpers ---------------------------------------------------------------------------------

/** Creates an element; text children are text nodes (never HTML), so event data cannot inject markup. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

// Formatters are made once: building one costs far more than formatting, and a busy table formats often.
const timeFormat = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const moneyFormats = new Map(); // currency -> Intl.NumberFormat, or null when the currency is unknown

export function formatTime(value) {
  const date = typeof value === 'number' ? new Date(value) : new Date(value || Date.now());
  return Number.isNaN(date.getTime()) ? '' : timeFormat.format(date);
}

export function formatMoney(amount, currency = 'USD') {
  const n = Number(amount);
  if (!Number.isFinite(n)) return String(amount ?? '');
  if (!moneyFormats.has(currency)) {
    try {
      moneyFormats.set(currency, new Intl.NumberFormat(undefined, { style: 'currency', currency }));
    } catch {
      moneyFormats.set(currency, null);
    }
  }
  const format = moneyFormats.get(currency);
  return format ? format.format(n) : n.toFixed(2) + ' ' + currency;
}

export function uuid() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return 'k' + Date.now().toString(36) + Math.random().toString(36).slice(2);
}

// ---- session -------------------------------------------------------------------------------------

const SESSION_KEY = 'leadline.session';
// why the last session of this browser ended ('expired' or 'signed_out'): the sign-in form says so
const ENDED_KEY = 'leadline.sessionEnded';
// The SDK asks for a new token 60 s before expiry (half-way for short-lived tokens): a token that close
// to its end is not handed out again.
const TOKEN_MARGIN_S = 90;
let password = null; // kept in memory only, to renew the token while this page is open

export class ApiError extends Error {
  constructor(status, detail, body) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export class LoginRequired extends Error {
  constructor() {
    super('please sign in again');
    this.code = 'login_required';
  }
}

export function session() {
  try {
    return JSON.parse(localStorage.getItem(SESSION_KEY)) || null;
  } catch {
    return null;
  }
}

function claims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4)));
  } catch {
    return {};
  }
}

/** True while the token has more than the margin left (half its lifetime for short-lived tokens). */
function fresh(token) {
  const { exp = 0, iat } = claims(token);
  const now = Date.now() / 1000;
  const margin = Math.min(TOKEN_MARGIN_S, (exp - (iat || now)) / 2);
  return exp - now > margin;
}

export async function login(username, pass) {
  const answer = await request(config.leadsUrl + '/api/auth/token', { method: 'POST', body: { username, password: pass }, anonymous: true });
  const me = await request(config.leadsUrl + '/api/auth/me', { token: answer.access_token });
  const stored = { token: answer.access_token, user: { id: String(me.id), username: me.username, role: me.role } };
  localStorage.setItem(SESSION_KEY, JSON.stringify(stored));
  localStorage.removeItem(ENDED_KEY);
  password = pass;
  refusedToken = null;
  return stored;
}

let ending = false;

/**
 * Ends the session of every tab of this origin: the others see the stored session go (the storage event)
 * and close their connections too. The reason is kept for the sign-in form.
 */
function endSession(reason) {
  if (ending) return;
  ending = true;
  liveConnection?.close();
  password = null;
  localStorage.setItem(ENDED_KEY, reason);
  localStorage.removeItem(SESSION_KEY);
  location.reload();
}

export function logout() {
  endSession('signed_out');
}

/** The services refused the stored token (expired, or signed with a key they no longer accept). */
export function sessionExpired() {
  endSession('expired');
}

// a token a service answered 401 to, though it has not expired by its own claims: not handed out again
let refusedToken = null;

/** The token provider of the live connection: the stored token while it lasts, else a new one. */
export async function getToken() {
  const current = session();
  if (current && fresh(current.token) && current.token !== refusedToken) return current.token;
  if (current && password) {
    const renewed = await login(current.user.username, password);
    return renewed.token;
  }
  throw new LoginRequired();
}

/** A 401 to `token`: with the password still in memory a new token is asked for, else the session is over. */
function refused(token) {
  refusedToken = token;
  if (!password) sessionExpired();
}

async function request(url, { method = 'GET', body, headers = {}, token, anonymous = false } = {}) {
  const h2 = { Accept: 'application/json', ...headers };
  if (!anonymous) {
    const t = token || (await getToken());
    h2.Authorization = 'Bearer ' + t;
  }
  if (body !== undefined) h2['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, { method, headers: h2, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, `cannot reach ${new URL(url).origin} (is it running, and does it allow this origin?)`);
  }
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (response.status === 401 && !anonymous && !token) refused(h2.Authorization.slice('Bearer '.length));
  if (!response.ok) {
    const detail = parsed && typeof parsed === 'object' ? parsed.detail || parsed.title : null;
    throw new ApiError(response.status, detail || `HTTP ${response.status}`, parsed);
  }
  return parsed;
}

export const api = {
  leads: (path, options) => request(config.leadsUrl + path, options),
  payments: (path, options) => request(config.paymentsUrl + path, options),
  notify: (path, options) => request(config.notifyUrl + path, options),
};

/**
 * Shows the sign-in form in `root` until the user is signed in, then calls start(session).
 * A stored session whose token still works starts at once.
 */
export function withSession(root, start, { title = 'Sign in' } = {}) {
  const current = session();
  // the same margin as getToken(): a token it would not hand out does not start the page either
  const starts = current && fresh(current.token);
  followSignInsOfOtherTabs(starts ? current.user.id : null);
  if (starts) {
    start(current);
    return;
  }
  const ended = localStorage.getItem(ENDED_KEY);
  const why = current || ended === 'expired' ? 'Session expired — sign in again.'
    : ended === 'signed_out' ? 'You signed out. Sign in to continue.' : null;
  const error = h('p', { class: 'error-text', role: 'alert', id: 'login-error' });
  const form = h('form', { 'aria-describedby': 'login-error' },
    h('label', {}, 'Username', h('input', { name: 'username', autocomplete: 'username', required: true })),
    h('label', {}, 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { class: 'primary', type: 'submit' }, 'Sign in'),
    error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const data = new FormData(form);
    try {
      const s = await login(String(data.get('username')), String(data.get('password')));
      section.remove();
      start(s);
    } catch (err) {
      error.textContent = err.status === 401 ? 'Unknown username or wrong password.' : 'Sign-in failed: ' + err.message;
    }
  });
  const section = h('section', { class: 'panel login', 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title' }, title),
    why && h('p', { class: 'session-note', id: 'session-note', role: 'status' }, why),
    form);
  root.append(section);
  form.querySelector('input').focus();
}

/**
 * Another tab of this origin signed out, or signed in (as someone else, or on this page's sign-in form):
 * this page follows, closing its connection first so nothing more arrives for a user who left. Renewing
 * a token changes nothing.
 */
function followSignInsOfOtherTabs(shownUser) {
  window.addEventListener('storage', (e) => {
    if (e.key !== SESSION_KEY && e.key !== null) return; // null: the whole storage was cleared
    let user = null;
    try {
      user = JSON.parse(e.key === null ? null : e.newValue)?.user?.id ?? null;
    } catch {
      user = null;
    }
    if (user === shownUser || ending) return;
    ending = true;
    liveConnection?.close();
    location.reload();
  });
}

// ---- live connection -----------------------------------------------------------------------------

let liveConnection = null;

/** Frame logging in the console: `?debug=1` on the page, or localStorage `leadline.debug` = `1`. */
function debugWanted() {
  const asked = new URLSearchParams(location.search).get('debug');
  if (asked !== null) return asked !== '0' && asked !== 'false';
  return localStorage.getItem('leadline.debug') === '1';
}

const STATE_TEXT = {
  connecting: 'Connecting…',
  connected: 'Live updates active',
  reconnecting: 'Reconnecting…',
  disconnected: 'Offline',
};

/**
 * The live connection of this page, with its state shown in `indicator` and a "Reconnect now" button
 * beside it while it is down. When the session can no longer be renewed the page goes to its sign-in form.
 */
export function liveClient(indicator) {
  const debug = debugWanted();
  // a single-use ticket per (re)connect: the token itself never goes on the upgrade; a handler that throws
  // is reported in the console, not swallowed
  const client = new LeadlineClient({
    url: config.wsUrl, auth: 'ticket', ticketUrl: config.ticketUrl, getToken, debug, logger: console,
  });
  liveConnection = client;
  const reconnect = h('button', {
    type: 'button', class: 'reconnect', id: 'reconnect-now', hidden: true, onclick: () => client.reconnectNow(),
  }, 'Reconnect now');
  indicator.after(reconnect);
  indicator.hidden = false;
  const show = (state) => {
    indicator.dataset.state = state;
    indicator.textContent = STATE_TEXT[state] || state;
    reconnect.hidden = state !== 'reconnecting' && state !== 'disconnected';
  };
  show('connecting');
  client.on('state', (s) => {
    if (debug) console.debug('[leadline] state', s);
    show(s.state);
  });
  client.on('error', (e) => {
    if (debug) console.debug('[leadline] error', e);
    if (e.cause instanceof LoginRequired || (e.code === 'token_expired' && !password)) {
      sessionExpired(); // the sign-in form says why
    } else if (e.code === 'ticket_failed' && e.cause?.status === 401) {
      refused(session()?.token);
    }
  });
  client.connect().catch(() => {});
  window.__leadline = { client, config };
  return client;
}

// ---- toasts and sound ----------------------------------------------------------------------------

let toastRoot = null;

function toasts() {
  if (!toastRoot) {
    toastRoot = h('div', { class: 'toasts', role: 'region', 'aria-label': 'Live notifications' });
    toastRoot.append(
      h('div', { 'aria-live': 'polite', 'aria-relevant': 'additions', class: 'polite' }),
      h('div', { 'aria-live': 'assertive', 'aria-relevant': 'additions', class: 'assertive' }),
    );
    document.body.append(toastRoot);
  }
  return toastRoot;
}

/** More would cover a phone's screen: the oldest goes. */
const MAX_TOASTS = 3;
let toastsShown = 0;

/**
 * A toast: `kind` styles it (event type), `urgent` announces it assertively, `durationMs` how long it stays.
 * Toasts with the same `key` are one toast (one per lead, however many events tell of it): a new one
 * replaces a shown one of the same or a lower `rank`, and one of a lower rank than the shown one is dropped.
 */
export function toast({ title, message = '', kind = 'info', durationMs = 6000, urgent = false, key, rank = 0 }) {
  const root = toasts();
  const same = key === undefined ? null : [...root.querySelectorAll('.toast')].find((t) => t.dataset.key === key);
  if (same) {
    if (Number(same.dataset.rank) > rank) return same;
    clearTimeout(same.timer);
    same.remove();
  }
  const item = h('div', { class: `toast ${kind}`, dataset: { kind, rank: String(rank), order: String(++toastsShown), ...(key === undefined ? {} : { key }) } },
    h('div', {}, h('strong', {}, title), message ? h('span', {}, message) : null),
    h('button', { type: 'button', 'aria-label': 'Dismiss notification', onclick: () => item.remove() }, '×'));
  (urgent ? root.querySelector('.assertive') : root.querySelector('.polite')).append(item);
  const all = [...root.querySelectorAll('.toast')].sort((a, b) => a.dataset.order - b.dataset.order);
  for (const old of all.slice(0, Math.max(0, all.length - MAX_TOASTS))) {
    clearTimeout(old.timer);
    old.remove();
  }
  item.timer = setTimeout(() => item.remove(), durationMs);
  return item;
}

let audio = null;
let interacted = false;
for (const type of ['pointerdown', 'keydown']) {
  window.addEventListener(type, () => {
    interacted = true;
  }, { once: false, passive: true });
}

/** A short beep, only once the user has interacted with the page (browsers block sound before). */
export function beep() {
  if (!interacted) return false;
  try {
    audio ||= new (window.AudioContext || window.webkitAudioContext)();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.4);
    window.__leadlineBeeps = (window.__leadlineBeeps || 0) + 1;
    return true;
  } catch {
    return false;
  }
}

/** The standard header: brand, navigation, connection indicator, and who is signed in. */
export function mountHeader(current) {
  const who = $('#who');
  if (who && current) {
    who.replaceChildren(`${current.user.username} (${current.user.role}) `,
      h('button', { type: 'button', class: 'link', onclick: logout }, 'Sign out'));
  }
}
