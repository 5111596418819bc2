// Every dashboard page at a phone's width: no sideways scrolling for anyone who can open it (signed out, a
// provider, a customer, an admin, someone not allowed), screenshots of each at desktop and phone width,
// and toasts that leave a phone usable: one per lead, at most three, compact, never over the open inbox.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSystem, signIn, screenshot, liveUpdatesActive, subscribed, adminUser } from './support/browser.js';
import { eventually, notBuiltYet, Waits } from '../testing/env.js';

const system = await browserSystem();
const opts = system.skip ? { skip: system.skip } : {};
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };

after(async () => {
  await system.close?.();
});

/** Checks the page at phone width (nothing wider than the screen), then screenshots it at both widths. */
async function atBothWidths(page, name) {
  await page.setViewportSize(PHONE);
  const { wide, screen } = await page.evaluate(() => ({ wide: document.documentElement.scrollWidth, screen: innerWidth }));
  assert.ok(wide <= screen, `${name}: the page is ${wide} px wide on a ${screen} px screen`);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
  await screenshot(page, `${name}-desktop`);
  await page.setViewportSize(PHONE);
}

const connectionShown = (page) => page.locator('#conn').isVisible();

async function notAllowed(page, name) {
  await page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor({ timeout: Waits.RECONNECT_MS });
  assert.equal(await connectionShown(page), false, `${name}: no "Live" on a page that shows nothing live`);
  await atBothWidths(page, name);
}

describe('dashboards on a phone', opts, () => {
  test('signed out: each sign-in form fits, and claims no connection', async () => {
    const context = await system.browser.newContext({ viewport: PHONE });
    try {
      const page = await context.newPage();
      for (const [path, name] of [['index.html', 'signin-leads'], ['admin.html', 'signin-payments'], ['escrow.html', 'signin-escrow']]) {
        await page.goto(system.pageUrl(path));
        await page.getByLabel('Username').waitFor();
        assert.equal(await connectionShown(page), false, `${name}: no "Connecting…" before anyone signed in`);
        await atBothWidths(page, name);
      }
    } finally {
      await context.close();
    }
  });

  test('a provider: the leads, the inbox, the escrow picker, and the monitor it may not see', async () => {
    const provider = await system.api.register('provider', 'ui_phone');
    const context = await system.browser.newContext({ viewport: PHONE });
    try {
      const page = await signIn(context, system.pageUrl('index.html'), provider);
      await liveUpdatesActive(page);
      await subscribed(page, 'leads');
      const lead = await system.api.publishLead({ title: `Dripping outdoor tap with a long description ${Date.now() % 100000}` });
      await page.locator(`#leads [data-lead-id="${lead.id}"]`).waitFor({ timeout: Waits.ROUND_TRIP_MS });
      await atBothWidths(page, 'provider-leads');
      await page.getByRole('button', { name: /Notifications/ }).click();
      await page.getByRole('dialog', { name: 'Notifications' }).waitFor();
      await atBothWidths(page, 'provider-inbox');
      await page.keyboard.press('Escape');

      await page.goto(system.pageUrl('escrow.html'));
      await page.locator('#pick').waitFor({ state: 'visible' });
      await atBothWidths(page, 'provider-escrow-picker');

      await page.goto(system.pageUrl('admin.html'));
      await notAllowed(page, 'payments-not-allowed');
    } finally {
      await context.close();
    }
  });

  test('a customer: the escrow it pays into, and the lead feed it may not see; a stranger may not follow it', async (t) => {
    const customer = await system.api.register('customer', 'ui_phone_buyer');
    const seller = await system.api.register('provider', 'ui_phone_seller');
    const context = await system.browser.newContext({ viewport: PHONE });
    try {
      const page = await signIn(context, system.pageUrl('index.html'), customer);
      await liveUpdatesActive(page);
      await page.locator('#leads-note', { hasText: 'may not see' }).waitFor({ timeout: Waits.ROUND_TRIP_MS });
      await atBothWidths(page, 'customer-leads');

      let escrow;
      try {
        escrow = await system.api.createEscrow(customer.token, Number(seller.id), 240);
      } catch (e) {
        if (notBuiltYet(e)) {
          t.skip(`POST /api/escrows answers ${e.status}: escrows are not built yet`);
          return;
        }
        throw e;
      }
      await page.goto(system.pageUrl('escrow.html', { id: String(escrow.id) }));
      await page.locator('#escrow').waitFor({ state: 'visible', timeout: Waits.RECONNECT_MS });
      await system.api.fundEscrow(escrow);
      await page.locator('#status[data-status="HELD"]').waitFor({ timeout: Waits.ROUND_TRIP_MS });
      await atBothWidths(page, 'customer-escrow');

      const stranger = await system.api.register('provider', 'ui_phone_stranger');
      const other = await system.browser.newContext({ viewport: PHONE });
      try {
        const nosy = await signIn(other, system.pageUrl('escrow.html', { id: String(escrow.id) }), stranger);
        await notAllowed(nosy, 'escrow-not-allowed');
      } finally {
        await other.close();
      }
    } finally {
      await context.close();
    }
  });

  test('an admin: the payment monitor with transactions and webhooks, the leads and the escrow picker', async (t) => {
    if (!system.config.paymentsUrl) {
      t.skip('set LEADLINE_PAYMENTS_URL');
      return;
    }
    const context = await system.browser.newContext({ viewport: PHONE });
    try {
      const page = await signIn(context, system.pageUrl('admin.html'), adminUser(system));
      await liveUpdatesActive(page);
      await page.locator('#monitor').waitFor({ state: 'visible', timeout: Waits.ROUND_TRIP_MS });
      await page.locator('#tx-count', { hasText: 'transactions' }).waitFor({ timeout: Waits.ROUND_TRIP_MS });
      const buyer = await system.api.register('provider', 'ui_phone_payer');
      const payment = await system.api.topUp(buyer.token, 1234, 'stripe');
      await system.api.stripeWebhook('payment_intent.succeeded', system.api.stripeIntent(payment));
      await page.locator(`#tx-body tr[data-id="${payment.id}"][data-status="succeeded"]`).waitFor({ timeout: Waits.ROUND_TRIP_MS });
      await page.locator('#webhooks li').first().waitFor({ timeout: Waits.ROUND_TRIP_MS });
      await atBothWidths(page, 'payments-monitor');

      await page.goto(system.pageUrl('index.html'));
      await liveUpdatesActive(page);
      await atBothWidths(page, 'admin-leads');
      await page.goto(system.pageUrl('escrow.html'));
      await page.locator('#pick').waitFor({ state: 'visible' });
      await atBothWidths(page, 'admin-escrow-picker');
    } finally {
      await context.close();
    }
  });
});

