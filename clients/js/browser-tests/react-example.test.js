// The React example app (examples/react), built with Vite and opened in headless Chromium as if notify-service
// served it next to the dashboards: sign in, the bell counts a notification, marks it read and clears the
// inbox, and the live feed shows a new lead.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { extname, resolve, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSystem, screenshot } from './support/browser.js';
import { Waits } from '../testing/env.js';

const system = await browserSystem();
const opts = system.skip ? { skip: system.skip } : {};
const EXAMPLE = fileURLToPath(new URL('../examples/react/', import.meta.url));
const DIST = resolve(EXAMPLE, 'dist');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/**
 * Answers the page's requests under /react-example/ from the build; the rest (config.json, /api/, /ws)
 * goes to notify-service itself, whose origin the page then has.
 */
async function serveBuild(context, origin) {
  // a page answered by the test, not by a server on this machine, is in Chromium's public address space;
  // served by notify-service it would be on loopback, as the dashboards are, and could reach leads-service
  await context.grantPermissions(['local-network-access'], { origin });
  await context.route(`${origin}/react-example/**`, async (route) => {
    const path = new URL(route.request().url()).pathname.slice('/react-example/'.length) || 'index.html';
    const file = normalize(resolve(DIST, path));
    if (!file.startsWith(DIST)) return route.fulfill({ status: 403 });
    try {
      await route.fulfill({ status: 200, body: await readFile(file), headers: { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' } });
    } catch {
      await route.fulfill({ status: 404, body: 'not found' });
    }
  });
}

describe('React example app', opts, () => {
  let provider;
  let context;
  let page;

  before(async () => {
    const { build } = await import('vite');
    await build({ root: EXAMPLE, logLevel: 'warn' });
    provider = await system.api.register('provider', 'react_ex');
    context = await system.browser.newContext({ viewport: { width: 1200, height: 800 } });
    await serveBuild(context, system.dashboard);
    page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    page.on('console', (m) => ['error', 'warning'].includes(m.type()) && console.error(`page ${m.type()}:`, m.text()));
    page.on('requestfailed', (r) => console.error('request failed:', r.url(), r.failure()?.errorText));
    await page.goto(`${system.dashboard}/react-example/index.html`);
    await page.getByLabel('Username').fill(provider.username);
    await page.getByLabel('Password').fill(provider.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  });

  after(async () => {
    await context?.close();
    await system.close();
  });

  const bell = () => page.getByRole('button', { name: /^Notifications, \d+ unread$/ });
  const unreadShown = async () => Number((await bell().getAttribute('aria-label')).match(/(\d+) unread/)[1]);

  test('connects and subscribes the live feed', async () => {
    try {
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: Waits.RECONNECT_MS });
    } catch (e) {
      await screenshot(page, 'react-example-not-live');
      throw new Error(`${e.message}\nthe page shows: ${await page.locator('body').innerText()}`);
    }
    await page.locator('.feed[data-subscribed="true"]').waitFor({ timeout: Waits.RECONNECT_MS });
    assert.equal(await unreadShown(), 0);
  });

  test('a notification raises the unread count and is listed; marking it read lowers the count', async () => {
    await system.api.notify({ user_id: String(provider.id) }, { title: 'Your quote was accepted', message: 'Job #4411' });
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor({ timeout: Waits.ROUND_TRIP_MS });
    assert.equal(await page.locator('.badge').textContent(), '1');
    await bell().click();
    const item = page.locator('.inbox li', { hasText: 'Your quote was accepted' });
    await item.waitFor({ timeout: Waits.ROUND_TRIP_MS });
    await screenshot(page, 'react-example-bell');
    await item.getByRole('button', { name: 'Mark as read' }).click();
    await page.getByRole('button', { name: 'Notifications, 0 unread' }).waitFor({ timeout: Waits.ROUND_TRIP_MS });
    assert.equal(await item.getAttribute('class'), 'read');
    assert.equal((await system.api.unreadCount(provider.token)).unread_count, 0, 'the server agrees');
  });

  test('a new lead appears in the live feed', async () => {
    const title = `Sagging gutter ${Date.now() % 100000}`;
    await system.api.publishLead({ title });
    await page.locator('.feed li', { hasText: title }).waitFor({ timeout: Waits.ROUND_TRIP_MS });
  });

  test('clear all empties the inbox, here and on the server', async () => {
    await system.api.notify({ user_id: String(provider.id) }, { title: 'Invoice due', message: 'Invoice 17' });
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor({ timeout: Waits.ROUND_TRIP_MS });
    await page.getByRole('button', { name: 'Clear all' }).click();
    await page.locator('.inbox .empty', { hasText: 'No notifications' }).waitFor({ timeout: Waits.ROUND_TRIP_MS });
    assert.equal(await unreadShown(), 0);
    assert.equal((await system.api.notifications(provider.token)).total, 0);
  });

  test('fits a phone screen', async () => {
    await system.api.notify({ user_id: String(provider.id) }, { title: 'A notification with a rather long title for a small screen', message: 'shown at 375 px' });
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor({ timeout: Waits.ROUND_TRIP_MS });
    await page.setViewportSize({ width: 375, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, 'no horizontal scrolling at 375 px');
    await screenshot(page, 'react-example-phone');
    await page.setViewportSize({ width: 1200, height: 800 });
    await screenshot(page, 'react-example-desktop');
  });
});
