// The SDK as React Native runs it: in a process with the platform's WebSocket only (Node's global one, as
// React Native has its own), no DOM and no `ws` package, against the real gateway: it connects,
// subscribes, receives, and after a dropped connection reconnects and receives what was sent meanwhile.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { liveSystem, eventually, Waits } from '../../testing/env.js';

const live = liveSystem();
const opts = live.skip ? { skip: live.skip } : {};
const APP = fileURLToPath(new URL('../../testing/platform-websocket-app.mjs', import.meta.url));
// Node 22 has a global WebSocket; Node 20 has it behind a flag
const FLAGS = typeof globalThis.WebSocket === 'function' ? [] : ['--experimental-websocket'];

describe('the SDK with only the platform WebSocket', opts, () => {
  let app;
  const lines = [];
  let stderr = '';

  const reported = (predicate, what, timeoutMs = Waits.ROUND_TRIP_MS) =>
    eventually(() => lines.find(predicate), `${what} (the app reported ${JSON.stringify(lines)}; stderr: ${stderr})`, timeoutMs);
  const received = (title) => reported((l) => l.step === 'event' && l.title === title, `the app to receive "${title}"`);

  before(async () => {
    const provider = await live.api.register('provider', 'rn_app');
    app = spawn(process.execPath, [...FLAGS, '--no-warnings', APP], {
      env: { ...process.env, LEADLINE_APP_WS_URL: live.ws, LEADLINE_APP_TOKEN: provider.token },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    app.stderr.on('data', (chunk) => (stderr += chunk));
    createInterface({ input: app.stdout }).on('line', (line) => lines.push(JSON.parse(line)));
    app.provider = provider;
  });

  after(() => {
    if (app && app.exitCode === null) app.kill();
  });

  test('connects, subscribes and receives events, then reconnects after a drop and receives what came meanwhile', async () => {
    const subscribed = await reported((l) => l.step === 'subscribed' || l.step === 'wrong_platform', 'the app to subscribe', Waits.RECONNECT_MS);
    assert.equal(subscribed.step, 'subscribed', JSON.stringify(subscribed));
    assert.ok(subscribed.channels.includes('leads'));
    assert.ok(subscribed.channels.includes(`user.${app.provider.id}`), 'the own channel, joined on connect');

    const first = `Dripping faucet ${Date.now() % 100000}`;
    await live.api.publishLead({ title: first });
    await received(first);
    await live.api.notify({ user_id: String(app.provider.id) }, { title: 'Before the drop', message: 'platform WebSocket' });
    await received('Before the drop');

    app.stdin.write('drop\n');
    await reported((l) => l.step === 'state' && l.state === 'reconnecting', 'the app to notice the drop');
    const during = `Blocked drain ${Date.now() % 100000}`;
    await live.api.publishLead({ title: during });
    await live.api.notify({ user_id: String(app.provider.id) }, { title: 'During the drop', message: 'platform WebSocket' });
    await eventually(() => lines.filter((l) => l.step === 'state' && l.state === 'connected').length === 2,
      `the app to reconnect (it reported ${JSON.stringify(lines)})`, Waits.RECONNECT_MS);
    await received(during);
    await received('During the drop');

    const after = `Loose tile ${Date.now() % 100000}`;
    await live.api.publishLead({ title: after });
    await received(after);

    const events = lines.filter((l) => l.step === 'event').map((l) => l.title);
    assert.equal(new Set(events).size, events.length, `each event once: ${events}`);
    // busy and rate_limited answer a resubscription while another replays; the client asks again
    assert.deepEqual(lines.filter((l) => l.step === 'error' && !['busy', 'rate_limited'].includes(l.code)), []);

    app.stdin.write('close\n');
    const code = await new Promise((resolve) => (app.exitCode !== null ? resolve(app.exitCode) : app.on('exit', resolve)));
    assert.equal(code, 0, stderr);
  });
});