describe('toasts on a phone', opts, () => {
  test('one toast per lead, at most three at once, compact, and none over the open inbox', async () => {
    const provider = await system.api.register('provider', 'ui_toasts');
    // a provider the leads are distributed to: each new lead reaches it as lead_created, lead_distributed
    // and, when it scores excellent, lead_alert
    await system.api.putProfile(provider.token, {
      categories: ['plumbing'], service_areas: [{ city: 'Austin', state: 'TX' }],
      property_types: ['single_family', 'multi_family'], min_units: 1,
    });
    const context = await system.browser.newContext({ viewport: PHONE });
    try {
      const page = await signIn(context, system.pageUrl('index.html'), provider);
      await liveUpdatesActive(page);
      await subscribed(page, 'leads');
      await page.evaluate(() => {
        window.__events = [];
        window.__leadline.client.onEvent('*', (e) => window.__events.push({ type: e.type, data: e.data }));
        window.__mostToasts = 0;
        window.__mostToastsPerText = {};
        new MutationObserver(() => {
          const shown = [...document.querySelectorAll('.toast')];
          window.__mostToasts = Math.max(window.__mostToasts, shown.length);
          for (const marker of window.__markers || []) {
            const n = shown.filter((t) => t.textContent.includes(marker)).length;
            window.__mostToastsPerText[marker] = Math.max(window.__mostToastsPerText[marker] || 0, n);
          }
        }).observe(document.body, { childList: true, subtree: true });
      });
      const title = `Burst pipe in the laundry ${Date.now() % 100000}`;
      await page.evaluate((marker) => (window.__markers = [marker]), title);
      const lead = await system.api.publishLead({ title });
      const seen = (type) => page.evaluate(([t, id]) => window.__events.some((e) => e.type === t
        && String(e.data.id ?? e.data.lead_id ?? e.data.lead?.id) === id), [type, String(lead.id)]);
      await eventually(async () => (await seen('lead_created')) && (await seen('lead_distributed')), 'lead_created and lead_distributed');
      const toastsOfLead = page.locator('.toast', { hasText: title });
      assert.equal(await toastsOfLead.count(), 1, 'one toast for the lead');
      assert.equal(await page.evaluate((marker) => window.__mostToastsPerText[marker], title), 1, 'never two at once');
      await screenshot(page, 'toast-one-per-lead-phone');

      for (let i = 0; i < 4; i++) await system.api.publishLead({ title: `Leaking valve ${i} ${Date.now() % 100000}` });
      await eventually(async () => (await page.locator('.toast').count()) === 3, 'three toasts at once');
      assert.ok(await page.evaluate(() => window.__mostToasts) <= 3, 'never more than three');
      const region = await page.locator('.toasts').boundingBox();
      assert.ok(region.height <= PHONE.height * 0.3, `three toasts take ${region.height} px of a ${PHONE.height} px screen`);
      await screenshot(page, 'toasts-three-phone');

      await page.getByRole('button', { name: /Notifications/ }).click();
      await page.getByRole('dialog', { name: 'Notifications' }).waitFor();
      await system.api.publishLead({ title: `Leaking valve while reading ${Date.now() % 100000}` });
      await eventually(async () => (await page.locator('.toast').count()) > 0, 'a toast in the page');
      assert.equal(await page.locator('.toasts').isVisible(), false, 'no toast over the open inbox');
      await screenshot(page, 'toasts-inbox-open-phone');
    } finally {
      await context.close();
    }
  });
});
