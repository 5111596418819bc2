#!/usr/bin/env node
// Fires the demo events through Leadline's public APIs and prints each step (`./leadline demo` runs it):
// a lead created and verified, two claims making it competitive, balance updates, a notification,
// an escrow's lifecycle, a payment completed by its signed webhook, a refund and a fraud alert.
// A step whose endpoint is not there yet is reported and skipped. With a WebSocket available (Node 22,
// or the `ws` package installed), the events are also watched live through the SDK and printed.
//
// Environment (dev defaults): LEADLINE_NOTIFY_URL (http://localhost:8080), LEADLINE_LEADS_URL (:8081),
// LEADLINE_PAYMENTS_URL (:8082), LEADLINE_ADMIN_USERNAME (admin), LEADLINE_ADMIN_PASSWORD (else
// .run/admin-password), LEADLINE_STRIPE_WEBHOOK_SECRET (the dev secret).
import { LeadlineClient } from '../src/leadline.js';
import { configFromEnv, Leadline, HttpError, wsUrl } from './rest.mjs';

const config = configFromEnv();
const api = new Leadline(config);
const quiet = process.argv.includes('--quiet');
const results = { ok: 0, skipped: 0, failed: 0 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const color = process.stdout.isTTY ? (code, s) => `\x1b[${code}m${s}\x1b[0m` : (_c, s) => s;
const say = (s) => console.log(s);

async function step(title, fn) {
  say(color('1', `▶ ${title}`));
  try {
    const note = await fn();
    results.ok += 1;
    if (note) say(`  ${color('32', '✓')} ${note}`);
    return true;
  } catch (e) {
    if (e instanceof HttpError && (e.status === 404 || e.status === 405)) {
      results.skipped += 1;
      say(`  ${color('33', '–')} skipped: the endpoint is not there yet (${e.message})`);
    } else if (e instanceof Skip) {
      results.skipped += 1;
      say(`  ${color('33', '–')} skipped: ${e.message}`);
    } else {
      results.failed += 1;
      say(`  ${color('31', '✗')} failed: ${e.message}`);
    }
    return false;
  }
}

class Skip extends Error {}

/** A WebSocket implementation, if this Node has one (22+) or the ws package can be loaded. */
async function webSocketClass() {
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  try {
    return (await import('ws')).default;
  } catch {
    return null;
  }
}

function summarize(event) {
  const d = event.data || {};
  switch (event.type) {
    case 'lead_created': return `"${d.title}" (${d.category}, ${d.city})`;
    case 'lead_claimed': return `lead ${d.lead_id}: ${d.current_claims}/${d.total_claims}${d.competitive ? ', competitive' : ''}`;
    case 'lead_distributed': return `"${d.lead?.title}" score ${d.score?.score} (${d.score?.tier})`;
    case 'balance_updated': return `${d.previous_balance} → ${d.new_balance} (${d.reason})`;
    case 'notification_message': return `"${d.title}"`;
    case 'metrics_updated': return `${d.transaction_count} transactions, success ${d.success_rate}, revenue ${d.revenue_total}`;
    case 'transaction_created':
    case 'transaction_updated': return `#${d.id} ${d.amount} ${d.currency} ${d.status}`;
    case 'status_change': return `escrow ${d.escrow_id}: ${d.old_status} → ${d.new_status}`;
    case 'fraud_alert': return `${d.rule} (${d.severity}) on ${d.transaction_id}${d.summary ? ': ' + d.summary : ''}`;
    default: return Object.entries(d).slice(0, 3).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' ');
  }
}

async function watch(WebSocket, label, token, channels) {
  const client = new LeadlineClient({ url: wsUrl(config.notifyUrl), token, WebSocket, onlineEvents: false });
  const seen = [];
  client.onEvent('*', (event) => {
    seen.push(event);
    if (!quiet) say(color('36', `    ← ${label}: ${event.type} on ${event.channel} #${event.seq} ${summarize(event)}`));
  });
  for (const channel of channels) {
    client.subscribe(channel, () => {}).ready().catch((e) => say(`    (${label} cannot listen to ${channel}: ${e.code})`));
  }
  await client.connect();
  return { label, client, seen };
}

