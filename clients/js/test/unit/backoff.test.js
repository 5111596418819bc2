import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, LeadlineClient, States } from '../../src/leadline.js';
import { FakeClock, fakeWebSocketClass, flush } from '../../testing/fakes.js';

const options = { initialMs: 500, maxMs: 30_000, factor: 2 };

test('the delay stays within [0, min(max, initial * factor^attempt)]', () => {
  for (let attempt = 0; attempt < 40; attempt++) {
    const ceiling = Math.min(30_000, 500 * 2 ** attempt);
    assert.equal(backoffDelay(attempt, options, () => 0), 0);
    assert.equal(backoffDelay(attempt, options, () => 0.999999), Math.round(ceiling * 0.999999));
    const d = backoffDelay(attempt, options);
    assert.ok(d >= 0 && d <= ceiling, `attempt ${attempt}: ${d} outside [0, ${ceiling}]`);
  }
});

test('the ceiling doubles until it reaches the maximum', () => {
  const ceilings = [0, 1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelay(a, options, () => 1));
  assert.deepEqual(ceilings, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
});

test('full jitter: delays spread over the whole window', () => {
  const samples = Array.from({ length: 2000 }, () => backoffDelay(4, options));
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  assert.ok(Math.min(...samples) < 800, 'some delays near zero');
  assert.ok(Math.max(...samples) > 7200, 'some delays near the ceiling');
  assert.ok(mean > 3400 && mean < 4600, `mean ${mean} near half the ceiling (4000)`);
  assert.ok(new Set(samples).size > 500, 'many distinct values');
});

test('no attempt cap: a huge attempt number still gives a finite delay', () => {
  assert.equal(backoffDelay(10_000, options, () => 1), 30_000);
  assert.equal(backoffDelay(Number.MAX_SAFE_INTEGER, options, () => 0.5), 15_000);
});

test('a minimum delay is respected when configured', () => {
  assert.equal(backoffDelay(0, { ...options, minMs: 200 }, () => 0), 200);
  assert.ok(backoffDelay(3, { ...options, minMs: 200 }, () => 1) === 4000);
});

function client(extra = {}) {
  const clock = new FakeClock();
  const WS = fakeWebSocketClass();
  const c = new LeadlineClient({
    url: 'ws://test/ws', token: 'static-token', WebSocket: WS, clock, random: () => 1,
    onlineEvents: false, ...extra,
  });
  return { c, clock, WS };
}

test('the client keeps trying for ever, with growing delays', async () => {
  const { c, clock, WS } = client();
  const states = [];
  c.on('state', (s) => states.push(s.state));
  c.connect().catch(() => {});
  await flush();
  assert.equal(states[0], States.CONNECTING);
  const delays = [];
  for (let i = 0; i < 60; i++) {
    WS.last().serverClose(1006);
    delays.push(clock.pendingDelays()[0]);
    clock.advance(delays[i]);
    await flush();
  }
  assert.equal(WS.sockets.length, 61, 'one new socket per attempt, no cap');
  assert.deepEqual(delays.slice(0, 8), [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.equal(delays[59], 30000);
  assert.equal(c.state, States.RECONNECTING);
  c.close();
  assert.equal(c.state, States.DISCONNECTED);
});

test('1012 (server restarting): reconnect at once, jittered within the restart window', async () => {
  const { c, clock, WS } = client({ random: () => 0.5, restartJitterMs: 1000 });
  c.connect();
  await flush();
  WS.last().accept();
  for (let i = 0; i < 5; i++) {
    WS.last().serverClose(1012, 'restarting');
    assert.deepEqual(clock.pendingDelays(), [500], 'within the 1 s restart window, not the backoff');
    clock.advance(500);
    await flush();
    WS.last().accept();
  }
  c.close();
});

test('the attempt counter resets once a connection has stayed up', async () => {
  const { c, clock, WS } = client({ stableAfterMs: 10_000 });
  c.connect();
  await flush();
  for (let i = 0; i < 4; i++) {
    WS.last().serverClose(1006);
    clock.advance(clock.pendingDelays()[0]);
    await flush();
  }
  WS.last().accept();
  clock.advance(10_000);
  WS.last().serverClose(1006);
  assert.ok(clock.pendingDelays().includes(500), 'back to the first delay');
  c.close();
});

test('a connection closed right after connecting does not reset the backoff', async () => {
  const { c, clock, WS } = client();
  c.connect();
  await flush();
  const delays = [];
  for (let i = 0; i < 4; i++) {
    WS.last().accept();
    WS.last().serverClose(4029, 'rate limited');
    delays.push(Math.max(...clock.pendingDelays().filter((d) => d < 60_000)));
    clock.advance(delays[i]);
    await flush();
  }
  assert.deepEqual(delays, [500, 1000, 2000, 4000]);
  c.close();
});
