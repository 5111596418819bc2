// A small client of Leadline's public REST APIs, on fetch only. Used by the demo and by the tests.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** An HTTP error with the problem+json body the services answer with. */
export class HttpError extends Error {
  constructor(method, url, status, body) {
    const detail = body && typeof body === 'object' ? body.detail || body.title : body;
    super(`${method} ${url} → ${status}${detail ? ': ' + detail : ''}`);
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
  }
}

/** A secret `./leadline up` generated into .run/ (of this checkout, or of the working directory), if any. */
export function runFile(name) {
  for (const candidate of [resolve(here, '../../../.run', name), resolve(process.cwd(), '.run', name)]) {
    try {
      return readFileSync(candidate, 'utf8').trim();
    } catch {
      // not there
    }
  }
  return undefined;
}

/**
 * URLs, admin credentials and webhook secrets from the environment, else what `./leadline up` generated
 * into .run/, else the dev defaults (a service in dev mode, ./mvnw quarkus:dev).
 */
export function configFromEnv(env = process.env, { defaults = true } = {}) {
  const pick = (name, fallback) => env[name] || (defaults ? fallback : undefined);
  let adminPassword = env.LEADLINE_ADMIN_PASSWORD;
  if (!adminPassword && defaults) {
    adminPassword = runFile('admin-password') || 'admin-dev-password';
  }
  const notify = pick('LEADLINE_NOTIFY_URL', 'http://localhost:8080');
  return {
    notifyUrl: notify && notify.replace(/\/$/, ''),
    leadsUrl: pick('LEADLINE_LEADS_URL', 'http://localhost:8081')?.replace(/\/$/, ''),
    paymentsUrl: pick('LEADLINE_PAYMENTS_URL', 'http://localhost:8082')?.replace(/\/$/, ''),
    adminUsername: pick('LEADLINE_ADMIN_USERNAME', 'admin'),
    adminPassword,
    stripeSecret: env.LEADLINE_STRIPE_WEBHOOK_SECRET || runFile('stripe-webhook-secret') || 'whsec_leadline_dev_only',
    razorpaySecret: env.LEADLINE_RAZORPAY_WEBHOOK_SECRET || runFile('razorpay-webhook-secret') || 'razorpay_leadline_dev_only',
  };
}

/** The WebSocket URL of the gateway for an http(s) base URL. */
export function wsUrl(notifyUrl) {
  return notifyUrl.replace(/^http/, 'ws') + '/ws';
}

export async function http(method, url, { token, body, headers = {}, raw } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (token) h.Authorization = 'Bearer ' + token;
  let payload;
  if (raw !== undefined) {
    payload = raw;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    h['Content-Type'] = 'application/json';
  }
  const response = await fetch(url, { method, headers: h, body: payload });
  const text = await response.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // keep the text
  }
  if (!response.ok) throw new HttpError(method, url, response.status, parsed);
  return parsed;
}

function tokenExpiresWithin(token, seconds) {
  try {
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    return typeof exp === 'number' && exp - Date.now() / 1000 < seconds;
  } catch {
    return false;
  }
}

/** The platform as one user sees it through its REST APIs. */
export class Leadline {
  constructor(config) {
    this.config = config;
  }

  async register(role, prefix = role) {
    const username = `${prefix}_${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`.slice(0, 40);
    const password = 'pw-' + randomUUID();
    const account = await http('POST', this.config.leadsUrl + '/api/auth/register', {
      body: { username, password, role },
    });
    const token = await this.token(username, password);
    return { ...account, username, password, token };
  }

  async token(username, password) {
    const answer = await http('POST', this.config.leadsUrl + '/api/auth/token', { body: { username, password } });
    return answer.access_token;
  }

  async admin() {
    if (!this._admin || tokenExpiresWithin(this._admin.token, 10)) {
      const token = await this.token(this.config.adminUsername, this.config.adminPassword);
      this._admin = { username: this.config.adminUsername, token };
    }
    return this._admin;
  }

  me(token) {
    return http('GET', this.config.leadsUrl + '/api/auth/me', { token });
  }

  submitLead(overrides = {}) {
    const n = Math.floor(Math.random() * 1e6);
    return http('POST', this.config.leadsUrl + '/api/leads', {
      body: {
        title: `Leaking pipe under the kitchen sink #${n}`,
        description: 'Water under the sink since this morning; the cabinet floor is soaked.',
        category: 'plumbing',
        contact_name: 'Dana Demo',
        contact_email: 'dana.demo@example.com',
        contact_phone: '+1 555 010 2030',
        city: 'Austin',
        state: 'TX',
        zip: '78701',
        property_type: 'single_family',
        units: 1,
        urgency: 'high',
        ...overrides,
      },
    });
  }

  async verifyLead(id) {
    const admin = await this.admin();
    return http('POST', `${this.config.leadsUrl}/api/leads/${id}/verify`, { token: admin.token });
  }

