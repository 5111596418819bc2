// Sessions as people meet them: a stored token the services refuse and an expired one both end on the
// sign-in form saying why; "Reconnect now" while the connection is down; signing out in one tab signs out
// the others; after notify-service restarts the pages are live again within the backoff's cap.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSystem, signIn, screenshot, liveUpdatesActive, subscribed } from './support/browser.js';
import { eventually, restartHooks, sleep, Waits } from '../testing/env.js';

const system = await browserSystem();
const opts = system.skip ? { skip: system.skip } : {};
const PHONE = { width: 375, height: 812 };
const EXPIRED_NOTE = 'Session expired — sign in again';

after(async () => {
  await system.close?.();
});

/** A token shaped like the platform's, with the claims given, signed by no key the services know. */
function forgedToken(claims) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('not a signature').toString('base64url')}`;
}

/** Opens `path` with `token` stored as the session of `user`, as a page left open since would find it. */
async function withStoredToken(context, path, user, token) {
  const page = await context.newPage();
  await page.goto(system.pageUrl(path));
  await page.evaluate(([t, u]) => localStorage.setItem('leadline.session', JSON.stringify({
    token: t, user: { id: String(u.id), username: u.username, role: u.role },
  })), [token, user]);
  await page.reload();
  return page;
}

async function showsExpired(page) {
  await page.locator('#session-note', { hasText: EXPIRED_NOTE }).waitFor({ timeout: Waits.RECONNECT_MS });
  assert.equal(await page.getByLabel('Username').isVisible(), true, 'the sign-in form');
  assert.equal(await page.locator('#conn').isVisible(), false, 'no connection state on the sign-in form');
}

describe('sessions', opts, () => {
  test('a stored token the services refuse: "Session expired", not "Reconnecting…" for ever', async () => {
    const provider = await system.api.register('provider', 'ui_badtoken');
    const context = await system.browser.newContext({ viewport: PHONE });
    try {
      const now = Math.floor(Date.now() / 1000);
      const page = await withStoredToken(context, 'index.html', provider,
        forgedToken({ sub: String(provider.id), upn: provider.username, iat: now, exp: now + 3600 }));
      await showsExpired(page);
      await screenshot(page, 'session-refused-token-phone');
    } finally {
      await context.close();
    }
  });

  test('an expired stored session: "Session expired" on the sign-in form, and signing in works', async () => {
    const provider = await system.api.register('provider', 'ui_expired');
    const context = await system.browser.newContext({ viewport: PHONE });
    try {
      const now = Math.floor(Date.now() / 1000);
      const page = await withStoredToken(context, 'admin.html', provider,
        forgedToken({ sub: String(provider.id), upn: provider.username, iat: now - 7200, exp: now - 3600 }));
      await showsExpired(page);
      await screenshot(page, 'session-expired-phone');
      await page.getByLabel('Username').fill(provider.username);
      await page.getByLabel('Password').fill(provider.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor({ timeout: Waits.RECONNECT_MS });
      assert.equal(await page.locator('#session-note').count(), 0, 'the note leaves with the form');
    } finally {
      await context.close();
    }
  });

  test('"Reconnect now" shows while the connection is down and tries at once', async (t) => {
    const provider = await system.api.register('provider', 'ui_reconnect');
    const context = await system.browser.newContext();
    try {
      const page = await signIn(context, system.pageUrl('index.html'), provider);
      await liveUpdatesActive(page);
      const button = page.getByRole('button', { name: 'Reconnect now' });
      assert.equal(await button.isVisible(), false, 'not while live');

      // every attempt fails until the test lets them through; each failure schedules the next one
      const ticketAsked = [];
      await page.route('**/api/ws-tickets', (route) => route.abort());
      page.on('request', (r) => {
        if (r.url().includes('/api/ws-tickets')) ticketAsked.push(Date.now());
      });
      let nextAttemptAt = 0;
      let waitMs = 0;
      await page.exposeFunction('__reconnecting', (delayMs) => {
        nextAttemptAt = Date.now() + delayMs;
        waitMs = delayMs;
      });
      await page.evaluate(() => {
        window.__leadline.client.on('reconnecting', (e) => window.__reconnecting(e.delayMs));
        window.__leadline.client.simulateDrop();
      });
      await button.waitFor({ state: 'visible', timeout: Waits.ROUND_TRIP_MS });
      await screenshot(page, 'reconnect-now');
      // a wait long enough that an attempt before its end can only come from the button
      const deadline = Date.now() + Waits.RECONNECT_MS;
      while (waitMs < 2_500 || nextAttemptAt - Date.now() < 2_000) {
        assert.ok(Date.now() < deadline, 'a backoff wait of a few seconds');
        await sleep(50);
      }
      await page.unroute('**/api/ws-tickets');
      const clickedAt = Date.now();
      const scheduledFor = nextAttemptAt;
      await button.click();
      await liveUpdatesActive(page);
      const attempt = ticketAsked.find((at) => at >= clickedAt);
      t.diagnostic(`attempt ${attempt - clickedAt} ms after the click; the backoff would have waited ${scheduledFor - clickedAt} ms more`);
      assert.ok(attempt !== undefined && attempt < scheduledFor,
        `the attempt came ${attempt - clickedAt} ms after the click, before the wait's end ${scheduledFor - clickedAt} ms after it`);
      assert.equal(await button.isVisible(), false, 'gone once live');
    } finally {
      await context.close();
    }
  });

  test('?debug=1 logs the frames in the console, and only then', async () => {
    const provider = await system.api.register('provider', 'ui_debug');
    const context = await system.browser.newContext();
    try {
      const page = await signIn(context, system.pageUrl('index.html'), provider);
      const logged = [];
      page.on('console', (m) => {
        if (m.type() === 'debug' && m.text().startsWith('[leadline]')) logged.push(m.text());
      });
      await liveUpdatesActive(page);
      await subscribed(page, 'leads');
      assert.deepEqual(logged, [], 'nothing without ?debug=1');
      await page.goto(system.pageUrl('index.html', { debug: '1' }));
      await liveUpdatesActive(page);
      await subscribed(page, 'leads');
      for (const line of ['[leadline] ← connected', '[leadline] → subscribe', '[leadline] ← subscribed']) {
        assert.ok(logged.some((text) => text.startsWith(line)), `${line} in the console (${logged.length} lines logged)`);
      }
    } finally {
      await context.close();
    }
  });

  test('signing out in one tab signs out the other tabs, and their connections close; signing in brings them back', async () => {
    const provider = await system.api.register('provider', 'ui_signout');
    const context = await system.browser.newContext({ viewport: PHONE });
    try {
      const tabA = await signIn(context, system.pageUrl('index.html'), provider);
      await liveUpdatesActive(tabA);
      const tabB = await context.newPage(); // the same browser profile: already signed in
      const sockets = [];
      let framesToB = 0;
      tabB.on('websocket', (ws) => {
        sockets.push(ws);
        ws.on('framereceived', () => { framesToB += 1; });
      });
      await tabB.goto(system.pageUrl('index.html'));
      await liveUpdatesActive(tabB);
      assert.ok(sockets.length > 0 && !sockets.at(-1).isClosed(), 'tab B is connected');

      await tabA.getByRole('button', { name: 'Sign out' }).click();
      await tabB.locator('#session-note', { hasText: 'You signed out' }).waitFor({ timeout: Waits.ROUND_TRIP_MS });
      assert.equal(await tabB.getByLabel('Username').isVisible(), true, 'tab B shows the sign-in form');
      // The page closes its socket and reloads to the form. The browser does not always report the close of a
      // socket whose document went away, so the check is what matters to the user who left: a notification for
      // them, sent now and stored in their inbox, reaches no socket of tab B.
      const framesBefore = framesToB;
      await system.api.notify({ user_id: String(provider.id) }, { title: 'After sign-out', message: 'not for tab B' });
      await eventually(async () => (await system.api.notifications(provider.token)).items?.some((n) => n.title === 'After sign-out'),
        'the notification to be in the inbox');
      await sleep(1_000); // a live socket gets it within a few hundred milliseconds of the inbox
      assert.equal(framesToB, framesBefore, 'tab B received nothing after signing out');
      await tabA.getByLabel('Username').waitFor();
      await screenshot(tabB, 'signed-out-in-another-tab-phone');

      // and signing in again in one tab brings the other back, without typing the password twice
      await tabA.getByLabel('Username').fill(provider.username);
      await tabA.getByLabel('Password').fill(provider.password);
      await tabA.getByRole('button', { name: 'Sign in' }).click();
      await liveUpdatesActive(tabB);
    } finally {
      await context.close();
    }
  });
});

