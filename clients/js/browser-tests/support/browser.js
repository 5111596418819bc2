// Headless Chromium (Debian's, through playwright-core) against the dashboards of a running system.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { liveSystem, Waits } from '../../testing/env.js';
import { startStaticServer } from './static-server.js';

const here = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = resolve(here, '../artifacts');
const CHROMIUM = process.env.LEADLINE_CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required'];

/** Everything a browser test needs, or { skip } with the reason. */
export async function browserSystem() {
  const live = liveSystem();
  if (live.skip) return live;
  if (!existsSync(CHROMIUM)) {
    return { skip: `no Chromium at ${CHROMIUM}: apt-get install chromium (or set LEADLINE_CHROMIUM)` };
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return { skip: 'playwright-core is not installed: run npm install in clients/js' };
  }
  let dashboard = process.env.LEADLINE_DASHBOARD_URL?.replace(/\/$/, '');
  let staticServer = null;
  if (!dashboard && process.env.LEADLINE_DASHBOARD_STATIC) {
    staticServer = await startStaticServer(Number(process.env.LEADLINE_DASHBOARD_STATIC_PORT || 18090));
    dashboard = staticServer.url;
  }
  dashboard ||= live.config.notifyUrl;
  try {
    // read both bodies to the end: an unread body keeps its connection, and so this process, alive
    const page = await fetch(dashboard + '/index.html');
    const pageText = await page.text();
    const sdk = await fetch(dashboard + '/sdk/leadline.js');
    await sdk.arrayBuffer();
    if (!page.ok || !pageText.includes('Provider dashboard') || !sdk.ok) {
      await staticServer?.close();
      return {
        skip: `${dashboard} does not serve the dashboards yet (rebuild notify-service, or set LEADLINE_DASHBOARD_STATIC=1 ` +
          'to serve them from the source tree on port 18090, an origin notify-service must allow)',
      };
    }
  } catch (e) {
    await staticServer?.close();
    return { skip: `cannot reach ${dashboard}: ${e.message}` };
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  return {
    ...live,
    browser,
    dashboard,
    /**
     * The URL of a dashboard page. Where the other services are is notify-service's configuration
     * (its /config.json), never the page's URL.
     */
    pageUrl: (path, extra = {}) => {
      const query = new URLSearchParams(extra).toString();
      return `${dashboard}/${path}${query ? '?' + query : ''}`;
    },
    async close() {
      await browser.close();
      await staticServer?.close();
    },
  };
}

/** Opens a page and signs in through the form. */
export async function signIn(context, url, user) {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

/** The platform's admin, as the sign-in form takes it. */
export function adminUser(system) {
  return { username: system.config.adminUsername, password: system.config.adminPassword };
}

/** A desktop-sized browser context with the payment monitor open, signed in as the admin. */
export async function openAdminMonitor(system) {
  const context = await system.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await signIn(context, system.pageUrl('admin.html'), adminUser(system));
  return { context, page };
}

/** Waits until the page shows its live connection as up (after sign-in, a reload or a restart). */
export function liveUpdatesActive(page, timeout = Waits.RECONNECT_MS) {
  return page.locator('#conn', { hasText: 'Live updates active' }).waitFor({ timeout });
}

/**
 * Waits until the server has confirmed the page's subscription to `channel` (the dashboards expose their
 * client as window.__leadline). "Live updates active" only says the socket is up: an event published
 * before the subscribe frame is processed is not replayed to a subscription without a position.
 */
export function subscribed(page, channel, timeout = Waits.RECONNECT_MS) {
  return page.waitForFunction((name) => window.__leadline?.client?.channels().includes(name), channel, { timeout });
}

/**
 * Starts waiting for `locator` now; await the result after the action that makes it appear. For elements
 * that do not stay, such as toasts (gone after a few seconds, or pushed out by newer ones): a wait started
 * only after other checks could begin when they have already left.
 */
export function appearing(locator, timeout = Waits.ROUND_TRIP_MS) {
  const wait = locator.waitFor({ timeout });
  wait.catch(() => {}); // the caller awaits it; a test failing before then must not leave an unhandled rejection
  return wait;
}

export async function screenshot(page, name) {
  await page.screenshot({ path: resolve(ARTIFACTS, name + '.png'), fullPage: true });
}