  /** Submits a lead and has the admin verify it: `lead_created` on `leads`, distribution to providers. */
  async publishLead(overrides) {
    const lead = await this.submitLead(overrides);
    return this.verifyLead(lead.id);
  }

  claim(token, leadId, idempotencyKey = randomUUID()) {
    return http('POST', `${this.config.leadsUrl}/api/leads/${leadId}/claim`, {
      token, headers: { 'Idempotency-Key': idempotencyKey },
    });
  }

  async putProfile(token, profile) {
    return http('PUT', this.config.leadsUrl + '/api/providers/me', { token, body: profile });
  }

  wallet(token) {
    return http('GET', this.config.paymentsUrl + '/api/wallet', { token });
  }

  async grant(userId, amount, reason = 'demo grant', idempotencyKey = randomUUID()) {
    const admin = await this.admin();
    return http('POST', `${this.config.paymentsUrl}/api/wallet/${userId}/grants`, {
      token: admin.token, body: { amount, reason }, headers: { 'Idempotency-Key': idempotencyKey },
    });
  }

  /** Buys `amount` credits, paid in `currency` (one credits have a price in: USD by default). */
  topUp(token, amount, provider = 'stripe', currency = 'USD') {
    return http('POST', this.config.paymentsUrl + '/api/wallet/top-ups', { token, body: { amount, provider, currency } });
  }

  /**
   * The data.object of a Stripe payment_intent event for a payment (a top-up's or an escrow's answer):
   * the provider reports the payment's exact amount in minor units and its currency, or nothing settles.
   */
  stripeIntent(payment, extra = {}) {
    return { id: payment.provider_reference, amount: payment.amount_minor, currency: String(payment.currency).toLowerCase(), ...extra };
  }

  /** Sends the provider's signed webhook for a payment reference, as Stripe would. */
  stripeWebhook(type, object, eventId = 'evt_' + randomUUID().replace(/-/g, '')) {
    const body = JSON.stringify({ id: eventId, type, data: { object } });
    const t = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', this.config.stripeSecret).update(`${t}.${body}`).digest('hex');
    return http('POST', this.config.paymentsUrl + '/api/webhooks/stripe', {
      raw: body, headers: { 'Content-Type': 'application/json', 'Stripe-Signature': `t=${t},v1=${signature}` },
    });
  }

  async refund(paymentId, amount, reason = 'demo refund') {
    const admin = await this.admin();
    return http('POST', `${this.config.paymentsUrl}/api/payments/${paymentId}/refund`, {
      token: admin.token, body: amount === undefined ? { reason } : { amount, reason },
      headers: { 'Idempotency-Key': randomUUID() },
    });
  }

  async metrics() {
    const admin = await this.admin();
    return http('GET', this.config.paymentsUrl + '/api/payments/metrics', { token: admin.token });
  }

  async transactions() {
    const admin = await this.admin();
    return http('GET', this.config.paymentsUrl + '/api/payments/transactions', { token: admin.token });
  }

  createEscrow(buyerToken, sellerId, amount, description = 'Deposit for the roof repair') {
    return http('POST', this.config.paymentsUrl + '/api/escrows', {
      token: buyerToken, body: { seller_id: sellerId, amount, currency: 'USD', description },
    });
  }

  /**
   * Pays an escrow, given createEscrow's answer (which carries its payment), through Stripe's signed
   * webhook, as the buyer's payment would: the escrow goes from INITIATED to HELD.
   */
  fundEscrow(escrow) {
    const payment = escrow.payment;
    if (!payment?.provider_reference) throw new Error(`escrow ${escrow.id} came without its payment`);
    return this.stripeWebhook('payment_intent.succeeded', this.stripeIntent(payment));
  }

  escrowAction(token, escrowId, action, body) {
    return http('POST', `${this.config.paymentsUrl}/api/escrows/${escrowId}/${action}`, { token, body });
  }

  getEscrow(token, escrowId) {
    return http('GET', `${this.config.paymentsUrl}/api/escrows/${escrowId}`, { token });
  }

  async notify(target, message) {
    const admin = await this.admin();
    return http('POST', this.config.notifyUrl + '/api/notifications', { token: admin.token, body: { ...target, ...message } });
  }

  notifications(token, query = '') {
    return http('GET', this.config.notifyUrl + '/api/notifications' + query, { token });
  }

  /** One notification by its inbox id or by the event id of the frame that carried it. */
  notification(token, id) {
    return http('GET', `${this.config.notifyUrl}/api/notifications/${encodeURIComponent(id)}`, { token });
  }

  unreadCount(token) {
    return http('GET', this.config.notifyUrl + '/api/notifications/unread-count', { token });
  }

  markRead(token, id) {
    return http('POST', `${this.config.notifyUrl}/api/notifications/${id}/read`, { token });
  }

  markAllRead(token) {
    return http('POST', this.config.notifyUrl + '/api/notifications/read-all', { token });
  }
}
