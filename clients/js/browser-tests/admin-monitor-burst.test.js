// The admin payment monitor under a burst of real payments and webhooks: clicks stay quick and the page
// keeps up with its socket. The page measures itself (support/monitor-burst.js). This burst comes from the
// real producers (payments-service's REST API and webhooks); admin-monitor-bus-burst.test.js drives the
// page at the rate a small machine's services cannot reach, through the bus.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSystem, screenshot, liveUpdatesActive, subscribed, openAdminMonitor } from './support/browser.js';
import { eventually, notBuiltYet, Waits } from '../testing/env.js';
import {
  startMeasuring, clickSortHeader, burstReport, INPUT_P95_LIMIT_MS, INPUT_MAX_LIMIT_MS, PAGE_LAG_LIMIT_MS,
} from './support/monitor-burst.js';

const BURST_MS = 10_000;
/** Concurrent payers, each its own customer: one customer's payments would queue on its wallet. */
const PAYERS = 24;

const system = await browserSystem();
const opts = system.skip ? { skip: system.skip }
  : !system.config.paymentsUrl ? { skip: 'set LEADLINE_PAYMENTS_URL: the monitor shows payments-service events' } : {};

describe('admin payment monitoring under a burst', opts, () => {
  let context;
  let page;
  let payers;

  before(async () => {
    ({ context, page } = await openAdminMonitor(system));
    payers = await Promise.all(Array.from({ length: PAYERS }, (_, i) => system.api.register('provider', `burst${i}`)));
  });

  after(async () => {
    await context?.close();
    await system.close();
  });

  test('a burst of payments and webhooks keeps clicks quick and the page close behind its socket', async (t) => {
    await liveUpdatesActive(page);
    await subscribed(page, 'payments.monitor');
    await page.locator('#tx-count', { hasText: 'transactions' }).waitFor({ timeout: Waits.ROUND_TRIP_MS });
    try {
      await system.api.topUp(payers[0].token, 1, 'stripe');
    } catch (e) {
      if (notBuiltYet(e)) {
        t.skip('POST /api/wallet/top-ups is not there yet');
        return;
      }
      throw e;
    }
    const before = await startMeasuring(page);

    const started = Date.now();
    const deadline = started + BURST_MS;
    let payments = 0;
    let webhooks = 0;
    let last = null;
    const pay = async (payer, n) => {
      while (Date.now() < deadline) {
        const payment = await system.api.topUp(payer.token, 1 + ((n * 7919 + payments) % 400), 'stripe');
        payments += 1;
        await system.api.stripeWebhook('payment_intent.succeeded', system.api.stripeIntent(payment));
        webhooks += 1;
        last = payment;
      }
    };
    const [clicks] = await Promise.all([clickSortHeader(page, started, deadline), ...payers.map(pay)]);
    const burstMs = Date.now() - started;

    // caught up: the last payment's row shows it settled (the newest rows are in the table, in any order)
    await page.locator(`#tx-body tr[data-id="${last.id}"][data-status="succeeded"]`)
      .waitFor({ timeout: Waits.ROUND_TRIP_MS });
    const caughtUpMs = Date.now() - started - burstMs;
    await eventually(() => page.evaluate(() => window.__leadlineMonitor.applied === window.__leadlineMonitor.received),
      'the page to apply everything it received');

    const report = await burstReport(page, before, { burstMs, payments, webhooks, clicks, caughtUpAfterBurstMs: caughtUpMs });
    await screenshot(page, 'admin-burst');
    console.log('admin monitor burst:', JSON.stringify(report));

    assert.ok(report.events > PAYERS * 6, `a burst reached the page (${report.events} events)`);
    assert.ok(report.clicksMeasured >= clicks / 2, `most clicks were measured (${report.clicksMeasured} of ${clicks})`);
    assert.ok(report.inputP95Ms < INPUT_P95_LIMIT_MS, `input latency p95 ${report.inputP95Ms} ms`);
    assert.ok(report.inputMaxMs < INPUT_MAX_LIMIT_MS, `input latency max ${report.inputMaxMs} ms`);
    assert.ok(report.pageLagMaxMs < PAGE_LAG_LIMIT_MS, `events waited up to ${report.pageLagMaxMs} ms in the page`);
    assert.ok(report.rows <= 200, `the table stays bounded (${report.rows} rows)`);
  });
});
