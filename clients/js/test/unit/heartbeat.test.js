// Heartbeat, dead-connection detection, connection states and online/offline awareness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeadlineClient, States } from '../../src/leadline.js';
import { FakeClock, FakeWindow, fakeWebSocketClass, flush } from '../../testing/fakes.js';

function setup(extra = {}) {
  const clock = new FakeClock();
  const WS = fakeWebSocketClass();
  const c = new LeadlineClient({
    url: 'ws://test/ws', token: 'tok', WebSocket: WS, clock, random: () => 0, onlineEvents: false,
    pingIntervalMs: 20_000, deadAfterMs: 45_000, ...extra,
  });
  return { c, clock, WS };
}

test('pings on an interval while frames keep arriving', async () => {
  const { c, clock, WS } = setup();
  c.connect();
  await flush();
  WS.last().accept();
  for (let i = 0; i < 5; i++) {
    clock.advance(20_000);
    const ping = WS.last().framesOfType('ping').at(-1);
    WS.last().serverSend({ type: 'pong', id: ping.id });
  }
  assert.equal(WS.last().framesOfType('ping').length, 5);
  assert.equal(WS.sockets.length, 1);
  assert.equal(c.state, States.CONNECTED);
  c.close();
});

test('no frame for deadAfterMs: the socket is dropped and a new one opened', async () => {
  const { c, clock, WS } = setup();
  const dead = [];
  c.on('dead', (d) => dead.push(d.silentMs));
  c.connect();
  await flush();
  WS.last().accept();
  const first = WS.last();
  clock.advance(40_000); // two pings unanswered
  assert.equal(WS.sockets.length, 1);
  clock.advance(20_000);
  assert.equal(dead.length, 1);
  assert.ok(dead[0] >= 45_000);
  assert.equal(first.closedWith.code, 4000);
  assert.equal(c.state, States.RECONNECTING);
  clock.advance(0);
  await flush();
  assert.equal(WS.sockets.length, 2, 'reconnected without waiting for the dead socket to close');
  first.serverClose(1006); // a late close of the old socket changes nothing
  assert.equal(WS.sockets.length, 2);
  c.close();
});

test('ping() resolves on the pong', async () => {
  const { c, WS } = setup();
  c.connect();
  await flush();
  WS.last().accept();
  const pong = c.ping();
  const frame = WS.last().framesOfType('ping')[0];
  WS.last().serverSend({ type: 'pong', id: frame.id });
  assert.equal((await pong).type, 'pong');
  c.close();
});

test('states: connecting, connected, reconnecting, connected, disconnected', async () => {
  const { c, clock, WS } = setup();
  const states = [];
  c.on('state', (s) => states.push(s.state));
  const connected = c.connect();
  await flush();
  WS.last().accept({ userId: '42' });
  assert.equal((await connected).user_id, '42');
  assert.equal(c.userId, '42');
  WS.last().serverClose(1001, 'going away');
  clock.advance(clock.pendingDelays()[0]);
  await flush();
  WS.last().accept({ userId: '42' });
  c.close();
  assert.deepEqual(states, ['connecting', 'connected', 'reconnecting', 'connected', 'disconnected']);
});

test('offline pauses (no attempts), online reconnects at once', async () => {
  const win = new FakeWindow();
  const { c, clock, WS } = setup({ onlineEvents: win, backoff: { initialMs: 10_000 } });
  const states = [];
  c.on('state', (s) => states.push(s.state + (s.reason ? ':' + s.reason : '')));
  c.connect();
  await flush();
  WS.last().accept();
  win.dispatch('offline');
  assert.equal(c.paused, true);
  assert.equal(c.state, States.DISCONNECTED);
  assert.deepEqual(clock.pendingDelays(), [], 'no attempt while offline');
  clock.advance(120_000);
  assert.equal(WS.sockets.length, 1);
  win.dispatch('online');
  await flush();
  assert.equal(WS.sockets.length, 2, 'at once, not after the backoff');
  WS.last().accept();
  assert.equal(c.state, States.CONNECTED);
  assert.deepEqual(states, ['connecting', 'connected', 'disconnected:offline', 'reconnecting', 'connected']);
  c.close();
  assert.equal(win.listeners.get('online').size, 0, 'listeners removed on close');
});

test('online during a backoff wait cuts the wait short', async () => {
  const win = new FakeWindow();
  const { c, clock, WS } = setup({ onlineEvents: win, random: () => 1, backoff: { initialMs: 20_000, maxMs: 30_000 } });
  c.connect();
  await flush();
  WS.last().serverClose(1006);
  assert.deepEqual(clock.pendingDelays(), [20_000]);
  win.dispatch('online');
  await flush();
  assert.equal(WS.sockets.length, 2);
  c.close();
});

test('close() stops everything: no timers, no reconnect', async () => {
  const { c, clock, WS } = setup();
  c.connect();
  await flush();
  WS.last().accept();
  c.close();
  assert.deepEqual(clock.pendingDelays(), []);
  clock.advance(1_000_000);
  assert.equal(WS.sockets.length, 1);
  assert.equal(WS.last().closedWith.code, 1000);
});

test('without a WebSocket implementation the constructor says what to pass', () => {
  const saved = globalThis.WebSocket;
  try {
    delete globalThis.WebSocket;
    assert.throws(() => new LeadlineClient({ url: 'ws://x/ws', token: 't' }), /WebSocket option/);
  } finally {
    if (saved) globalThis.WebSocket = saved;
  }
});
