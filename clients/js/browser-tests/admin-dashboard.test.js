// The admin payment-monitoring page: live metrics and transactions; a provider is told "not allowed".
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSystem, signIn, screenshot } from './support/browser.js';
import { eventually, notBuiltYet } from '../testing/env.js';

const system = await browserSystem();
const opts = system.skip ? { skip: system.skip }
  : !system.config.paymentsUrl ? { skip: 'set LEADLINE_PAYMENTS_URL: the monitor shows payments-service events' } : {};

describe('admin payment monitoring', opts, () => {
  let context;
  let page;
  let customer;

  before(async () => {
    context = await system.browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await signIn(context, system.pageUrl('admin.html'),
      { username: system.config.adminUsername, password: system.config.adminPassword });
    customer = await system.api.register('provider', 'ui_buyer');
  });

  after(async () => {
    await context?.close();
    await system.close();
  });

  test('connects and shows the monitor', async () => {
    await page.locator('#conn', { hasText: 'Live updates active' }).waitFor({ timeout: 20_000 });
    await page.locator('#monitor').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await page.locator('#forbidden').isHidden(), true);
  });

  test('metrics, transactions and webhooks update live; filters and sorting survive updates', async (t) => {
    await page.locator('#m-count[data-value]').waitFor({ timeout: 10_000 });
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
    await row.waitFor({ timeout: 15_000 });
    await eventually(async () => Number(await page.locator('#m-count').getAttribute('data-value')) > countBefore,
      'the transaction count to rise');
    assert.equal(await row.getAttribute('data-status'), 'pending');

    // a filter set by the admin stays while updates arrive
    await page.getByLabel('Status').selectOption('succeeded');
    await page.getByRole('button', { name: 'Amount' }).click(); // sort by amount
    assert.equal(await row.count(), 0, 'the pending payment is filtered out');

    await system.api.stripeWebhook('payment_intent.succeeded', system.api.stripeIntent(payment));
    await row.waitFor({ timeout: 15_000 }); // now succeeded, so it passes the filter
    assert.equal(await row.getAttribute('data-status'), 'succeeded');
    assert.equal(await page.getByLabel('Status').inputValue(), 'succeeded', 'the filter survived the update');
    assert.equal(await page.locator('th[aria-sort="descending"] button').textContent(), 'Amount', 'so did the sort');
    await page.locator('#webhooks li', { hasText: 'payment_intent.succeeded' }).first().waitFor({ timeout: 10_000 });
    const rate = await page.locator('#m-rate').textContent();
    assert.match(rate, /%/);
    await screenshot(page, 'admin-live');

    // a second payment while filtered: counted, not shown
    const other = await system.api.topUp(customer.token, 3, 'stripe');
    await eventually(async () => /of \d+ transactions/.test(await page.locator('#tx-count').textContent())
      && (await page.locator(`#tx-body tr[data-id="${other.id}"]`).count()) === 0, 'the counter');
    await page.getByLabel('Status').selectOption('');
    await page.locator(`#tx-body tr[data-id="${other.id}"]`).waitFor({ timeout: 5_000 });
  });

  test('a provider opening the page sees "not allowed", not a blank page', async () => {
    const provider = await system.api.register('provider', 'ui_nosy');
    const other = await system.browser.newContext();
    try {
      const nosy = await signIn(other, system.pageUrl('admin.html'), provider);
      await nosy.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor({ timeout: 20_000 });
      assert.equal(await nosy.locator('#monitor').isHidden(), true);
      await screenshot(nosy, 'admin-forbidden');
    } finally {
      await other.close();
    }
  });
});
