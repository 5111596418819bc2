import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, DEFAULT_BACKOFF, LeadlineClient, States } from '../../src/leadline.js';
import { FakeClock, FakeWindow, fakeWebSocketClass, flush } from '../../testing/fakes.js';

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
  assert.deepEqual(delays.slice(0, 6), [500, 1000, 2000, 4000, 5000, 5000], 'capped at 5 s by default');
  assert.equal(delays[59], 5000);
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

test('by default the delay is drawn from [0, min(5 s, 500 ms * 2^attempt)]', () => {
  assert.deepEqual({ ...DEFAULT_BACKOFF }, { initialMs: 500, maxMs: 5_000, factor: 2, minMs: 0 });
  const ceilings = [0, 1, 2, 3, 4, 5, 50].map((a) => backoffDelay(a, {}, () => 1));
  assert.deepEqual(ceilings, [500, 1000, 2000, 4000, 5000, 5000, 5000]);
  assert.equal(backoffDelay(50, {}, () => 0), 0, 'full jitter: the floor is 0');
  assert.equal(backoffDelay(50, {}, () => 0.25), 1250, 'uniform between floor and cap');
});

test('the cap is an option: backoff.maxMs', async () => {
  const { c, clock, WS } = client({ backoff: { maxMs: 2_000 } });
  c.connect();
  await flush();
  const delays = [];
  for (let i = 0; i < 5; i++) {
    WS.last().serverClose(1006);
    delays.push(clock.pendingDelays()[0]);
    clock.advance(delays[i]);
    await flush();
  }
  assert.deepEqual(delays, [500, 1000, 2000, 2000, 2000]);
  c.close();
});

test('the jitter takes the injected random for every wait', async () => {
  const draws = [0.1, 0.9, 0.5, 0];
  const { c, clock, WS } = client({ random: () => draws.shift() });
  c.connect();
  await flush();
  const delays = [];
  for (let i = 0; i < 4; i++) {
    WS.last().serverClose(1006);
    delays.push(clock.pendingDelays()[0]);
    clock.advance(delays[i]);
    await flush();
  }
  assert.deepEqual(delays, [50, 900, 1000, 0]);
  c.close();
});

/** A stand-in for `document`: visibilitychange events and a visibilityState the test sets. */
class FakeDocument extends FakeWindow {
  constructor() {
    super();
    this.visibilityState = 'visible';
  }
}

test('a tab that becomes visible during a backoff wait tries at once, without resetting the attempts', async () => {
  const doc = new FakeDocument();
  const { c, clock, WS } = client({ visibilityEvents: doc });
  c.connect();
  await flush();
  for (let i = 0; i < 3; i++) {
    WS.last().serverClose(1006);
    clock.advance(clock.pendingDelays()[0]);
    await flush();
  }
  doc.visibilityState = 'hidden';
  WS.last().serverClose(1006);
  assert.deepEqual(clock.pendingDelays(), [4000]);
  doc.dispatch('visibilitychange');
  assert.equal(WS.sockets.length, 4, 'hidden: the wait goes on');
  doc.visibilityState = 'visible';
  doc.dispatch('visibilitychange');
  await flush();
  assert.equal(WS.sockets.length, 5, 'visible: a new socket at once');
  assert.deepEqual(clock.pendingDelays(), [], 'the wait is over');
  WS.last().serverClose(1006);
  assert.deepEqual(clock.pendingDelays(), [5000], 'the attempt counter went on');
  c.close();
  assert.equal(doc.listeners.get('visibilitychange').size, 0, 'listener removed on close');
});

test('becoming visible while connected changes nothing', async () => {
  const doc = new FakeDocument();
  const { c, WS } = client({ visibilityEvents: doc });
  c.connect();
  await flush();
  WS.last().accept();
  doc.dispatch('visibilitychange');
  await flush();
  assert.equal(WS.sockets.length, 1);
  assert.equal(c.state, States.CONNECTED);
  c.close();
});

test('reconnectNow() skips the wait and starts the backoff over', async () => {
  const { c, clock, WS } = client();
  assert.equal(c.reconnectNow(), false, 'nothing before connect()');
  c.connect();
  await flush();
  for (let i = 0; i < 4; i++) {
    WS.last().serverClose(1006);
    clock.advance(clock.pendingDelays()[0]);
    await flush();
  }
  WS.last().serverClose(1006);
  assert.deepEqual(clock.pendingDelays(), [5000]);
  assert.equal(c.reconnectNow(), true);
  await flush();
  assert.equal(WS.sockets.length, 6, 'a new socket at once');
  assert.equal(c.reconnectNow(), false, 'not while a socket is opening');
  WS.last().serverClose(1006);
  assert.deepEqual(clock.pendingDelays(), [500], 'the backoff starts over');
  clock.advance(500);
  await flush();
  WS.last().accept();
  assert.equal(c.reconnectNow(), false, 'not while connected');
  assert.equal(WS.sockets.length, 7);
  c.close();
  assert.equal(c.reconnectNow(), false, 'not after close()');
});

test('without window or document (Node, React Native) there are no listeners to need', async () => {
  assert.equal(globalThis.document, undefined);
  const WS = fakeWebSocketClass();
  const c = new LeadlineClient({ url: 'ws://test/ws', token: 't', WebSocket: WS, clock: new FakeClock() });
  c.connect();
  await flush();
  WS.last().accept();
  assert.equal(c.state, States.CONNECTED);
  c.close();
});

test('debug: every frame in and out goes to logger.debug, a refresh frame without its token', async () => {
  const logged = [];
  const logger = { warn() {}, debug: (...args) => logged.push(args) };
  const { c, WS } = client({ debug: true, logger });
  c.connect();
  await flush();
  WS.last().accept();
  c.subscribe('leads', () => {});
  WS.last().answerSubscribes();
  c._send({ type: 'refresh', token: 'secret-token' });
  const lines = logged.map(([line]) => line);
  assert.ok(lines.includes('[leadline] ← connected'), lines.join(', '));
  assert.ok(lines.includes('[leadline] → subscribe'));
  assert.ok(lines.includes('[leadline] ← subscribed'));
  const refresh = logged.find(([line]) => line === '[leadline] → refresh');
  assert.equal(refresh[1].token, '…');
  assert.ok(!JSON.stringify(logged).includes('secret-token'));
  c.close();
});

test('without debug nothing is logged per frame', async () => {
  const logged = [];
  const { c, WS } = client({ logger: { warn() {}, debug: (...args) => logged.push(args) } });
  c.connect();
  await flush();
  WS.last().accept();
  assert.deepEqual(logged, []);
  c.close();
});