const hooks = restartHooks();
/** The backoff's default cap (the SDK's DEFAULT_BACKOFF.maxMs), and room for a loaded machine. */
const CAP_MS = 5_000;
const MARGIN_MS = 7_000;

describe('after a notify-service restart', system.skip ? opts : hooks.skip ? { skip: hooks.skip } : {}, () => {
  test('the page is live again within the backoff cap of notify-service being back', async (t) => {
    const provider = await system.api.register('provider', 'ui_capped');
    const context = await system.browser.newContext();
    try {
      const page = await signIn(context, system.pageUrl('index.html'), provider);
      await liveUpdatesActive(page);
      await subscribed(page, 'leads');
      await page.evaluate(() => {
        window.__waits = [];
        window.__leadline.client.on('reconnecting', (e) => window.__waits.push(e.delayMs));
      });
      await hooks.stop();
      await page.locator('#conn', { hasText: 'Reconnecting…' }).waitFor({ timeout: Waits.RECONNECT_MS });
      // down long enough for an uncapped backoff to have grown far past the cap (it waited 16 s and more)
      await sleep(25_000);
      await hooks.start(); // returns once notify-service is ready
      const backAt = Date.now();
      await liveUpdatesActive(page, 120_000);
      const tookMs = Date.now() - backAt;
      const waits = await page.evaluate(() => window.__waits);
      t.diagnostic(`live ${tookMs} ms after notify-service was back; waits between attempts ${waits.join(', ')} ms`);
      // full jitter makes one wait short by chance; every wait of the outage within the cap cannot be
      assert.ok(waits.length >= 4, `attempts while notify-service was down: ${waits.length}`);
      assert.ok(Math.max(...waits) <= CAP_MS, `no wait above the cap: ${waits.join(', ')} ms`);
      assert.ok(tookMs <= CAP_MS + MARGIN_MS, `live ${tookMs} ms after notify-service was back`);
      await screenshot(page, 'restart-live-within-cap');
    } finally {
      await context.close();
    }
  });
});
