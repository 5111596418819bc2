// The monitor's metrics under concurrent payments: what the page shows never goes backwards, ends equal
// to REST, and the charts of the last hour are drawn from real data.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSystem, screenshot, liveUpdatesActive, subscribed, openAdminMonitor } from './support/browser.js';
import { eventually, Waits } from '../testing/env.js';

const system = await browserSystem();
const opts = system.skip ? { skip: system.skip }
  : !system.config.paymentsUrl ? { skip: 'set LEADLINE_PAYMENTS_URL: the monitor shows payments-service events' } : {};

const PAYMENTS = 50;
const CUSTOMERS = 5;

describe('admin monitor metrics', opts, () => {
  let context;
  let page;

  before(async () => {
    ({ context, page } = await openAdminMonitor(system));
  });

  after(async () => {
    await context?.close();
    await system.close();
  });

  test('under 50 concurrent payments the shown metrics never go backwards and end equal to REST', async () => {
    await liveUpdatesActive(page);
    await subscribed(page, 'payments.monitor');
    await page.locator('#metrics[data-version]').waitFor({ timeout: Waits.ROUND_TRIP_MS });
    // every state the cards pass through, as the page shows it
    await page.evaluate(() => {
      const shown = [];
      const record = () => {
        const state = {
          version: Number(document.querySelector('#metrics').dataset.version),
          count: Number(document.querySelector('#m-count').dataset.value),
          revenue: Number(document.querySelector('#m-revenue').dataset.value),
        };
        const last = shown[shown.length - 1];
        if (!last || last.version !== state.version || last.count !== state.count || last.revenue !== state.revenue) {
          shown.push(state);
        }
      };
      record();
      new MutationObserver(record).observe(document.querySelector('#metrics'),
        { subtree: true, childList: true, characterData: true, attributes: true });
      window.__shownMetrics = shown;
    });

    const customers = await Promise.all(Array.from({ length: CUSTOMERS },
      (_, i) => system.api.register('provider', `ui_metrics_${i}`)));
    await Promise.all(Array.from({ length: PAYMENTS }, async (_, i) => {
      const payment = await system.api.topUp(customers[i % CUSTOMERS].token, 5 + (i % 7), 'stripe');
      await system.api.stripeWebhook('payment_intent.succeeded', system.api.stripeIntent(payment));
    }));

    const rest = await system.api.metrics();
    await eventually(async () => Number(await page.locator('#metrics').getAttribute('data-version')) >= rest.version,
      `the page to reach version ${rest.version}`, Waits.ROUND_TRIP_MS);
    const shown = await page.evaluate(() => window.__shownMetrics);
    assert.ok(shown.length > 1, 'the page showed the payments as they came');
    for (let i = 1; i < shown.length; i++) {
      const [before, after] = [shown[i - 1], shown[i]];
      const step = `${JSON.stringify(before)} → ${JSON.stringify(after)}`;
      assert.ok(after.version > before.version, 'version rises: ' + step);
      assert.ok(after.count >= before.count, 'count never goes down: ' + step);
      assert.ok(after.revenue >= before.revenue, 'revenue never goes down: ' + step);
    }

    const last = await system.api.metrics(); // nothing else changes payments now
    assert.equal(last.version, rest.version);
    assert.equal(await page.locator('#metrics').getAttribute('data-version'), String(last.version));
    assert.equal(Number(await page.locator('#m-count').getAttribute('data-value')), last.transaction_count);
    assert.equal(Number(await page.locator('#m-revenue').getAttribute('data-value')), Number(last.revenue_total));
    assert.equal(Number(await page.locator('#m-rate').getAttribute('data-value')), Number(last.success_rate));
  });

  test('the charts show the last hour with the payments just made, at desktop and phone width', async () => {
    const drawn = (name) => page.locator(`#chart-${name} svg[data-points]`);
    // the charts are read again a few seconds after a burst of snapshots
    await eventually(async () => Number(await drawn('tpm').getAttribute('data-points').catch(() => '0')) > 0
      && Number(await drawn('revenue').getAttribute('data-points').catch(() => '0')) > 0
      && Number(await drawn('rate').getAttribute('data-points').catch(() => '0')) > 0,
    'the charts to show the payments', Waits.ROUND_TRIP_MS);
    assert.ok(await page.locator('#chart-tpm rect.bar').count() >= 60, 'a bar for every minute of the hour');
    assert.match(await drawn('tpm').getAttribute('aria-label'), /^Transactions per minute: \d+ in the minute/);
    assert.match(await drawn('rate').getAttribute('aria-label'), /^Success rate: \d+\.\d %/);
    assert.match(await drawn('revenue').getAttribute('aria-label'), /^Revenue, last hour: .*\d/);
    await page.locator('#charts').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-metrics-charts-desktop');

    // the charts take the width they are given: on a phone's column (375px less the page's margins) they
    // stack and fit; the page's own layout at that width is not theirs to settle
    await page.setViewportSize({ width: 375, height: 800 });
    const fits = await page.evaluate(() => {
      const charts = document.querySelector('#charts');
      charts.style.maxWidth = '343px';
      const box = charts.getBoundingClientRect();
      const svgs = [...charts.querySelectorAll('svg')].map((svg) => svg.getBoundingClientRect());
      return {
        overflow: charts.scrollWidth - charts.clientWidth,
        outside: svgs.filter((svg) => svg.right > box.right + 0.5 || svg.width < 200).length,
        stacked: new Set(svgs.map((svg) => Math.round(svg.left))).size === 1,
      };
    });
    assert.deepEqual(fits, { overflow: 0, outside: 0, stacked: true }, 'the charts fit a 343px column, one per row');
    await page.locator('#charts').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-metrics-charts-phone');
  });
});
