// The admin payment-monitoring page: live metrics, transactions, webhooks and fraud alerts in words; kinds turned
// back on re-read what they missed; a provider is told "not allowed".
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSystem, signIn, screenshot, liveUpdatesActive, subscribed, openAdminMonitor } from './support/browser.js';
import { eventually, notBuiltYet, sleep, Waits } from '../testing/env.js';

const system = await browserSystem();
/** Longer than the monitor's RESYNC_AFTER_HIDDEN_MS (15 s): an absence after which it re-reads. */
const BACKGROUND_MS = 16_000;
const opts = system.skip ? { skip: system.skip }
  : !system.config.paymentsUrl ? { skip: 'set LEADLINE_PAYMENTS_URL: the monitor shows payments-service events' } : {};

describe('admin payment monitoring', opts, () => {
  let context;
  let page;
  let customer;

  before(async () => {
    ({ context, page } = await openAdminMonitor(system));
    customer = await system.api.register('provider', 'ui_buyer');
  });

  after(async () => {
    await context?.close();
    await system.close();
  });

  test('connects and shows the monitor', async () => {
    await liveUpdatesActive(page);
    await page.locator('#monitor').waitFor({ state: 'visible', timeout: Waits.ROUND_TRIP_MS });
    assert.equal(await page.locator('#forbidden').isHidden(), true);
  });

  test('metrics, transactions and webhooks update live; filters and sorting survive updates', async (t) => {
    // the page's first REST reads (metrics, then transactions) are done: none can land after a live update
    await page.locator('#m-count[data-value]').waitFor({ timeout: Waits.ROUND_TRIP_MS });
    await page.locator('#tx-count', { hasText: 'transactions' }).waitFor({ timeout: Waits.ROUND_TRIP_MS });
    const countBefore = Number(await page.locator('#m-count').getAttribute('data-value'));
    let payment;
    try {
      payment = await system.api.topUp(customer.token, 12, 'stripe');
    } catch (e) {
      if (notBuiltYet(e)) {
        t.skip('POST /api/wallet/top-ups is not there yet');
        return;
      }
      throw e;
    }
    const row = page.locator(`#tx-body tr[data-id="${payment.id}"]`);
    await row.waitFor({ timeout: Waits.ROUND_TRIP_MS });
    await eventually(async () => Number(await page.locator('#m-count').getAttribute('data-value')) > countBefore,
      'the transaction count to rise');
    assert.equal(await row.getAttribute('data-status'), 'pending');

    // a filter set by the admin stays while updates arrive
    await page.getByLabel('Status').selectOption('succeeded');
    await page.getByRole('button', { name: 'Amount' }).click(); // sort by amount
    assert.equal(await row.count(), 0, 'the pending payment is filtered out');

    await system.api.stripeWebhook('payment_intent.succeeded', system.api.stripeIntent(payment));
    await row.waitFor({ timeout: Waits.ROUND_TRIP_MS }); // now succeeded, so it passes the filter
    assert.equal(await row.getAttribute('data-status'), 'succeeded');
    assert.equal(await page.getByLabel('Status').inputValue(), 'succeeded', 'the filter survived the update');
    assert.equal(await page.locator('th[aria-sort="descending"] button').textContent(), 'Amount', 'so did the sort');
    const webhook = page.locator('#webhooks li[data-stage="processed"]', { hasText: 'payment_intent.succeeded' }).first();
    await webhook.waitFor({ timeout: Waits.ROUND_TRIP_MS });
    const webhookText = await webhook.innerText();
    assert.match(webhookText, /Stripe: payment succeeded\s+processed/, 'the webhook entry reads in words');
    assert.doesNotMatch(webhookText, /processed \(processed\)/);
    // the rate comes with metrics_updated, which need not arrive before the webhook's or the row's events
    await page.locator('#m-rate', { hasText: '%' }).waitFor({ timeout: Waits.ROUND_TRIP_MS });
    const rate = await page.locator('#m-rate').textContent();
    assert.match(rate, /%/);
    await screenshot(page, 'admin-live');

    // a second payment while filtered: counted, not shown
    const total = async () => Number((/of (\d+) transactions/.exec(await page.locator('#tx-count').textContent()) || [])[1]);
    const totalBefore = await total();
    const other = await system.api.topUp(customer.token, 3, 'stripe');
    await eventually(async () => (await total()) > totalBefore
      && (await page.locator(`#tx-body tr[data-id="${other.id}"]`).count()) === 0, 'the counter to count it');
    await page.getByLabel('Status').selectOption('');
    await page.locator(`#tx-body tr[data-id="${other.id}"]`).waitFor({ timeout: Waits.ROUND_TRIP_MS });
  });

  test('turning kinds back on re-reads over REST what they missed while off', async (t) => {
    await page.locator('#tx-count', { hasText: 'transactions' }).waitFor({ timeout: Waits.ROUND_TRIP_MS });
    const countBefore = Number(await page.locator('#m-count').getAttribute('data-value'));
    const missed = ['transactions', 'fraud', 'metrics'];
    for (const kind of missed) await page.locator(`#kinds input[value="${kind}"]`).uncheck();
    await subscribed(page, 'payments.monitor');

    // a payment large enough for a fraud alert, settled while its kinds are off
    const big = await system.api.register('provider', 'ui_big');
    let payment;
    try {
      payment = await system.api.topUp(big.token, 1000, 'stripe');
    } catch (e) {
      if (notBuiltYet(e)) {
        t.skip('POST /api/wallet/top-ups is not there yet');
        return;
      }
      throw e;
    }
    const eventId = 'evt_resync_' + payment.id;
    await system.api.stripeWebhook('payment_intent.succeeded', system.api.stripeIntent(payment), eventId);
    // the webhook's events come after the payment's and the alert's on the stream: once it shows, the page
    // has had (and dropped) those too
    await page.locator('#webhooks li[data-stage="processed"]', { hasText: eventId }).waitFor({ timeout: Waits.ROUND_TRIP_MS });
    const row = page.locator(`#tx-body tr[data-id="${payment.id}"]`);
    const alert = page.locator('#fraud li[data-rule="amount_threshold"]', { hasText: `transaction ${payment.id} ` });
    assert.equal(await row.count(), 0, 'the payment is not in the table while transactions are off');
    assert.equal(await alert.count(), 0, 'nor its alert while fraud alerts are off');

    for (const kind of missed) await page.locator(`#kinds input[value="${kind}"]`).check();
    await page.locator(`#tx-body tr[data-id="${payment.id}"][data-status="succeeded"]`).waitFor({ timeout: Waits.ROUND_TRIP_MS });
    await alert.waitFor({ timeout: Waits.ROUND_TRIP_MS });
    const alertText = await alert.innerText();
    assert.match(alertText, /Large payment · high/);
    assert.match(alertText, /at or above the limit of/, 'the reason reads in words');
    assert.doesNotMatch(alertText, /[{}]/, 'no raw JSON');
    await eventually(async () => Number(await page.locator('#m-count').getAttribute('data-value')) > countBefore,
      'the metrics to count the payment');
    await screenshot(page, 'admin-resync');
  });

  test('the network coming back re-reads what the page shows', async () => {
    const resyncs = () => page.evaluate(() => window.__leadlineMonitor.resyncs);
    const before = await resyncs();
    await context.setOffline(true);
    const payment = await system.api.topUp(customer.token, 5, 'stripe'); // from here, not from the offline browser
    await context.setOffline(false);
    await eventually(async () => (await resyncs()) > before, 'the page to re-read over REST once online');
    await page.locator(`#tx-body tr[data-id="${payment.id}"]`).waitFor({ timeout: Waits.ROUND_TRIP_MS });
    await liveUpdatesActive(page);
  });

  test('coming back after a long time in the background re-reads what the page shows', async () => {
    const resyncs = () => page.evaluate(() => window.__leadlineMonitor.resyncs);
    // headless Chromium keeps every tab visible, so the page is told as a browser tells a tab it hides
    const setVisibility = (state) => page.evaluate((visibility) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => visibility === 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);
    const before = await resyncs();
    try {
      await setVisibility('hidden');
      const payment = await system.api.topUp(customer.token, 6, 'stripe');
      await sleep(BACKGROUND_MS); // the page re-reads only after a real absence (admin.js RESYNC_AFTER_HIDDEN_MS)
      assert.equal(await resyncs(), before, 'no re-read while hidden');
      await setVisibility('visible');
      await eventually(async () => (await resyncs()) > before, 'the page to re-read over REST on coming back');
      await page.locator(`#tx-body tr[data-id="${payment.id}"]`).waitFor({ timeout: Waits.ROUND_TRIP_MS });
    } finally {
      await page.evaluate(() => {
        delete document.visibilityState;
        delete document.hidden;
      });
    }
  });

  test('a provider opening the page sees "not allowed", not a blank page', async () => {
    const provider = await system.api.register('provider', 'ui_nosy');
    const other = await system.browser.newContext();
    try {
      const nosy = await signIn(other, system.pageUrl('admin.html'), provider);
      await nosy.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor({ timeout: Waits.RECONNECT_MS });
      assert.equal(await nosy.locator('#monitor').isHidden(), true);
      await screenshot(nosy, 'admin-forbidden');
    } finally {
      await other.close();
    }
  });
});