async function signInOrRegister(username, password, role) {
  try {
    const token = await api.token(username, password);
    const me = await api.me(token);
    return { ...me, id: String(me.id), username, password, token };
  } catch (e) {
    if (!(e instanceof HttpError) || e.status !== 401) throw e;
    const user = await api.register(role, username.replace(/_/g, '').slice(0, 12));
    return { ...user, id: String(user.id) };
  }
}

async function main() {
  say(`Leadline demo against leads ${config.leadsUrl}, payments ${config.paymentsUrl}, notify ${config.notifyUrl}`);
  let admin;
  try {
    admin = await api.admin();
  } catch (e) {
    say(color('31', `cannot sign in as ${config.adminUsername}: ${e.message}`));
    say('Is the system up (./leadline up), and are LEADLINE_ADMIN_USERNAME / LEADLINE_ADMIN_PASSWORD right?');
    process.exit(2);
  }

  const provider = await signInOrRegister('demo_provider', 'demo-provider-password', 'provider');
  const customer = await signInOrRegister('demo_customer', 'demo-customer-password', 'customer');
  const rivals = [await api.register('provider', 'rival'), await api.register('provider', 'rival')];
  say(`Users: provider ${provider.username} (#${provider.id}), customer ${customer.username} (#${customer.id}), ` +
    `rivals #${rivals[0].id} and #${rivals[1].id}`);
  say(`Dashboards: ${config.notifyUrl}/ (provider: ${provider.username}), ${config.notifyUrl}/admin.html (admin)`);

  const watchers = [];
  const WebSocket = await webSocketClass();
  if (WebSocket) {
    try {
      watchers.push(await watch(WebSocket, 'provider', provider.token, ['leads']));
      watchers.push(await watch(WebSocket, 'admin', admin.token, ['payments.monitor']));
      say('Watching the events live through the SDK (← lines).');
    } catch (e) {
      say(`(not watching live: ${e.message})`);
    }
  } else {
    say('(no WebSocket on this Node: run `npm install` in clients/js or use Node 22 to watch the events live)');
  }

  await step('The provider describes what it serves (so that matching leads are distributed to it)', async () => {
    try {
      await api.putProfile(provider.token, {
        categories: ['plumbing', 'roofing'], service_areas: [{ city: 'Austin', state: 'TX' }],
        property_types: ['single_family', 'multi_family'], min_units: 1,
      });
    } catch (e) {
      if (e instanceof HttpError && e.status === 400) throw new Skip(`the profile API wants another shape: ${e.message}`);
      throw e;
    }
    return 'plumbing and roofing in Austin, TX';
  });

  let lead;
  await step('A lead is submitted on the public form and verified by an admin (scored, distributed)', async () => {
    const submitted = await api.submitLead({ title: 'Burst pipe flooding the basement', urgency: 'urgent', units: 4, property_type: 'multi_family' });
    lead = await api.verifyLead(submitted.id);
    return `lead ${lead.id} "${lead.title}" is ${lead.status}, ${lead.price} credits, up to ${lead.max_claims} claims`;
  });

  await step('Admin grants credits (balance_updated for each provider)', async () => {
    const grants = [];
    for (const user of [provider, ...rivals]) {
      const answer = await api.grant(user.id, 100, 'demo credits');
      grants.push(`#${user.id} → ${answer.new_balance}`);
    }
    return 'new balances: ' + grants.join(', ');
  });

  await step('Two providers claim the lead (lead_claimed; competitive from the second claim)', async () => {
    if (!lead) throw new Skip('no lead (the first step failed)');
    const answers = [];
    for (const rival of rivals) {
      await api.claim(rival.token, lead.id);
      answers.push(`#${rival.id} claimed`);
    }
    return answers.join(', ');
  });

  await step('Admin sends a notification to the provider (notification_message, bell +1)', async () => {
    const answer = await api.notify({ user_id: provider.id }, {
      title: 'Welcome to Leadline', message: 'Your service area now covers Austin, TX.', priority: 'high',
    });
    return `sent to ${answer?.recipients ?? 1} recipient(s)`;
  });

  await step('An escrow goes through its lifecycle: INITIATED → HELD (paid) → RELEASED', async () => {
    const escrow = await api.createEscrow(customer.token, Number(provider.id), 250);
    const statuses = [escrow.status];
    await api.fundEscrow(escrow); // the customer's payment succeeds (Stripe's signed webhook)
    statuses.push(`paid: ${(await api.getEscrow(customer.token, escrow.id))?.status ?? '?'}`);
    for (const [action, label] of [['confirm', 'buyer confirms'], ['release', 'buyer releases']]) {
      const answer = await api.escrowAction(customer.token, escrow.id, action);
      statuses.push(`${label}: ${answer?.status ?? '?'}`);
    }
    return `escrow ${escrow.id}: ${statuses.join(' → ')} (follow it at ${config.notifyUrl}/escrow.html?id=${escrow.id})`;
  });

  let payment;
  await step('A top-up is paid: Stripe\'s signed webhook completes it (transaction_updated, balance_updated)', async () => {
    payment = await api.topUp(provider.token, 50, 'stripe');
    const outcome = await api.stripeWebhook('payment_intent.succeeded', api.stripeIntent(payment));
    const wallet = await api.wallet(provider.token);
    return `payment ${payment.id} (${payment.provider_reference}) ${outcome?.outcome ?? outcome?.status ?? 'processed'}; balance ${wallet.balance}`;
  });

  await step('Admin refunds part of that payment (refund_processed)', async () => {
    if (!payment) throw new Skip('no payment (the previous step failed)');
    const refund = await api.refund(payment.id, '10.00', 'demo: partial refund');
    return `refunded ${refund?.amount ?? '10.00'} of payment ${payment.id}`;
  });

  await step('Suspicious activity raises a fraud alert (fraud_alert on payments.monitor)', async () => {
    // A rule alerts once per customer within its window (up to an hour): a customer of its own each run
    // keeps a second run from being deduplicated into silence, without loosening the rules.
    const suspect = await api.register('customer', 'suspect');
    // failed payments in a burst, and an unusually large one
    for (let i = 0; i < 4; i++) {
      const p = await api.topUp(suspect.token, 5, 'stripe');
      await api.stripeWebhook('payment_intent.payment_failed',
        api.stripeIntent(p, { last_payment_error: { message: 'card declined (demo)' } }));
    }
    await api.topUp(suspect.token, 99_000, 'stripe');
    const monitor = watchers.find((w) => w.label === 'admin');
    if (!monitor) return `fired for customer #${suspect.id} (watch the admin dashboard for the alerts)`;
    const alerted = () => monitor.seen.filter((e) => e.type === 'fraud_alert' && String(e.data?.customer_ref) === String(suspect.id));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && alerted().length < 2) await sleep(100);
    if (alerted().length === 0) {
      throw new Skip(`no fraud_alert for customer #${suspect.id} seen within 10 s: are the fraud rules enabled (leadline.payments.fraud.enabled)?`);
    }
    return `fraud_alert published for customer #${suspect.id}: ${alerted().map((e) => e.data.rule).join(', ')}`;
  });

  await sleep(watchers.length ? 1500 : 0); // let the last events arrive
  for (const w of watchers) w.client.close();
  say('');
  say(`Done: ${results.ok} steps ok, ${results.skipped} skipped, ${results.failed} failed.`);
  if (watchers.length) say(`Events seen live: ${watchers.map((w) => w.seen.length).reduce((a, b) => a + b, 0)}.`);
  process.exitCode = results.failed > 0 ? 1 : 0;
}

main().catch((e) => {
  console.error(color('31', 'demo failed: ' + (e && e.stack ? e.stack : e)));
  process.exit(1);
});
