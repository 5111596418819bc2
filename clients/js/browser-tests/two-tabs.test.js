// Two tabs of one user: both receive every event; marking read in one clears the badge in the other.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSystem, signIn, screenshot, liveUpdatesActive, appearing } from './support/browser.js';
import { eventually, notBuiltYet } from '../testing/env.js';

const system = await browserSystem();
const opts = system.skip ? { skip: system.skip } : {};
const badgeCount = (page) => page.locator('#badge').evaluate((b) => (b.hidden ? 0 : Number(b.dataset.count)));

describe('two tabs of the same user', opts, () => {
  let provider;
  let context;
  let tabA;
  let tabB;

  before(async () => {
    provider = await system.api.register('provider', 'ui_tabs');
    context = await system.browser.newContext({ viewport: { width: 390, height: 844 } }); // a phone
    tabA = await signIn(context, system.pageUrl('index.html'), provider);
    await liveUpdatesActive(tabA);
    tabB = await context.newPage(); // same browser profile: already signed in
    await tabB.goto(system.pageUrl('index.html'));
    await liveUpdatesActive(tabB);
  });

  after(async () => {
    await context?.close();
    await system.close();
  });

  test('both tabs update, and marking read in one clears the badge in the other', async (t) => {
    // toasts go away after a few seconds: wait for them from before they can appear
    const toasts = [tabA, tabB].map((tab) => appearing(tab.locator('.toast', { hasText: 'Second note' })));
    try {
      await system.api.notify({ user_id: String(provider.id) }, { title: 'First note', message: 'one' });
    } catch (e) {
      if (notBuiltYet(e)) {
        t.skip('the notification inbox (POST /api/notifications) is not there yet');
        return;
      }
      throw e;
    }
    await system.api.notify({ user_id: String(provider.id) }, { title: 'Second note', message: 'two' });
    await Promise.all(toasts);
    for (const tab of [tabA, tabB]) {
      await eventually(async () => (await badgeCount(tab)) === 2, 'a badge of 2 in both tabs');
    }
    await screenshot(tabB, 'two-tabs-before-read');

    // one notification read in tab A
    await tabA.getByRole('button', { name: /Notifications/ }).click();
    await tabA.getByRole('dialog', { name: 'Notifications' }).waitFor();
    await tabA.getByRole('button', { name: 'Mark read: First note' }).click();
    await eventually(async () => (await badgeCount(tabB)) === 1, 'tab B to show 1 unread');

    // the rest, with "Mark all read"
    await tabA.getByRole('button', { name: 'Mark all read' }).click();
    await eventually(async () => (await badgeCount(tabB)) === 0, 'tab B badge to clear');
    assert.equal(await badgeCount(tabA), 0);
    assert.equal(await tabB.locator('#badge').isHidden(), true);
    await screenshot(tabA, 'two-tabs-popover');
    await tabA.keyboard.press('Escape');
    assert.equal(await tabA.locator('#inbox').isHidden(), true, 'Escape closes the popover');
  });

  test('more than nine unread shows 9+', async (t) => {
    try {
      for (let i = 0; i < 10; i++) {
        await system.api.notify({ user_id: String(provider.id) }, { title: `Bulk ${i}`, message: 'bulk' });
      }
    } catch (e) {
      if (notBuiltYet(e)) {
        t.skip('the notification inbox is not there yet');
        return;
      }
      throw e;
    }
    await eventually(async () => (await tabB.locator('#badge').textContent()) === '9+', 'the 9+ badge');
    assert.match(await tabB.locator('#bell-label').textContent(), /10 unread/);
  });
});
